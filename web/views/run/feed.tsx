import { createVirtualizer } from '@tanstack/solid-virtual';
import { For, Show, createMemo, createSignal } from 'solid-js';
import type { OrchestraEvent } from '../../../worker/api.ts';
import { describeEvent } from '../../../worker/query/index.ts';
import { type FeedFilter, feedEntries, feedFilters } from './feed-filter.ts';

/** Above this many entries only the visible rows are in the page. */
const virtualiseAbove = 200;

/** The collaboration feed: every event as a sentence, newest first, filtered by who or what. */
export function Feed(props: { events: OrchestraEvent[] }) {
  const [filter, setFilter] = createSignal<FeedFilter>('all');
  const entries = createMemo(() => feedEntries(props.events, filter()));

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
      <Show when={entries().length > virtualiseAbove} fallback={<PlainFeed entries={entries()} />}>
        <VirtualFeed entries={entries()} />
      </Show>
      <Show when={entries().length === 0}>
        <p class="hint">Nothing here yet.</p>
      </Show>
    </section>
  );
}

function FeedEntry(props: { event: OrchestraEvent }) {
  return (
    <>
      <time datetime={new Date(props.event.at).toISOString()}>{new Date(props.event.at).toLocaleTimeString()}</time>{' '}
      {describeEvent(props.event)}
    </>
  );
}

function entryKind(event: OrchestraEvent): string {
  return event.actor.kind;
}

function PlainFeed(props: { entries: OrchestraEvent[] }) {
  return (
    <div class="feed-plain">
      <ol class="feed" data-testid="feed">
        <For each={props.entries}>
          {(event) => (
            <li data-seq={event.seq} data-actor={entryKind(event)}>
              <FeedEntry event={event} />
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}

function VirtualFeed(props: { entries: OrchestraEvent[] }) {
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
    <div class="feed-scroller" ref={scroller} tabindex="0" aria-label={`Feed, ${props.entries.length} entries`}>
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
                  <FeedEntry event={event()} />
                </li>
              )}
            </Show>
          )}
        </For>
      </ol>
    </div>
  );
}
