import { A } from '@solidjs/router';
import { Match, Switch, createResource } from 'solid-js';
import { callEngine } from '../worker-client.ts';

/** The engine's state in the header: starting, ready, degraded storage, or unavailable. */
export function EngineStatus() {
  const [health] = createResource(() => callEngine('health'));
  return (
    <A href="/data" class="engine-status" data-testid="engine-status">
      <Switch fallback={<span data-state="starting">Engine starting…</span>}>
        <Match when={health.state === 'errored'}>
          <span data-state="unavailable">Engine unavailable</span>
        </Match>
        <Match when={health.state === 'ready' && health()}>
          {(current) => (
            <span data-state={current().status}>
              {current().status === 'ready' ? 'Engine ready' : 'Storage unavailable'}
            </span>
          )}
        </Match>
      </Switch>
    </A>
  );
}
