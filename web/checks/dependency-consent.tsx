import { For, Match, Show, Switch, createResource } from 'solid-js';
import { callEngine } from '../worker-client.ts';

/**
 * The question before a run of a project that declares npm packages this device does not
 * have: "This project needs 3 packages from registry.npmjs.org: a, b, c." with **Allow
 * downloads for this run**. Only the engine downloads them, checked against the registry's
 * integrity, and keeps them for offline runs; the project's code never gets a network.
 * Run tests without allowing uses what the device has, and a run that lacks a package says
 * which one. When downloads would not help (a Git dependency, a refused archive), it says
 * why instead of asking.
 */
export function DependencyConsent(props: {
  projectId: string;
  /** Changes when the answer may have: a new result, new files. */
  refreshKey: string;
  disabled: boolean;
  onAllow: () => void;
}) {
  const [needs] = createResource(
    () => ({ projectId: props.projectId, key: props.refreshKey }),
    async ({ projectId }) => {
      const answer = await callEngine('checkDependencies', projectId);
      return answer.ok ? answer.value : undefined;
    },
  );
  const names = (list: readonly { name: string }[]) => list.map((one) => one.name).join(', ');
  const plural = (count: number) => `${count} package${count === 1 ? '' : 's'}`;
  return (
    <Show when={needs()}>
      {(current) => (
        <div class="dependency-consent" data-testid="dependency-consent">
          <Show when={current().packages.length > 0}>
            <Switch>
              <Match when={current().cached}>
                <p class="hint" data-testid="dependency-status">
                  Its {plural(current().packages.length)} from {current().registry} ({names(current().packages)}) are on
                  this device: runs need no network.
                </p>
              </Match>
              <Match when={current().needsConsent}>
                <div role="group" aria-labelledby={`dependency-question-${props.projectId}`}>
                  <p id={`dependency-question-${props.projectId}`} data-testid="dependency-question">
                    This project needs {plural(current().packages.length)} from {current().registry}:{' '}
                    {names(current().packages)}.
                  </p>
                  <p class="hint" id={`dependency-why-${props.projectId}`}>
                    Orchestra downloads them itself, checks each against the registry's integrity and keeps them on this
                    device for offline runs; the project's code still gets no network.
                    <Show when={current().reason}>{(reason) => <> {reason()}</>}</Show>
                  </p>
                  <button
                    type="button"
                    class="button"
                    aria-describedby={`dependency-why-${props.projectId}`}
                    disabled={props.disabled}
                    onClick={() => props.onAllow()}
                  >
                    Allow downloads for this run
                  </button>
                </div>
              </Match>
              {/* Downloads would not help (a Git dependency, a refused archive): say why instead of asking. */}
              <Match when={current().reason}>
                {(reason) => (
                  <p class="hint" data-testid="dependency-blocked">
                    Allowing downloads would not help: {reason()}
                  </p>
                )}
              </Match>
            </Switch>
          </Show>
          <For each={current().unsupported}>
            {(one) => (
              <p class="hint" data-testid="dependency-unsupported">
                {one.name} is declared as {one.spec}, {one.why}: the tab cannot install it.
              </p>
            )}
          </For>
        </div>
      )}
    </Show>
  );
}
