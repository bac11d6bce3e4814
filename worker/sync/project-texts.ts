import { referencedHashes } from '../events/bundle.ts';
import type { OrchestraEvent } from '../events/catalog.ts';

/**
 * The texts an event refers to by hash: artifact contents, output checkpoints, and the
 * captured output of tasks and test runs. Sync carries each before the event.
 */
export function textHashes(event: OrchestraEvent): string[] {
  const hashes = referencedHashes(event);
  const payload: object = event.payload;
  if ('outputHash' in payload && typeof payload.outputHash === 'string') hashes.push(payload.outputHash);
  return hashes;
}
