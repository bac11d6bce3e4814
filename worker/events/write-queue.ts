import { SerialByKey } from './serial-by-key.ts';

/**
 * One write at a time per project, with group commit: entries that arrive while a write
 * is in flight (or in the same tick) wait in one open group, and the next write takes
 * the whole group at once.
 *
 *   idle ──join──▶ group open ──previous write settles──▶ writing(group) ──▶ idle
 *                    ▲  │ join: into the open group            │ join: a new group opens,
 *                    │  ▼                                       │ queued behind this write
 *                    └──┘                                       ▼
 *
 * `alone` work (a write with a stale-writer check, a delete) closes the open group, so
 * nothing joined after it can be written before it.
 */
export class WriteQueue<T> {
  private readonly serial = new SerialByKey();
  private readonly open = new Map<string, T[]>();

  /** `write` takes one group and settles each of its entries itself: it must not reject. */
  constructor(private readonly write: (key: string, group: T[]) => Promise<void>) {}

  /** Adds an entry to the next group write of `key`. */
  join(key: string, entry: T): void {
    const group = this.open.get(key);
    if (group) {
      group.push(entry);
      return;
    }
    const fresh = [entry];
    this.open.set(key, fresh);
    void this.serial.after(key, () => {
      if (this.open.get(key) === fresh) this.open.delete(key);
      return this.write(key, fresh);
    });
  }

  /** Runs `work` by itself, after everything queued for `key` before it. */
  alone<R>(key: string, work: () => Promise<R>): Promise<R> {
    this.open.delete(key);
    return this.serial.after(key, work);
  }
}
