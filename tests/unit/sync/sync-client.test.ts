import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import { afterEach, describe, expect, test } from 'vitest';
import type { EventDraft, OrchestraEvent } from '../../../worker/events/catalog.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { pullProject, pushProject } from '../../../worker/sync/project-stream.ts';
import { deriveSpaceCredentials, makeSpaceSecret, SpaceSecretError } from '../../../worker/sync/space-secret.ts';
import {
  maxEventsPerEnvelope,
  maxInflatedBytes,
  openEvent,
  openEvents,
  placesOf,
  sealBlob,
  sealEvent,
  sealEvents,
  SyncTamperError,
} from '../../../worker/sync/sync-envelope.ts';
import { createSpace, joinSpace, SyncError } from '../../../worker/sync/sync-space.ts';
import { randomHistory, seeded } from '../events/random-history.ts';
import { openTestStore, startTestServer } from '../server/sync/harness.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Drafts stamped as the event store would: ids, gap-free sequence numbers, time. */
function stamp(projectId: string, drafts: EventDraft[]): OrchestraEvent[] {
  return drafts.map(
    (draft, i) =>
      ({
        id: ulid(),
        projectId,
        seq: i + 1,
        type: draft.type,
        v: 1,
        at: 1_700_000_000_000 + i,
        actor: draft.actor,
        correlationId: 'c1',
        causationId: null,
        payload: draft.payload,
      }) as OrchestraEvent,
  );
}

const marker = 'PLAINTEXT-MARKER-7f3a9c';

const message = (text: string): EventDraft => ({
  type: 'user-message',
  actor: { kind: 'user' },
  payload: { messageId: ulid(), text },
});

async function markedProject() {
  const projectId = ulid();
  const content = `export const secret = "${marker} in a generated file";\n`;
  const hash = await sha256Hex(content);
  const drafts = randomHistory(seeded(7), 200);
  drafts[0] = {
    type: 'project-create',
    actor: { kind: 'user' },
    payload: { name: 'Marked', description: `A shop for ${marker} lovers`, template: null, budgetUsd: 5 },
  };
  drafts.push({
    type: 'artifact-create',
    actor: { kind: 'agent', role: 'code-generator' },
    payload: {
      path: 'src/secret.ts',
      kind: 'source',
      language: 'typescript',
      contentHash: hash,
      size: content.length,
      provenance: { source: 'ai', taskId: 't1' },
    },
  });
  return { projectId, events: stamp(projectId, drafts), blobs: [{ hash, content }] };
}

async function server() {
  const opened = await openTestStore('sqlite');
  const running = await startTestServer(opened.store);
  cleanups.push(async () => {
    await running.close();
    await opened.dispose();
  });
  return running;
}

describe('space secrets', () => {
  test('one secret always derives the same id, token and key; another secret derives others', async () => {
    const secret = makeSpaceSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const a = await deriveSpaceCredentials(secret);
    const b = await deriveSpaceCredentials(secret);
    const c = await deriveSpaceCredentials(makeSpaceSecret());
    expect(a.spaceId).toBe(b.spaceId);
    expect(a.token).toBe(b.token);
    expect(a.spaceId).not.toBe(c.spaceId);
    expect(a.token).not.toContain(a.spaceId);
    expect(a.key.extractable).toBe(false);
    // A key from the same secret opens what the other sealed.
    const event = (await markedProject()).events[0]!;
    expect(await openEvent(b.key, event.projectId, await sealEvent(a.key, event))).toEqual(event);
    await expect(openEvent(c.key, event.projectId, await sealEvent(a.key, event))).rejects.toThrow(SyncTamperError);
  });

  test('a truncated or mistyped secret is refused with a sentence', async () => {
    const secret = makeSpaceSecret();
    await expect(deriveSpaceCredentials(secret.slice(0, 40))).rejects.toThrow(SpaceSecretError);
    await expect(deriveSpaceCredentials(`${secret.slice(0, 42)}!`)).rejects.toThrow('copy the whole secret');
  });
});

describe('sealed envelopes', () => {
  test('altered ciphertext, or an envelope moved to another place, does not open', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const { events, projectId } = await markedProject();
    const sealed = await sealEvent(key, events[3]!);
    expect(JSON.stringify(sealed)).not.toContain(marker);
    const flipped = { ...sealed, ct: (sealed.ct[0] === 'A' ? 'B' : 'A') + sealed.ct.slice(1) };
    await expect(openEvent(key, projectId, flipped)).rejects.toThrow("does not open with this space's secret");
    await expect(openEvent(key, projectId, { ...sealed, seq: sealed.seq + 1 })).rejects.toThrow(SyncTamperError);
    await expect(openEvent(key, ulid(), sealed)).rejects.toThrow(SyncTamperError);
    const blob = await sealBlob(key, projectId, 'a'.repeat(64), 'not the text of that hash');
    const { openBlob } = await import('../../../worker/sync/sync-envelope.ts');
    await expect(openBlob(key, projectId, blob)).rejects.toThrow('does not match its hash');
  });
});

describe('runs of events sealed as one envelope', () => {
  test('a run opens as the same events; a gap or the size limit starts a new run', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const projectId = ulid();
    const events = stamp(projectId, randomHistory(seeded(3), 1_200));
    const gapped = [...events.slice(0, 700), ...events.slice(701)];
    const envelopes = await sealEvents(key, gapped);
    expect(envelopes.map((envelope) => [envelope.seq, envelope.ids.length])).toEqual([
      [1, maxEventsPerEnvelope],
      [513, 700 - maxEventsPerEnvelope],
      [702, 1_200 - 701],
    ]);
    expect(envelopes.flatMap(placesOf)).toEqual(gapped.map((event) => ({ seq: event.seq, id: event.id })));
    const opened = await Promise.all(envelopes.map((envelope) => openEvents(key, projectId, envelope)));
    expect(opened.flat()).toEqual(gapped);
    // Large events: the plaintext limit (256 KiB) cuts runs before the count does.
    const big = stamp(
      projectId,
      Array.from({ length: 10 }, () => message('y'.repeat(60_000))),
    );
    expect((await sealEvents(key, big)).map((envelope) => envelope.ids.length)).toEqual([4, 4, 2]);
  });

  test('a long run is deflated before it is sealed; a short one, a live append, is not', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const projectId = ulid();
    const events = stamp(projectId, randomHistory(seeded(5), maxEventsPerEnvelope));
    const plainBytes = new TextEncoder().encode(JSON.stringify(events)).byteLength;
    const [run] = await sealEvents(key, events);
    expect(run!.z).toBe('deflate-raw');
    // base64 of the ciphertext: under a third of the plaintext's bytes (JSON deflates ~8x).
    expect(run!.ct.length).toBeLessThan(plainBytes / 3);
    expect(await openEvents(key, projectId, run!)).toEqual(events);
    const [live] = await sealEvents(key, events.slice(0, 1));
    expect(live!.z).toBeUndefined();
    expect(await openEvents(key, projectId, live!)).toEqual(events.slice(0, 1));
    // The mark is bound to the ciphertext: stripped (or added) by the server, it does not open.
    const stripped = { ...run! };
    delete stripped.z;
    await expect(openEvents(key, projectId, stripped)).rejects.toThrow(SyncTamperError);
    await expect(openEvents(key, projectId, { ...live!, z: 'deflate-raw' })).rejects.toThrow(SyncTamperError);
  });

  test('a run with an altered id, place, project or ciphertext does not open', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const { events, projectId } = await markedProject();
    const [run] = await sealEvents(key, events.slice(0, 20));
    expect(JSON.stringify(run)).not.toContain(marker);
    const swapped = [...run!.ids];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    await expect(openEvents(key, projectId, { ...run!, ids: swapped })).rejects.toThrow(SyncTamperError);
    await expect(openEvents(key, projectId, { ...run!, ids: run!.ids.slice(1) })).rejects.toThrow(SyncTamperError);
    await expect(openEvents(key, projectId, { ...run!, seq: 2 })).rejects.toThrow(SyncTamperError);
    await expect(openEvents(key, ulid(), run!)).rejects.toThrow(SyncTamperError);
    const flipped = { ...run!, ct: (run!.ct[0] === 'A' ? 'B' : 'A') + run!.ct.slice(1) };
    await expect(openEvents(key, projectId, flipped)).rejects.toThrow("does not open with this space's secret");
  });
  test('a run that opens to text that is not JSON is refused as tampered, not thrown as a SyntaxError', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const projectId = ulid();
    const ids = [ulid()];
    // Only a device of the space holds the key: a faulty one sealing a broken run.
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const additionalData = new TextEncoder().encode(`orchestra-sync-v1|${projectId}|events|1|${ids.join(',')}`);
    const plain = new TextEncoder().encode('[{"id": "cut off');
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plain));
    const envelope = {
      v: 1 as const,
      kind: 'events' as const,
      seq: 1,
      ids,
      iv: Buffer.from(iv).toString('base64url'),
      ct: Buffer.from(ct).toString('base64url'),
    };
    await expect(openEvents(key, projectId, envelope)).rejects.toThrow(
      new SyncTamperError('A synced message opens but is not JSON: it was written by a faulty device.'),
    );
  });

  test('a run that inflates past the cap is refused unread, with a sentence saying so', async () => {
    const { key } = await deriveSpaceCredentials(makeSpaceSecret());
    const projectId = ulid();
    const ids = [ulid()];
    // A device of the space (only it holds the key) sealing a deflate bomb: zeros just
    // past the cap deflate to a few dozen KiB.
    const bomb = deflateRawSync(new Uint8Array(maxInflatedBytes + 1024));
    expect(bomb.byteLength).toBeLessThan(256 * 1024);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const additionalData = new TextEncoder().encode(
      `orchestra-sync-v1|${projectId}|events|1|${ids.join(',')}|deflate-raw`,
    );
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, bomb));
    const envelope = {
      v: 1 as const,
      kind: 'events' as const,
      seq: 1,
      ids,
      z: 'deflate-raw' as const,
      iv: Buffer.from(iv).toString('base64url'),
      ct: Buffer.from(ct).toString('base64url'),
    };
    await expect(openEvents(key, projectId, envelope)).rejects.toThrow(
      new SyncTamperError(
        'A synced run of events inflates past 64 MiB, far more than a device seals: it was refused unread.',
      ),
    );
  });
});

describe('pushing and pulling a project through the real server', () => {
  test('another device joining with the secret pulls the same events and texts; the server holds no plaintext', async () => {
    const running = await server();
    const { secret, connection } = await createSpace(running.url);
    const project = await markedProject();
    await pushProject(connection, project.projectId, project.events, project.blobs, { producerId: 'laptop', epoch: 0 });

    const other = await joinSpace(running.url, secret);
    const pulled = await pullProject(other, project.projectId);
    expect(pulled.events).toEqual(project.events);
    expect(pulled.blobs).toEqual(project.blobs);

    // Resuming from the returned offset yields nothing new.
    expect((await pullProject(other, project.projectId, pulled.offset)).events).toEqual([]);
  });

  test('a stream written one event per envelope, as earlier versions did, still pulls whole', async () => {
    const running = await server();
    const { secret, connection } = await createSpace(running.url);
    const { projectId, events } = await markedProject();
    const url = `${running.url}/sync/spaces/${connection.spaceId}/streams/projects/${projectId}`;
    const headers = { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'PUT', headers })).status).toBe(201);
    const sealed = await Promise.all(events.slice(0, 50).map((event) => sealEvent(connection.key, event)));
    expect((await fetch(url, { method: 'POST', headers, body: JSON.stringify(sealed) })).status).toBe(204);
    await pushProject(connection, projectId, events.slice(50), [], { producerId: 'laptop', epoch: 0 });
    expect((await pullProject(await joinSpace(running.url, secret), projectId)).events).toEqual(events);
  });

  test('a log of several megabytes comes back whole, across the pages the server reads it in', async () => {
    const running = await server();
    const { secret, connection } = await createSpace(running.url);
    const projectId = ulid();
    const events = stamp(projectId, randomHistory(seeded(11), 2_000));
    // 12 texts of 200 kB each and the events: about 3.5 MB sealed, four pages of 1 MiB.
    const blobs = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const content = `// file ${i}\n${'x'.repeat(200_000)}\n`;
        return { hash: await sha256Hex(content), content };
      }),
    );
    await pushProject(connection, projectId, events, blobs, { producerId: 'laptop', epoch: 0 });
    const pulled = await pullProject(await joinSpace(running.url, secret), projectId);
    expect(pulled.blobs.length).toBe(blobs.length);
    expect(pulled.events.length).toBe(events.length);
    expect(pulled.events.at(-1)).toEqual(events.at(-1));
  }, 120_000);

  test('a wrong secret and an unreachable server fail with their own sentence', async () => {
    const running = await server();
    await createSpace(running.url);
    const stranger = makeSpaceSecret();
    await expect(joinSpace(running.url, stranger)).rejects.toMatchObject({ kind: 'no_space' });
    const error = await joinSpace('http://127.0.0.1:9', makeSpaceSecret()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ kind: 'unreachable', retryable: true });
  });
});

describe('nothing readable on the server', () => {
  test("the server's database files never contain a project's description or file contents", async () => {
    const opened = await openTestStore('sqlite');
    const running = await startTestServer(opened.store);
    const { connection } = await createSpace(running.url);
    const project = await markedProject();
    await pushProject(connection, project.projectId, project.events, project.blobs, { producerId: 'laptop', epoch: 0 });
    await running.close();
    // Every file of the store (database, WAL, shared memory), as raw bytes.
    const dir = opened.dir;
    const raw = readdirSync(dir)
      .map((name) => readFileSync(join(dir, name)).toString('latin1'))
      .join('');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).not.toContain(marker);
    expect(raw).not.toContain('Marked');
    // The rows are there: ciphertext of every event and text.
    const db = new Database(join(dir, 'sync.sqlite'), { readonly: true });
    const { count } = db.prepare('SELECT SUM(count) AS count FROM entries').get() as { count: number };
    db.close();
    const runs = await sealEvents(connection.key, project.events);
    expect(count).toBe(runs.length + project.blobs.length);
    await opened.dispose();
  });

  test('a ciphertext altered in the database is refused when pulled, with a clear error', async () => {
    const opened = await openTestStore('sqlite');
    const running = await startTestServer(opened.store);
    cleanups.push(async () => {
      await running.close();
      await opened.dispose();
    });
    const { secret, connection } = await createSpace(running.url);
    const project = await markedProject();
    await pushProject(connection, project.projectId, project.events.slice(0, 5), [], {
      producerId: 'laptop',
      epoch: 0,
    });
    const db = new Database(join(opened.dir, 'sync.sqlite'));
    const row = db.prepare('SELECT stream_id, seq, data FROM entries ORDER BY seq LIMIT 1').get() as {
      stream_id: number;
      seq: number;
      data: Buffer;
    };
    const text = row.data.toString('utf8');
    const at = text.indexOf('"ct":"') + 10;
    const altered = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    db.prepare('UPDATE entries SET data = ? WHERE stream_id = ? AND seq = ?').run(
      Buffer.from(altered),
      row.stream_id,
      row.seq,
    );
    db.close();
    await expect(pullProject(await joinSpace(running.url, secret), project.projectId)).rejects.toThrow(SyncTamperError);
  });
});
