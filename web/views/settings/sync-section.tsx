import { Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { Result, SyncStatus } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { callEngine } from '../../worker-client.ts';
import { settle } from './command-result.ts';

const stateWords: Record<SyncStatus['state'], string> = {
  off: 'Not syncing: projects stay on this device.',
  connecting: 'Connecting to the sync server…',
  connected: 'Connected.',
  unreachable: 'The sync server is unreachable; changes wait on this device until it is back.',
  retrying: 'Sync waits and tries again.',
  failed: 'Sync stopped.',
  elsewhere: 'Another tab of Orchestra syncs for this device.',
};

/** A pairing link carries the secret in the fragment, which browsers never send to a server. */
const joinLink = (secret: string) => `${location.origin}/settings#join=${secret}`;

function secretFromLink(): string | undefined {
  const match = /^#join=([A-Za-z0-9_-]{43})$/.exec(location.hash);
  return match?.[1];
}

function defaultDeviceName(): string {
  const agent = navigator.userAgent;
  if (/Android/.test(agent)) return 'Android';
  if (/iPhone|iPad/.test(agent)) return 'iPhone';
  if (/Mac/.test(agent)) return 'Mac';
  if (/Windows/.test(agent)) return 'Windows';
  if (/Linux/.test(agent)) return 'Linux';
  return 'this device';
}

const when = (at: number | null) => (at === null ? 'not yet' : new Date(at).toLocaleTimeString());

/**
 * Settings › Sync: this server by default; make a space or join one with the secret
 * (or the link) from another device; where sync stands; leave the space. The secret is
 * shown on request only, and never leaves the device except as the person carries it.
 */
export function SyncSection() {
  const [status, setStatus] = createSignal<SyncStatus>();
  const [problem, setProblem] = createSignal<string>();
  const [secret, setSecret] = createSignal<string>();
  const [serverUrl, setServerUrl] = createSignal(location.origin);
  const [deviceName, setDeviceName] = createSignal(defaultDeviceName());
  const [joining, setJoining] = createSignal(secretFromLink() ?? '');
  const [busy, setBusy] = createSignal(false);

  const refresh = async () => {
    const next = await callEngine('syncStatus').catch(() => undefined);
    if (next) setStatus(next);
  };
  onMount(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    // A pairing link opened while Settings is already shown changes only the fragment.
    const fromLink = () => {
      const linked = secretFromLink();
      if (linked) setJoining(linked);
    };
    addEventListener('hashchange', fromLink);
    onCleanup(() => {
      clearInterval(timer);
      removeEventListener('hashchange', fromLink);
    });
  });

  async function run<T>(command: Promise<Result<T>>): Promise<Result<T>> {
    setBusy(true);
    setProblem(undefined);
    const result = await settle(command).finally(() => setBusy(false));
    if (!result.ok) setProblem(result.message);
    await refresh();
    return result;
  }

  async function create() {
    const result = await run(callEngine('syncCreateSpace', serverUrl(), deviceName()));
    if (result.ok) setSecret(result.value.secret);
  }

  async function join() {
    const result = await run(callEngine('syncJoinSpace', serverUrl(), joining(), deviceName()));
    if (result.ok) {
      setJoining('');
      if (location.hash.startsWith('#join=')) history.replaceState(null, '', location.pathname);
    }
  }

  async function showSecret() {
    const result = await settle(callEngine('syncSecret'));
    if (result.ok) setSecret(result.value);
    else setProblem(result.message);
  }

  async function retry() {
    const next = await callEngine('syncRetry').catch(() => undefined);
    if (next) setStatus(next);
  }

  async function leave() {
    setSecret(undefined);
    await run(callEngine('syncLeave'));
  }

  const on = () => (status()?.state ?? 'off') !== 'off';

  return (
    <section class="sync" aria-labelledby="sync-heading" data-testid="sync-settings">
      <h2 id="sync-heading">Sync</h2>
      <p class="hint">
        Sync keeps your projects on all your devices through a sync server. Everything is encrypted on this device with
        a key made from the space's secret; the server stores only ciphertext. Model keys never sync.
      </p>
      <p data-testid="sync-state" role="status">
        {stateWords[status()?.state ?? 'off']}
      </p>
      <Show when={status()?.message}>
        <p class="problem" role="alert" data-testid="sync-message">
          {status()?.message}
        </p>
      </Show>
      <Show when={['failed', 'retrying', 'unreachable'].includes(status()?.state ?? 'off')}>
        <button type="button" data-testid="sync-retry" onClick={() => void retry()}>
          Try again
        </button>
      </Show>
      <Show
        when={on()}
        fallback={
          <div class="sync-setup">
            <label>
              Sync server
              <input
                name="sync-server"
                type="url"
                value={serverUrl()}
                onInput={(event) => setServerUrl(event.currentTarget.value)}
              />
            </label>
            <label>
              This device's name
              <input
                name="device-name"
                value={deviceName()}
                maxLength={60}
                onInput={(event) => setDeviceName(event.currentTarget.value)}
              />
            </label>
            <button type="button" disabled={busy()} onClick={() => void create()}>
              Create a space
            </button>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                void join();
              }}
            >
              <label>
                Secret from another device
                <input
                  name="space-secret"
                  autocomplete="off"
                  spellcheck={false}
                  value={joining()}
                  onInput={(event) => setJoining(event.currentTarget.value)}
                />
              </label>
              <button type="submit" disabled={busy() || joining().trim() === ''}>
                Join the space
              </button>
            </form>
          </div>
        }
      >
        <dl class="sync-facts">
          <dt>Server</dt>
          <dd data-testid="sync-server">{status()?.serverUrl}</dd>
          <dt>This device</dt>
          <dd>{status()?.deviceName}</dd>
          <dt>Last synced</dt>
          <dd data-testid="sync-last">{when(status()?.lastSyncedAt ?? null)}</dd>
          <dt>Events waiting to sync</dt>
          <dd data-testid="sync-waiting">{status()?.waiting ?? 0}</dd>
          <dt>Projects in the space</dt>
          <dd data-testid="sync-projects">{status()?.projects ?? 0}</dd>
        </dl>
        <Show
          when={secret()}
          fallback={
            <button type="button" onClick={() => void showSecret()}>
              Pair another device
            </button>
          }
        >
          {(shown) => (
            <div class="sync-pairing">
              <p>
                On the other device, open this link, or paste the secret in Settings › Sync. Anyone with it can read and
                change your synced projects: share it only with your own devices.
              </p>
              <label>
                Secret
                <input readOnly name="shown-secret" value={shown()} data-testid="sync-secret" />
              </label>
              <label>
                Link
                <input readOnly value={joinLink(shown())} data-testid="sync-link" />
              </label>
            </div>
          )}
        </Show>
        <button type="button" disabled={busy()} onClick={() => void leave()}>
          Leave the space
        </button>
      </Show>
      <Problem message={problem()} />
    </section>
  );
}
