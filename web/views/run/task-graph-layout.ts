import dagre from '@dagrejs/dagre';
import type { TaskRow } from '../../../worker/api.ts';

export const nodeWidth = 190;
export const nodeHeight = 58;

/** What the graph needs of a task: a running one's row, or a task of a plan under review. */
export type GraphTask = Pick<TaskRow, 'taskId' | 'title' | 'role' | 'status' | 'dependsOn' | 'attempt'>;

export interface GraphNode<T extends GraphTask = GraphTask> {
  task: T;
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface GraphLayout<T extends GraphTask = GraphTask> {
  nodes: GraphNode<T>[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/**
 * Lays the tasks out left to right with dagre: a task after the tasks it depends on.
 * Dependencies on tasks that are not in the list are left out.
 */
export function layoutTasks<T extends GraphTask>(tasks: readonly T[]): GraphLayout<T> {
  if (tasks.length === 0) return { nodes: [], edges: [], width: 0, height: 0 };
  const graph = new dagre.graphlib.Graph<
    { rankdir: string },
    { width: number; height: number; x?: number; y?: number },
    { points?: { x: number; y: number }[] }
  >();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 48, marginx: 8, marginy: 8 } as { rankdir: string });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((task) => task.taskId));
  for (const task of tasks) graph.setNode(task.taskId, { width: nodeWidth, height: nodeHeight });
  for (const task of tasks)
    for (const dependency of task.dependsOn) if (ids.has(dependency)) graph.setEdge(dependency, task.taskId);
  dagre.layout(graph);

  const nodes = tasks.map((task) => {
    const label = graph.node(task.taskId);
    return { task, x: (label.x ?? 0) - nodeWidth / 2, y: (label.y ?? 0) - nodeHeight / 2 };
  });
  const edges = graph.edges().map((edge) => ({
    from: edge.v,
    to: edge.w,
    points: graph.edge(edge).points ?? [],
  }));
  const width = Math.max(...nodes.map((node) => node.x + nodeWidth)) + 8;
  const height = Math.max(...nodes.map((node) => node.y + nodeHeight)) + 8;
  return { nodes, edges, width, height };
}
