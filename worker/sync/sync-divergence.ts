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
   * Makes the copy's stream a fork of the project's, holding their shared start; false
   * when the server could not (the copy is then pushed whole).
   */
  fork?: ((copyId: string, fork: ForkOrigin) => Promise<boolean>) | undefined;
}

/**
 * This device and another wrote the project apart. The stream's side stays the project;
 * this device's side from the first difference becomes a copy ("… (from laptop)") with
 * the shared start and every text it names, announced as a project of its own (its sync
 * pushes it like any other). The copy's stream is forked from the project's at `agreed`,
 * the last place both sides hold (`fork-origin.ts`), so only what this device wrote from
 * there is pushed; without a fork it is pushed whole. The project's log is then deleted
 * and its cursor reset, so it is read whole from the stream again.
 */
export async function splitDiverged(
  host: DivergenceHost,
  projectId: string,
  agreed: { offset: string; seq: number } = { offset: '-1', seq: 0 },
  copyId: string = ulid(),
): Promise<void> {
  const { store } = host;
  await host.release?.(projectId);
  const local = await store.read(projectId);
  const cursor = await host.state.cursor(projectId);
  const origin = agreed.seq <= (local.at(-1)?.seq ?? 0) ? forkAt(projectId, cursor, agreed) : undefined;
  const fork = origin && (await host.fork?.(copyId, origin)) ? origin : undefined;
  await host.state.saveCursor(
    copyId,
    fork ? { offset: fork.offset, remoteSeq: fork.seq, epoch: 0, remote: false, fork } : freshCursor(),
  );
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
  await store.importLog(copyId, copied, blobs);
  await host.announce({ projectId: copyId, name: copyName, copyOf: projectId, ...(fork ? { fork } : {}) });
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
   * This device and another wrote the project apart (from event `fromSeq`): it is not
   * followed while it is split in two, then followed again from the stream's start.
   */
  async split(projectId: string, fromSeq: number, agreed: { offset: string; seq: number }): Promise<void> {
    if (this.splitting.has(projectId)) return;
    const { host } = this;
    const copyId = ulid();
    this.splitting.add(projectId);
    this.splitting.add(copyId);
    host.unfollow(projectId);
    try {
      await splitDiverged(
        {
          ...host,
          deviceName: host.deviceName(),
          fork: async (id, fork) => {
            const connection = host.connection();
            if (!connection) return false;
            const url = projectStreamUrl(connection, id);
            return ensureStream(connection, url, undefined, forkHeaders(fork)).then(
              () => true,
              () => false,
            );
          },
        },
        projectId,
        agreed,
        copyId,
      );
    } catch (error) {
      host.failed(
        `A project written on two devices apart (from event ${fromSeq}) could not be split in two: ${(error as Error).message}`,
      );
    } finally {
      this.splitting.delete(projectId);
      this.splitting.delete(copyId);
    }
    await host.settled(projectId);
  }
}
