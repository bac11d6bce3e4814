import { For, Show } from 'solid-js';
import type { ProjectView } from '../../../worker/api.ts';
import { formatElapsed, formatTokens, formatUsd } from '../../format/money.ts';
import { roleName, roles } from '../../format/roles.ts';
import type { Role } from '../../../worker/events/schemas/common.ts';
import { summariseAgent } from './agent-status.ts';
import { createNow } from './create-now.ts';

/** One card per agent role: what it is doing, on which model, for how long, and what it cost. */
export function AgentsPanel(props: { view: ProjectView }) {
  const now = createNow();
  return (
    <section class="agents" data-testid="agents" aria-labelledby="agents-title">
      <h3 id="agents-title">Agents</h3>
      <ul class="agent-cards">
        <For each={roles}>{(role) => <AgentCard view={props.view} role={role.id} now={now()} />}</For>
      </ul>
    </section>
  );
}

function AgentCard(props: { view: ProjectView; role: Role; now: number }) {
  const agent = () => summariseAgent(props.view, props.role);
  const elapsed = () => {
    const task = agent().task;
    return agent().state === 'running' && task?.startedAt ? formatElapsed(props.now - task.startedAt) : undefined;
  };
  return (
    <li class="agent-card" data-role={props.role} data-state={agent().state}>
      <p class="agent-name">
        <strong>{roleName(props.role)}</strong>
        <span class="status-pill" data-status={agent().state}>
          {agent().state}
        </span>
      </p>
      <Show when={agent().state === 'running' && agent().task}>
        {(task) => <p class="agent-task">{task().title}</p>}
      </Show>
      <dl class="agent-facts">
        <dt>Model</dt>
        <dd>{agent().provider === 'template' ? 'Template (no AI)' : (agent().model ?? '—')}</dd>
        <Show when={elapsed()}>
          <dt>Elapsed</dt>
          <dd>
            <time>{elapsed()}</time>
          </dd>
        </Show>
        <dt>Tasks</dt>
        <dd>
          {agent().tasksDone} of {agent().tasksTotal} done
        </dd>
        <dt>Used</dt>
        <dd>
          {formatTokens(agent().tokens)} · {formatUsd(agent().costUsd)}
        </dd>
      </dl>
    </li>
  );
}
