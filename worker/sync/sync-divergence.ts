import { ulid } from 'ulid';
import { currentVersions, type OrchestraEvent } from '../events/catalog.ts';
import type { EventLog } from '../events/store/contract.ts';
import { type DeviceSyncState, freshCursor } from './device-sync-state.ts';
import { textHashes } from './project-texts.ts';
import { forkAt, forkHeaders } from './fork-origin.ts';
import { ensureStream, projectStreamUrl } from './space-streams.ts';
import type { SpaceConnection } from './sync-space.ts';
import type { ForkOrigin, IndexEntry } from './sync-envelope.ts';

/** What splitting a project in two needs from the sync that found the divergence. */
export interface DivergenceHost {
  store: EventLog;
  state: DeviceSyncState;
  /** This device's name, which the copy's name carries. */
  deviceName: string;
  now(): number;
  /** Stops the project's runner here before its log is replaced with the stream's. */
  release?: ((projectId: string) => Promise<void>) | undefined;
  /** Says in the space's index that the copy exists. */
  announce(entry: IndexEntry): Promise<void>;
  /**
   * Whether the sync that found the divergence still runs. Once it stopped (the person
   * left the space, the worker closes), nothing more is written: the project keeps its
   * log (a later sync of the space finds the divergence again), and no place in a space
   * is written after leaving it.
   */
  alive(): boolean;
}

/** The copy a split makes: its id, and the fork its stream was made as (none: pushed whole). */
export interface SplitCopy {
  copyId: string;
  fork: ForkOrigin | undefined;
}

/**
 * This device and another wrote the project apart. The stream's side stays the project;
 * this device's side from the first difference becomes a copy ("… (from laptop)") with
 * the shared start and every text it names, announced as a project of its own (its sync
 * pushes it like any other). When its stream was forked from the project's
 * (`ProjectSplits`), the copy's place starts at the fork, so only what this device wrote
 * from there is pushed. The project's log is then deleted and its cursor reset, so it is
 * read whole from the stream again.
 */
export async function splitDiverged(host: DivergenceHost, projectId: string, copy: SplitCopy): Promise<void> {
  const { store } = host;
  const { copyId, fork } = copy;
  await host.release?.(projectId);
  if (!host.alive()) return;
  const local = await store.read(projectId);
  const cursor = await host.state.cursor(projectId);
  const name = (await store.saved(projectId)).project?.name ?? 'Project';
  const copyName = `${name} (from ${host.deviceName || 'another device'})`.slice(0, 200);
  const copied: OrchestraEvent[] = local.map((event) => ({ ...event, projectId: copyId }));
  const last = copied.at(-1);
  copied.push({
    id: ulid(),
    projectId: copyId,
    seq: (last?.seq ?? 0) + 1,
    type: 'project-update',
    v: currentVersions['project-update'],
    at: host.now(),
    actor: { kind: 'system', component: 'sync' },
    correlationId: ulid(),
    causationId: last?.id ?? null,
    payload: { name: copyName },
  });
  const blobs: Array<{ hash: string; content: string }> = [];
  for (const hash of new Set(local.flatMap(textHashes))) {
    const content = await store.blob(hash);
    if (content !== undefined) blobs.push({ hash, content });
  }
  if (!host.alive()) return;
  // The copy's place first: a copy on the device always knows its fork, or its stream
  // (made as a fork) could not be made sure of, nor its start opened.
  await host.state.saveCursor(
    copyId,
    fork ? { offset: fork.offset, remoteSeq: fork.seq, epoch: 0, remote: false, fork } : freshCursor(),
  );
  await store.importLog(copyId, copied, blobs);
  await host.announce({ projectId: copyId, name: copyName, copyOf: projectId, ...(fork ? { fork } : {}) });
  if (!host.alive()) return;
  await store.deleteLog(projectId, []);
  // A project that is itself a fork keeps how its stream's start is opened.
  await host.state.saveCursor(projectId, {
    ...freshCursor(),
    remote: true,
    ...(cursor.fork ? { fork: cursor.fork } : {}),
  });
}

/** What the sync service lends the splits. */
export interface SplitsHost extends Pick<DivergenceHost, 'store' | 'state' | 'now' | 'release' | 'announce'> {
  deviceName(): string;
  /** The space's connection while the sync runs; a different one (or none) once it stopped or moved. */
  connection(): SpaceConnection | undefined;
  /** The project's sync stops while it is split. */
  unfollow(projectId: string): void;
  /** The split is done (or failed): the project is followed again, the copy with the other local projects. */
  settled(projectId: string): Promise<void>;
  failed(message: string): void;
}

/**
 * The projects being split in two after a divergence, and the split itself. While a
 * project is split, neither it nor its copy is followed or announced: the copy is
 * announced once, with its fork, by the split.
 */
export class ProjectSplits {
  private readonly splitting = new Set<string>();

  constructor(private readonly host: SplitsHost) {}

  has(projectId: string): boolean {
    return this.splitting.has(projectId);
  }

  /**
   * This device and another wrote the project apart (from event `fromSeq`; `agreed` is
   * the last place in the stream this device read and holds too): it is not followed
   * while it is split in two, then followed again from the stream's start.
   */
  async split(projectId: string, fromSeq: number, agreed: { offset: string; seq: number }): Promise<void> {
    if (this.splitting.has(projectId)) return;
    const { host } = this;
    const connection = host.connection();
    if (!connection) return;
    const alive = () => host.connection() === connection;
    const claimed = [projectId];
    const claim = () => {
      const id = ulid();
      claimed.push(id);
      this.splitting.add(id);
      return id;
    };
    this.splitting.add(projectId);
    host.unfollow(projectId);
    try {
      const copy = await this.forked(connection, projectId, agreed, claim);
      await splitDiverged({ ...host, deviceName: host.deviceName(), alive }, projectId, copy);
    } catch (error) {
      host.failed(
        `A project written on two devices apart (from event ${fromSeq}) could not be split in two: ${(error as Error).message}`,
      );
    } finally {
      for (const id of claimed) this.splitting.delete(id);
    }
    if (alive()) await host.settled(projectId);
  }

  /**
   * The copy's stream made as a fork of the project's at `agreed`. When the server did
   * not say it made it, the copy takes another id and is pushed whole: the first id may
   * name a fork the server made though its answer was lost, which a plain stream could
   * not be made at.
   */
  private async forked(
    connection: SpaceConnection,
    projectId: string,
    agreed: { offset: string; seq: number },
    claim: () => string,
  ): Promise<SplitCopy> {
    const copyId = claim();
    const fork = forkAt(projectId, await this.host.state.cursor(projectId), agreed);
    if (!fork) return { copyId, fork: undefined };
    const made = await ensureStream(
      connection,
      projectStreamUrl(connection, copyId),
      undefined,
      forkHeaders(fork),
    ).then(
      () => true,
      () => false,
    );
    return made ? { copyId, fork } : { copyId: claim(), fork: undefined };
  }
}
