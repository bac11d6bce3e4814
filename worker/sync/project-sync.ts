import { DurableStream, IdempotentProducer, StaleEpochError } from '@durable-streams/client';
import type { OrchestraEvent } from '../events/catalog.ts';
import type { EventLog } from '../events/store/contract.ts';
import type { DeviceSyncState, ProjectCursor } from './device-sync-state.ts';
import { projectStreamUrl } from './project-stream.ts';
import { textHashes } from './project-texts.ts';
import { SyncError, syncErrorOf, unreachable } from './sync-errors.ts';
import {
  type BlobEnvelope,
  type EventEnvelope,
  envelopeSchema,
  openBlob,
  openEvent,
  sealBlob,
  sealEvent,
} from './sync-envelope.ts';
import type { SpaceConnection } from './sync-space.ts';

/** What a project's sync needs from the service that runs it. */
export interface ProjectSyncHost {
  connection: SpaceConnection;
  store: EventLog;
  state: DeviceSyncState;
  /** Something moved: events folded in from another device, or pushed from this one. */
  changed(): void;
  /** The server answered (after being unreachable). */
  reachable(): void;
  /** A request failed; the sync goes on trying. */
  failed(error: SyncError): void;
  /**
   * The stream holds another device's event where this log has its own (they wrote the
   * project apart). The host keeps both sides; this project's sync stops.
   */
  diverged(projectId: string, fromSeq: number): void;
}

const writerId = 'writer';
const retryMs = 1000;
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * One project's sync with its stream: the stream is tailed live and another device's
 * events are folded into the local log as they come; this device's new events are
 * pushed, sealed, through an idempotent producer once the tail has caught up.
 *
 * ```
 *   start ──▶ tailing ◀─────────────────────────────────────────────┐
 *               │ a batch: events that follow the log are folded in │
 *               │ caught up: push what the stream lacks ───────────┤
 *               │ request fails ─▶ retried with backoff ───────────┘
 *               │ push fenced (403: another device took the epoch)
 *               │     ─▶ wait for the tail's next batch, then claim the next epoch
 *               │ the stream's event differs from ours at a place ─▶ diverged (stops)
 *   stop ──▶ stopped
 * ```
 *
 * Exactly once: the producer dedupes its retries within an epoch; every (re)start
 * takes a fresh epoch and pushes only what is past the stream's highest sequence
 * number; a reader skips any event at a place it already holds.
 */
export class ProjectSync {
  private upToDate = false;
  /** The highest sequence number handed to the current producer. */
  private pushedSeq = 0;
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

  private constructor(
    private readonly host: ProjectSyncHost,
    readonly projectId: string,
    private cursor: ProjectCursor,
  ) {
    this.stream = new DurableStream({
      url: projectStreamUrl(host.connection, projectId),
      contentType: 'application/json',
      headers: this.auth(),
      fetch: host.connection.fetch,
    });
  }

  static async open(host: ProjectSyncHost, projectId: string): Promise<ProjectSync> {
    return new ProjectSync(host, projectId, await host.state.cursor(projectId));
  }

  /** Whether the events came from another device and nobody here took the project over. */
  get remote(): boolean {
    return this.cursor.remote;
  }

  /** The highest sequence number the stream holds, as last read. */
  get remoteSeq(): number {
    return this.cursor.remoteSeq;
  }

  start(): void {
    void this.tail();
  }

  stop(): void {
    this.abort.abort();
    void this.producer?.detach().catch(() => undefined);
    this.producer = undefined;
  }

  /** This device writes the project from now on: its runs are pushed, the old writer is fenced. */
  async takeOver(): Promise<void> {
    this.cursor = { ...this.cursor, remote: false };
    await this.host.state.saveCursor(this.projectId, this.cursor);
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

  private auth() {
    return { authorization: `Bearer ${this.host.connection.token}` };
  }

  /** Creates the stream if it is not there (creation is idempotent). */
  private async ensureStream(): Promise<void> {
    const { connection } = this.host;
    let response: Response;
    try {
      response = await connection.fetch(projectStreamUrl(connection, this.projectId), {
        method: 'PUT',
        headers: { ...this.auth(), 'content-type': 'application/json' },
        signal: this.abort.signal,
      });
    } catch {
      throw unreachable(connection.serverUrl);
    }
    if (response.status !== 201 && response.status !== 200) throw await syncErrorOf(response, connection.serverUrl);
  }

  private async tail(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        await this.ensureStream();
        const response = await this.stream.stream<unknown>({
          offset: this.cursor.offset,
          live: 'long-poll',
          signal,
          backoffOptions: {
            initialDelay: 200,
            maxDelay: 3000,
            multiplier: 1.5,
            onFailedAttempt: () => this.host.failed(unreachable(this.host.connection.serverUrl)),
          },
        });
        this.host.reachable();
        await new Promise<void>((resolve, reject) => {
          const unsubscribe = response.subscribeJson<unknown>(async (batch) => {
            try {
              if (signal.aborted) return;
              this.host.reachable();
              if (!(await this.fold(batch.items, batch.offset, batch.upToDate))) unsubscribe();
            } catch (error) {
              unsubscribe();
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          response.closed.then(resolve, reject);
        });
      } catch (error) {
        if (signal.aborted) return;
        this.host.failed(
          error instanceof SyncError
            ? error
            : new SyncError('refused', `Syncing a project failed: ${(error as Error).message}`, true),
        );
      }
      await sleep(retryMs, signal);
    }
  }

  /**
   * Folds one batch of the stream into the local log. Returns false when the project
   * diverged (its sync stops).
   */
  private async fold(items: readonly unknown[], offset: string, upToDate: boolean): Promise<boolean> {
    const { store, connection } = this.host;
    let remoteSeq = this.cursor.remoteSeq;
    const incoming: EventEnvelope[] = [];
    for (const item of items) {
      const envelope = envelopeSchema.parse(item);
      if (envelope.kind === 'blob') this.texts.set(envelope.hash, envelope);
      // The first event at a place is the stream's; a later one there is a retry's
      // duplicate, or a fenced writer's that lost.
      else if (envelope.seq > remoteSeq) {
        incoming.push(envelope);
        remoteSeq = envelope.seq;
      }
    }
    const head = await store.headSeq(this.projectId);
    // Stopped meanwhile (the project is being deleted here): nothing more is written.
    if (this.abort.signal.aborted) return false;
    const overlap = incoming.filter((envelope) => envelope.seq <= head);
    if (overlap.length > 0) {
      const local = await store.read(this.projectId, overlap[0]!.seq, overlap.at(-1)!.seq);
      const ids = new Map(local.map((event) => [event.seq, event.id]));
      const differs = overlap.find((envelope) => ids.get(envelope.seq) !== envelope.id);
      if (differs) {
        this.stop();
        this.host.diverged(this.projectId, differs.seq);
        return false;
      }
    }
    const fresh = incoming.filter((envelope) => envelope.seq > head);
    if (fresh.length > 0) {
      if (fresh[0]!.seq !== head + 1 || fresh.some((envelope, i) => envelope.seq !== head + 1 + i)) {
        // The local log is behind where this device read the stream to (it was removed
        // or replaced meanwhile): read the stream again from its start.
        this.cursor = { ...this.cursor, offset: '-1', remoteSeq: 0 };
        await this.host.state.saveCursor(this.projectId, this.cursor);
        throw new SyncError('refused', 'A synced project was behind its stream; it is read again.', true);
      }
      const events: OrchestraEvent[] = [];
      for (const envelope of fresh) events.push(await openEvent(connection.key, this.projectId, envelope));
      const blobs: Array<{ hash: string; content: string }> = [];
      for (const hash of new Set(events.flatMap(textHashes))) {
        const sealed = this.texts.get(hash);
        if (sealed) blobs.push({ hash, content: await openBlob(connection.key, this.projectId, sealed) });
      }
      if (this.abort.signal.aborted) return false;
      await store.appendStamped(this.projectId, events, blobs);
      for (const blob of blobs) this.texts.delete(blob.hash);
      this.cursor = { ...this.cursor, remote: true };
    }
    this.cursor = { ...this.cursor, offset, remoteSeq };
    if (this.abort.signal.aborted) return false;
    await this.host.state.saveCursor(this.projectId, this.cursor);
    if (fresh.length > 0 || overlap.length > 0) this.host.changed();
    this.upToDate = upToDate;
    if (upToDate) this.grew();
    return true;
  }

  private async newProducer(): Promise<IdempotentProducer> {
    // Every device writes the project as the same producer: a new writer must take an
    // epoch above every earlier one, or its first batch would be taken for a repeat of
    // the old writer's and dropped. The clock makes that so across devices without a
    // round trip; a device whose clock lags is refused (403) and claims the next one.
    this.cursor = { ...this.cursor, epoch: Math.max(this.cursor.epoch + 1, Date.now()) };
    await this.host.state.saveCursor(this.projectId, this.cursor);
    this.producerErrors = [];
    return new IdempotentProducer(this.stream, writerId, {
      epoch: this.cursor.epoch,
      lingerMs: 5,
      maxInFlight: 4,
      headers: this.auth(),
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
      const tip = await this.stream.head({ signal: this.abort.signal }).catch(() => undefined);
      if (!tip) {
        this.host.failed(unreachable(connection.serverUrl));
        await sleep(retryMs, this.abort.signal);
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
    const events = await store.read(this.projectId, from, head);
    try {
      this.producer ??= await this.newProducer();
      const producer = this.producer;
      for (const hash of new Set(events.flatMap(textHashes))) {
        const content = await store.blob(hash);
        // Checkpoint texts may have been compacted away; the events stand without them.
        if (content !== undefined)
          producer.append(JSON.stringify(await sealBlob(connection.key, this.projectId, hash, content)));
      }
      for (const event of events) producer.append(JSON.stringify(await sealEvent(connection.key, event)));
      this.pushedSeq = head;
      await producer.flush();
      const failure = this.producerErrors[0];
      if (failure) throw failure;
      this.host.reachable();
      if (this.cursor.remote) {
        this.cursor = { ...this.cursor, remote: false };
        await this.host.state.saveCursor(this.projectId, this.cursor);
      }
      this.host.changed();
    } catch (error) {
      if (this.abort.signal.aborted) return;
      void this.producer?.detach().catch(() => undefined);
      this.producer = undefined;
      this.pushedSeq = 0;
      this.recheck = true;
      if (error instanceof StaleEpochError) {
        // Another device writes the project now. Its events come through the tail: if
        // they clash with ours, the project diverged; if not, the next push claims the
        // epoch after the current one.
        this.cursor = { ...this.cursor, epoch: Math.max(this.cursor.epoch, error.currentEpoch) };
        this.upToDate = false;
        return;
      }
      this.host.failed(
        error instanceof SyncError
          ? error
          : error instanceof TypeError
            ? unreachable(connection.serverUrl)
            : new SyncError('refused', `Pushing to the sync server failed: ${(error as Error).message}`, true),
      );
      await sleep(retryMs, this.abort.signal);
      this.pushAgain = true;
    }
  }
}
