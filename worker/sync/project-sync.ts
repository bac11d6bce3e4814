import { type DurableStream, IdempotentProducer, StaleEpochError } from '@durable-streams/client';
import type { OrchestraEvent } from '../events/catalog.ts';
import type { EventLog } from '../events/store/contract.ts';
import type { DeviceSyncState, ProjectCursor } from './device-sync-state.ts';
import { forkHeaders, openForkBlob, openForkEvents } from './fork-origin.ts';
import { textHashes } from './project-texts.ts';
import { bearer, projectStreamUrl, spaceStream } from './space-streams.ts';
import { StreamTail } from './stream-tail.ts';
import { SyncError, syncFailure } from './sync-errors.ts';
import {
  type AnyEventEnvelope,
  type BlobEnvelope,
  envelopeSchema,
  placesOf,
  sealBlob,
  sealEvents,
} from './sync-envelope.ts';
import type { Backoff, SyncRetry } from './sync-retry.ts';
import type { SpaceConnection } from './sync-space.ts';

/** What a project's sync needs from the service that runs it. */
export interface ProjectSyncHost {
  connection: SpaceConnection;
  store: EventLog;
  state: DeviceSyncState;
  /** When a failed request is tried again: after a backoff, or once the person says so. */
  retry: SyncRetry;
  /** Something moved: events folded in from another device, or pushed from this one. */
  changed(): void;
  /** The server answered (after being unreachable). */
  reachable(): void;
  /** A request failed: the sync tries again after a backoff, or waits for the person (`error.retryable`). */
  failed(error: SyncError): void;
  /**
   * The stream holds another device's event where this log has its own (they wrote the
   * project apart). The host keeps both sides; this project's sync stops. `agreed` is the
   * last place in the stream this device read and holds too: where a copy can fork it.
   */
  diverged(projectId: string, fromSeq: number, agreed: { offset: string; seq: number }): void;
  /** Another device's events were just folded in: the project is being written elsewhere now. */
  active?(projectId: string): void;
}

const writerId = 'writer';
/** Events read and sealed at a time when pushing. */
const pushSlice = 4096;

/**
 * One project's sync with its stream: the stream is tailed live and another device's
 * events are folded into the local log as they come; this device's new events are
 * pushed, sealed, through an idempotent producer once the tail has caught up.
 *
 * ```
 *   start ──▶ tailing ◀─────────────────────────────────────────────┐
 *               │ a batch: events that follow the log are folded in │
 *               │ caught up: push what the stream lacks ───────────┤
 *               │ passing failure ─▶ backoff (sync-retry.ts) ──────┤
 *               │ refusal for good ─▶ stopped until the person ────┘
 *               │     says Try again (SyncRetry.wake)
 *               │ push fenced (403: another device took the epoch)
 *               │     ─▶ wait for the tail's next batch, then claim the next epoch
 *               │ the stream's event differs from ours at a place ─▶ diverged (stops)
 *   stop ──▶ stopped
 * ```
 *
 * The tail is live or polled (`stream-tail.ts`).
 *
 * Exactly once: the producer dedupes its retries within an epoch; every (re)start
 * takes a fresh epoch and pushes only what is past the stream's highest sequence
 * number; a reader skips any event at a place it already holds.
 */
export class ProjectSync {
  private upToDate = false;
  /** The highest sequence number handed to the current producer. */
  private pushedSeq = 0;
  /** The highest sequence number this device's pushes have had accepted by the server. */
  private confirmedSeq = 0;
  private producer: IdempotentProducer | undefined;
  /** What the current producer's batches failed with (it reports them through a callback). */
  private producerErrors: Error[] = [];
  private pushing: Promise<void> | undefined;
  private pushAgain = false;
  /**
   * A push failed: before the next one, make sure the stream has nothing this device
   * has not read (its tail offset is where the tail stands), or another device's
   * events could be pushed over.
   */
  private recheck = false;
  private readonly abort = new AbortController();
  /** Texts read from the stream, until the events that use them are folded. */
  private readonly texts = new Map<string, BlobEnvelope>();
  private readonly stream: DurableStream;
  private readonly pushBackoff: Backoff;
  private readonly tail: StreamTail;
  /**
   * The runs this device pushed and has not read back yet, by first sequence number: the
   * tail knows its own events by their ids without reading the local log again.
   */
  private readonly ownRuns = new Map<number, readonly string[]>();
  /** The texts this device pushed and has not read back yet: read back, they are not kept for a fold. */
  private readonly ownTexts = new Set<string>();

  private constructor(
    private readonly host: ProjectSyncHost,
    readonly projectId: string,
    private cursor: ProjectCursor,
    options: { live?: boolean; pollMs?: number },
  ) {
    this.pushBackoff = host.retry.backoff(`push:${projectId}`);
    this.stream = spaceStream(host.connection, projectStreamUrl(host.connection, projectId));
    this.tail = new StreamTail(
      this.stream,
      host,
      host.retry.backoff(`tail:${projectId}`),
      () => this.cursor.offset,
      (items, offset, upToDate) => this.fold(items, offset, upToDate),
      { ...options, createHeaders: forkHeaders(cursor.fork) },
    );
  }

  static async open(
    host: ProjectSyncHost,
    projectId: string,
    options: { live?: boolean; pollMs?: number } = {},
  ): Promise<ProjectSync> {
    return new ProjectSync(host, projectId, await host.state.cursor(projectId), options);
  }

  /** Whether the tail holds a long-poll open (true) or polls. */
  get isLive(): boolean {
    return this.tail.isLive;
  }

  /**
   * Makes the tail live or polled. A long-poll held open is let go at once (its
   * connection is free for another); a resting poll goes live at once.
   */
  setLive(live: boolean): void {
    this.tail.setLive(live);
  }

  /** Texts read from the stream and held until the events that name them are folded. */
  get heldTexts(): number {
    return this.texts.size;
  }

  /** Whether the events came from another device and nobody here took the project over. */
  get remote(): boolean {
    return this.cursor.remote;
  }

  /** The highest sequence number the stream holds, as last read. */
  get remoteSeq(): number {
    return this.cursor.remoteSeq;
  }

  /**
   * The highest sequence number known to be in the stream: read from it, or pushed and
   * accepted (before the tail has read it back). Events past it wait on this device.
   */
  get syncedSeq(): number {
    return Math.max(this.cursor.remoteSeq, this.confirmedSeq);
  }

  start(): void {
    void this.tail.run(this.abort.signal);
  }

  stop(): void {
    this.abort.abort();
    this.host.retry.forget(`tail:${this.projectId}`);
    this.host.retry.forget(`push:${this.projectId}`);
    void this.producer?.detach().catch(() => undefined);
    this.producer = undefined;
  }

  /** This device writes the project from now on: its runs are pushed, the old writer is fenced. */
  async takeOver(): Promise<void> {
    await this.save({ ...this.cursor, remote: false });
  }

  /**
   * Moves the project's place in its stream, here and on disk; a stopped sync writes
   * nothing, since whoever stopped it may have put a fresh place there (a split project
   * is read again from the start).
   */
  private async save(cursor: ProjectCursor): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.cursor = cursor;
    await this.host.state.saveCursor(this.projectId, cursor);
  }

  /** The local log grew: push it once the tail has caught up. */
  grew(): void {
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    this.pushing = (async () => {
      do {
        this.pushAgain = false;
        await this.push();
      } while (this.pushAgain && !this.abort.signal.aborted);
    })().finally(() => (this.pushing = undefined));
  }

  /**
   * Folds one batch of the stream into the local log. Returns false when the project
   * diverged (its sync stops).
   */
  private async fold(items: readonly unknown[], offset: string, upToDate: boolean): Promise<boolean> {
    const { store, connection } = this.host;
    let remoteSeq = this.cursor.remoteSeq;
    let ownReadBack = false;
    const incoming: Array<{ seq: number; id: string; envelope: AnyEventEnvelope }> = [];
    for (const item of items) {
      const envelope = envelopeSchema.parse(item);
      if (envelope.kind === 'blob') {
        // This device's own text, read back: its events are here already.
        if (!this.ownTexts.delete(envelope.hash)) this.texts.set(envelope.hash, envelope);
        continue;
      }
      // This device's own run, read back: the same events by id, as the comparison
      // below would find, without reading the log again.
      if (envelope.kind === 'events' && envelope.seq === remoteSeq + 1 && this.readBack(envelope.seq, envelope.ids)) {
        remoteSeq += envelope.ids.length;
        ownReadBack = true;
        continue;
      }
      // The first event at a place is the stream's; a later one there is a retry's
      // duplicate, or a fenced writer's that lost.
      for (const place of placesOf(envelope)) {
        if (place.seq <= remoteSeq) continue;
        incoming.push({ ...place, envelope });
        remoteSeq = place.seq;
      }
    }
    const head = await store.headSeq(this.projectId);
    // Stopped meanwhile (the project is being deleted here): nothing more is written.
    if (this.abort.signal.aborted) return false;
    const overlap = incoming.filter((place) => place.seq <= head);
    if (overlap.length > 0) {
      const local = await store.read(this.projectId, overlap[0]!.seq, overlap.at(-1)!.seq);
      const ids = new Map(local.map((event) => [event.seq, event.id]));
      const differs = overlap.find((place) => ids.get(place.seq) !== place.id);
      if (differs) {
        this.stop();
        this.host.diverged(this.projectId, differs.seq, {
          offset: this.cursor.offset,
          seq: this.cursor.remoteSeq,
        });
        return false;
      }
    }
    const fresh = incoming.filter((place) => place.seq > head);
    if (fresh.length > 0) {
      if (fresh[0]!.seq !== head + 1 || fresh.some((place, i) => place.seq !== head + 1 + i)) {
        // The local log is behind where this device read the stream to (it was removed
        // or replaced meanwhile): read the stream again from its start.
        await this.save({ ...this.cursor, offset: '-1', remoteSeq: 0 });
        throw new SyncError('refused', 'A synced project was behind its stream; it is read again.', true);
      }
      // Each envelope opened once, however many of its events are fresh.
      const opened = new Map<AnyEventEnvelope, Map<number, OrchestraEvent>>();
      const events: OrchestraEvent[] = [];
      for (const { seq, envelope } of fresh) {
        let bySeq = opened.get(envelope);
        if (!bySeq) {
          const run = await openForkEvents(connection.key, this.projectId, this.cursor.fork, envelope);
          opened.set(envelope, (bySeq = new Map(run.map((event) => [event.seq, event]))));
        }
        events.push(bySeq.get(seq)!);
      }
      const blobs: Array<{ hash: string; content: string }> = [];
      for (const hash of new Set(events.flatMap(textHashes))) {
        const sealed = this.texts.get(hash);
        if (sealed)
          blobs.push({ hash, content: await openForkBlob(connection.key, this.projectId, this.cursor.fork, sealed) });
      }
      if (this.abort.signal.aborted) return false;
      await store.appendStamped(this.projectId, events, blobs);
      for (const blob of blobs) this.texts.delete(blob.hash);
      this.cursor = { ...this.cursor, remote: true };
      // News, not a catch-up: another device is writing the project now.
      if (this.upToDate) this.host.active?.(this.projectId);
    }
    if (this.abort.signal.aborted) return false;
    await this.save({ ...this.cursor, offset, remoteSeq });
    if (fresh.length > 0 || overlap.length > 0 || ownReadBack) this.host.changed();
    this.upToDate = upToDate;
    if (upToDate) this.grew();
    return true;
  }

  /** Whether the run at `seq` is one this device pushed, with these ids; it is then forgotten. */
  private readBack(seq: number, ids: readonly string[]): boolean {
    const own = this.ownRuns.get(seq);
    if (!own || own.length !== ids.length || own.some((id, i) => id !== ids[i])) return false;
    this.ownRuns.delete(seq);
    return true;
  }

  private async newProducer(): Promise<IdempotentProducer> {
    // Every device writes the project as the same producer: a new writer must take an
    // epoch above every earlier one, or its first batch would be taken for a repeat of
    // the old writer's and dropped. The clock makes that so across devices without a
    // round trip; a device whose clock lags is refused (403) and claims the next one.
    await this.save({ ...this.cursor, epoch: Math.max(this.cursor.epoch + 1, Date.now()) });
    this.producerErrors = [];
    return new IdempotentProducer(this.stream, writerId, {
      epoch: this.cursor.epoch,
      lingerMs: 5,
      maxInFlight: 1,
      headers: bearer(this.host.connection),
      fetch: this.host.connection.fetch,
      signal: this.abort.signal,
      onError: (error) => this.producerErrors.push(error),
    });
  }

  /** Pushes the local events past what the stream holds. */
  private async push(): Promise<void> {
    if (!this.upToDate || this.abort.signal.aborted) return;
    const { store, connection } = this.host;
    if (this.recheck) {
      const tip = await this.stream
        .head({ signal: this.abort.signal })
        .catch((error: unknown) => syncFailure(error, connection.serverUrl));
      if (tip instanceof SyncError) {
        this.host.failed(tip);
        await this.pushBackoff.after(tip, this.abort.signal);
        this.pushAgain = true;
        return;
      }
      if (!tip.exists || tip.offset !== this.cursor.offset) {
        // The tail brings what is new, then pushes again.
        this.upToDate = false;
        return;
      }
      this.recheck = false;
    }
    const head = await store.headSeq(this.projectId);
    const from = Math.max(this.cursor.remoteSeq, this.pushedSeq) + 1;
    if (head < from) return;
    try {
      this.producer ??= await this.newProducer();
      const producer = this.producer;
      // A slice at a time: the producer sends one while the next is read and sealed,
      // and a long log is never held whole in memory.
      for (let start = from; start <= head; start += pushSlice) {
        const events = await store.read(this.projectId, start, Math.min(head, start + pushSlice - 1));
        for (const hash of new Set(events.flatMap(textHashes))) {
          const content = await store.blob(hash);
          // Checkpoint texts may have been compacted away; the events stand without them.
          if (content === undefined) continue;
          this.ownTexts.add(hash);
          producer.append(JSON.stringify(await sealBlob(connection.key, this.projectId, hash, content)));
        }
        for (const envelope of await sealEvents(connection.key, events)) {
          this.ownRuns.set(envelope.seq, envelope.ids);
          producer.append(JSON.stringify(envelope));
        }
        this.pushedSeq = events.at(-1)?.seq ?? this.pushedSeq;
        if (this.producerErrors[0]) break;
      }
      await producer.flush();
      const failure = this.producerErrors[0];
      if (failure) throw failure;
      this.confirmedSeq = Math.max(this.confirmedSeq, this.pushedSeq);
      this.pushBackoff.succeeded();
      this.host.reachable();
      if (this.cursor.remote) {
        await this.save({ ...this.cursor, remote: false });
      }
      this.host.changed();
    } catch (error) {
      if (this.abort.signal.aborted) return;
      void this.producer?.detach().catch(() => undefined);
      this.producer = undefined;
      this.pushedSeq = 0;
      this.ownRuns.clear();
      this.ownTexts.clear();
      this.recheck = true;
      if (error instanceof StaleEpochError) {
        // Another device writes the project now. Its events come through the tail: if
        // they clash with ours, the project diverged; if not, the next push claims the
        // epoch after the current one.
        this.cursor = { ...this.cursor, epoch: Math.max(this.cursor.epoch, error.currentEpoch) };
        this.upToDate = false;
        return;
      }
      const failure = syncFailure(error, connection.serverUrl);
      this.host.failed(failure);
      await this.pushBackoff.after(failure, this.abort.signal);
      this.pushAgain = true;
    }
  }
}
