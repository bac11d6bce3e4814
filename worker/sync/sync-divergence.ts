import { ulid } from 'ulid';
import { currentVersions, type OrchestraEvent } from '../events/catalog.ts';
import type { EventLog } from '../events/store/contract.ts';
import { type DeviceSyncState, freshCursor } from './device-sync-state.ts';
import { textHashes } from './project-texts.ts';
import type { IndexEntry } from './sync-envelope.ts';

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
}

/**
 * This device and another wrote the project apart. The stream's side stays the project;
 * this device's side from the first difference becomes a copy ("… (from laptop)") with
 * the shared start and every text it names, announced as a project of its own (its sync
 * pushes it like any other). The project's log is then deleted and its cursor reset, so
 * it is read whole from the stream again.
 */
export async function splitDiverged(host: DivergenceHost, projectId: string): Promise<void> {
  const { store } = host;
  await host.release?.(projectId);
  const local = await store.read(projectId);
  const copyId = ulid();
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
  await host.announce({ projectId: copyId, name: copyName, copyOf: projectId });
  await store.deleteLog(projectId, []);
  await host.state.saveCursor(projectId, { ...freshCursor(), remote: true });
}
