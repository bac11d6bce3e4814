import { Show, createResource, createSignal } from 'solid-js';
import type { WorkerHealth } from '../../../worker/api.ts';
import { callEngine, requestPersistentStorage } from '../../worker-client.ts';
import { formatBytes } from './format-bytes.ts';
import { storageWarning } from './storage-warning.ts';

/** The engine's health: its database, the storage it uses, and whether the browser keeps it. */
export function HealthPanel() {
  const [health, { refetch }] = createResource(() => callEngine('health'));
  const [asked, setAsked] = createSignal<'idle' | 'asking' | 'granted' | 'refused'>('idle');

  async function askToPersist() {
    setAsked('asking');
    const granted = await requestPersistentStorage().catch(() => false);
    setAsked(granted ? 'granted' : 'refused');
    await refetch();
  }

  return (
    <Show when={health()} fallback={<p class="loading">Asking the engine…</p>}>
      {(current) => (
        <dl class="facts" data-testid="health-panel">
          <dt>Engine</dt>
          <dd data-testid="health-status">{current().status === 'ready' ? 'Ready' : 'Storage unavailable'}</dd>
          <DatabaseFacts health={current()} />
          <dt>Storage used</dt>
          <dd data-testid="health-storage">
            {current().storage
              ? `${formatBytes(current().storage?.usageBytes ?? 0)} of ${formatBytes(current().storage?.quotaBytes ?? 0)} available to this site`
              : 'This browser does not report it'}
            <Show
              when={
                current().storage &&
                storageWarning(current().storage?.usageBytes ?? 0, current().storage?.quotaBytes ?? 0)
              }
            >
              {(warning) => (
                <p class="hint problem" role="alert" data-testid="storage-warning">
                  {warning()}
                </p>
              )}
            </Show>
          </dd>
          <dt>Kept under storage pressure</dt>
          <dd>
            <span data-testid="health-persisted">
              {current().persisted === null ? 'Unknown' : current().persisted ? 'Yes' : 'No'}
            </span>
            <Show when={current().persisted === false}>
              {' '}
              <button type="button" onClick={() => void askToPersist()} disabled={asked() === 'asking'}>
                Keep my data
              </button>
            </Show>
            <Show when={asked() === 'refused'}>
              <p class="hint" data-testid="persist-refused">
                The browser declined for now. Browsers grant this to sites you use often or install; installing
                Orchestra usually does it.
              </p>
            </Show>
          </dd>
        </dl>
      )}
    </Show>
  );
}

function DatabaseFacts(props: { health: WorkerHealth }) {
  return (
    <>
      <dt>Database</dt>
      <dd data-testid="health-database">
        <Show
          when={props.health.database.open ? props.health.database : undefined}
          fallback={databaseError(props.health)}
        >
          {(database) => `${database().name}, schema version ${database().version} (${database().tables.join(', ')})`}
        </Show>
      </dd>
    </>
  );
}

function databaseError(health: WorkerHealth): string {
  return health.database.open ? '' : health.database.message;
}
