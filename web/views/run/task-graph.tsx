import { For, Show, createMemo, createUniqueId, on } from 'solid-js';
import { roleName } from '../../format/roles.ts';
import { type GraphTask, layoutTasks, nodeHeight, nodeWidth } from './task-graph-layout.ts';
import { statusNames } from './task-order.ts';

const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/**
 * The tasks as a graph (an edge from each task to those that wait for it), coloured by
 * status with the status also written. The task list below is the accessible version.
 */
export function TaskGraph(props: { tasks: GraphTask[]; label?: string }) {
  // Re-lay out only when the tasks or their links change, not on every status change.
  const shapeKey = () => props.tasks.map((task) => `${task.taskId}<${task.dependsOn.join(',')}`).join('|');
  const shape = createMemo(shapeKey);
  const layout = createMemo(on(shape, () => layoutTasks(props.tasks)));
  const taskById = (id: string) => props.tasks.find((task) => task.taskId === id);
  // Two graphs can share a page (the plan under review and the run's): ids stay unique.
  const arrow = `arrow-${createUniqueId()}`;
  const position = createMemo(() => new Map(layout().nodes.map((node) => [node.task.taskId, node])));

  return (
    // On a phone the graph is wider than the screen and scrolls sideways: the box takes
    // keyboard focus so it can be scrolled without a pointer (axe: scrollable-region-focusable).
    <div
      class="task-graph"
      data-testid="task-graph"
      tabindex="0"
      role="region"
      aria-label={props.label ? 'The plan as a graph' : 'Task graph'}
    >
      <Show when={props.tasks.length > 0} fallback={<p class="hint">No tasks yet: the plan makes them.</p>}>
        <svg
          viewBox={`0 0 ${layout().width} ${layout().height}`}
          width={layout().width}
          height={layout().height}
          role="img"
          aria-label={
            props.label ?? `Task graph: ${props.tasks.length} tasks. The task list below has the same tasks as text.`
          }
        >
          <defs>
            <marker id={arrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
              <path d="M0,0 L10,5 L0,10 z" class="graph-arrow" />
            </marker>
          </defs>
          <For each={layout().edges}>
            {(edge) => (
              <polyline
                class="graph-edge"
                points={edge.points.map((point) => `${point.x},${point.y}`).join(' ')}
                marker-end={`url(#${arrow})`}
              />
            )}
          </For>
          <For each={layout().nodes}>
            {(node) => {
              // The layout keeps the task as it was; read the live row for status.
              const task = () => taskById(node.task.taskId) ?? node.task;
              const at = () => position().get(node.task.taskId) ?? node;
              return (
                <g class="graph-node" data-status={task().status} transform={`translate(${at().x},${at().y})`}>
                  <title>
                    {task().title} — {roleName(task().role)}, {statusNames[task().status]}
                  </title>
                  <rect width={nodeWidth} height={nodeHeight} rx="8" />
                  <text x="10" y="20" class="graph-title">
                    {clip(task().title, 24)}
                  </text>
                  <text x="10" y="38" class="graph-meta">
                    {clip(roleName(task().role), 18)}
                  </text>
                  <text x="10" y="52" class="graph-status">
                    {statusNames[task().status]}
                    {task().attempt > 1 ? ` · attempt ${task().attempt}` : ''}
                  </text>
                </g>
              );
            }}
          </For>
        </svg>
      </Show>
    </div>
  );
}
