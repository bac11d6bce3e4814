import type { OutputUpdate } from './run-api.ts';

type Listener = (updates: OutputUpdate[]) => void;

/** What crosses the BroadcastChannel to the other tabs: a project's gathered deltas. */
export interface OutputMessage {
  kind: 'output';
  projectId: string;
  updates: OutputUpdate[];
}

/**
 * Live token deltas from running agents to whoever watches a project. Deltas are many
 * and tiny; they are gathered and handed over at most every `flushMs`, so a fast stream
 * costs the page a few messages a second, not one per token. Nothing here is stored:
 * the log keeps checkpoints and final answers. With `remote`, each batch also goes to the
 * other tabs, whose engines hand it to their own watchers (`receive`): a tab watching a
 * run another tab drives sees the same words stream in.
 */
export class OutputBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly pending = new Map<string, OutputUpdate[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flushMs = 50,
    private readonly remote?: { post(message: OutputMessage): void },
  ) {}

  subscribe(projectId: string, listener: Listener): () => void {
    let set = this.listeners.get(projectId);
    if (!set) {
      set = new Set();
      this.listeners.set(projectId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(projectId);
    };
  }

  publish(projectId: string, update: OutputUpdate): void {
    if (!this.listeners.has(projectId) && !this.remote) return;
    const queue = this.pending.get(projectId) ?? [];
    const last = queue[queue.length - 1];
    // Consecutive deltas of the same call merge into one update.
    if (last && !update.reset && last.taskId === update.taskId && last.attempt === update.attempt) {
      last.text += update.text;
    } else {
      queue.push({ ...update });
    }
    this.pending.set(projectId, queue);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    this.timer = undefined;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [projectId, updates] of pending) {
      this.receive(projectId, updates);
      this.remote?.post({ kind: 'output', projectId, updates });
    }
  }

  /** Hands a batch (this tab's, or another tab's) to this tab's watchers of the project. */
  receive(projectId: string, updates: OutputUpdate[]): void {
    for (const listener of this.listeners.get(projectId) ?? []) listener(updates);
  }
}
