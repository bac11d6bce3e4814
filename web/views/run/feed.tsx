import { createVirtualizer } from '@tanstack/solid-virtual';
import { For, Show, createMemo, createSignal } from 'solid-js';
import type { OrchestraEvent } from '../../../worker/api.ts';
import { type EventContext, describeEvent, taskTitles } from '../../../worker/query/index.ts';
import { type FeedFilter, feedEntries, feedFilters } from './feed-filter.ts';

/** Above this many entries only the visible rows are in the page. */
const virtualiseAbove = 200;

/** The collaboration feed: every event as a sentence, newest first, filtered by who or what. */
export function Feed(props: { events: OrchestraEvent[] }) {
  const [filter, setFilter] = createSignal<FeedFilter>('all');
  const [showWithdrawn, setShowWithdrawn] = createSignal(false);
  const entries = createMemo(() => feedEntries(props.events, filter(), { showWithdrawn: showWithdrawn() }));
  const titles = createMemo(() => taskTitles(props.events));
  const context: EventContext = { taskTitle: (taskId) => titles().get(taskId) };

  return (
    <section class="feed-section" aria-labelledby="feed-title">
      <h3 id="feed-title">Collaboration feed</h3>
      <div class="segmented" role="group" aria-label="Show in the feed">
        <For each={feedFilters}>
          {(option) => (
            <button type="button" aria-pressed={filter() === option.id} onClick={() => setFilter(option.id)}>
              {option.label}
            </button>
          )}
        </For>
      </div>
      <label class="inline-check">
        <input
          type="checkbox"
          checked={showWithdrawn()}
          onChange={(event) => setShowWithdrawn(event.currentTarget.checked)}
        />
        Show routing choices withdrawn before any call
      </label>
      <Show when={entries().length > virtualiseAbove} fallback={<PlainFeed entries={entries()} context={context} />}>
        <VirtualFeed entries={entries()} context={context} />
      </Show>
      <Show when={entries().length === 0}>
        <p class="hint">Nothing here yet.</p>
      </Show>
    </section>
  );
}

function FeedEntry(props: { event: OrchestraEvent; context: EventContext }) {
  return (
    <>
      <time datetime={new Date(props.event.at).toISOString()}>{new Date(props.event.at).toLocaleTimeString()}</time>{' '}
      {describeEvent(props.event, props.context)}
    </>
  );
}

function entryKind(event: OrchestraEvent): string {
  return event.actor.kind;
}

function PlainFeed(props: { entries: OrchestraEvent[]; context: EventContext }) {
  // A region of its own that scrolls: reachable with the keyboard, and named.
  return (
    <div class="feed-plain" tabindex="0" role="region" aria-label={`Feed, ${props.entries.length} entries`}>
      <ol class="feed" data-testid="feed">
        <For each={props.entries}>
          {(event) => (
            <li data-seq={event.seq} data-actor={entryKind(event)}>
              <FeedEntry event={event} context={props.context} />
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}

function VirtualFeed(props: { entries: OrchestraEvent[]; context: EventContext }) {
  let scroller: HTMLDivElement | undefined;
  const virtualizer = createVirtualizer({
    get count() {
      return props.entries.length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => 38,
    overscan: 12,
    getItemKey: (index) => props.entries[index]?.seq ?? index,
  });
  return (
    <div
      class="feed-scroller"
      ref={scroller}
      tabindex="0"
      role="region"
      aria-label={`Feed, ${props.entries.length} entries`}
    >
      <ol class="feed virtual" data-testid="feed" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        <For each={virtualizer.getVirtualItems()}>
          {(item) => (
            <Show when={props.entries[item.index]}>
              {(event) => (
                <li
                  data-seq={event().seq}
                  data-actor={entryKind(event())}
                  data-index={item.index}
                  aria-posinset={item.index + 1}
                  aria-setsize={props.entries.length}
                  ref={(element) => queueMicrotask(() => virtualizer.measureElement(element))}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <FeedEntry event={event()} context={props.context} />
                </li>
              )}
            </Show>
          )}
        </For>
      </ol>
    </div>
  );
}
