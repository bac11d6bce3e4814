import { entryOf, type JsonEntry, jsonEntry, readLimited } from './body.ts';
import { liveStream, refuse, type StreamRequest } from './context.ts';
import { h, isJson, isTrue, mediaType, parseWholeNumber } from './headers.ts';
import { formatOffset } from './offset.ts';

interface Producer {
  id: string;
  epoch: number;
  seq: number;
}

function parseProducer(headers: Headers): Producer | undefined | Response {
  const id = headers.get(h.producerId);
  const epoch = headers.get(h.producerEpoch);
  const seq = headers.get(h.producerSeq);
  if (id === null && epoch === null && seq === null) return undefined;
  if (id === null || epoch === null || seq === null) {
    return refuse(400, 'bad_producer', 'Producer-Id, Producer-Epoch and Producer-Seq go together.');
  }
  const epochNumber = parseWholeNumber(epoch);
  const seqNumber = parseWholeNumber(seq);
  if (id.trim() === '' || typeof epochNumber !== 'number' || typeof seqNumber !== 'number') {
    return refuse(400, 'bad_producer', 'Producer-Id must be non-empty; Producer-Epoch and Producer-Seq whole numbers.');
  }
  return { id, epoch: epochNumber, seq: seqNumber };
}

const producerKey = (p: Producer) => `${p.id} ${p.epoch} ${p.seq}`;

/** POST: append (and optionally close), with idempotent producers and `Stream-Seq` ordering. */
export async function appendStream(ctx: StreamRequest): Promise<Response> {
  const headers = ctx.request.headers;
  const closing = isTrue(headers.get(h.closed));
  const producer = parseProducer(headers);
  if (producer instanceof Response) return producer;
  const writerSeq = headers.get(h.writerSeq);
  const body = await readLimited(ctx.request, ctx.limits.maxAppendBytes);
  if (body === 'too-large')
    return refuse(413, 'too_large', `An append may be at most ${ctx.limits.maxAppendBytes} bytes.`);
  if (body.byteLength === 0 && !closing)
    return refuse(400, 'empty', 'An append needs a body (or Stream-Closed: true to close).');
  const now = ctx.now();

  return ctx.store.transact(ctx.spaceId, async (tx) => {
    const stream = await liveStream(tx, ctx.spaceId, ctx.path, now);
    if (!stream) return refuse(404, 'not_found', 'No stream at this path.');
    if (stream.softDeleted) return refuse(410, 'gone', 'This stream has been deleted.');
    const tail = { [h.nextOffset]: formatOffset(stream.tailSeq) };

    if (stream.closed) {
      const closedHeaders = { ...tail, [h.closed]: 'true' };
      if (producer && stream.closedBy === producerKey(producer)) {
        return new Response(null, {
          status: 204,
          headers: {
            ...closedHeaders,
            [h.producerEpoch]: String(producer.epoch),
            [h.producerSeq]: String(producer.seq),
          },
        });
      }
      if (body.byteLength === 0) return new Response(null, { status: 204, headers: closedHeaders });
      return refuse(409, 'closed', 'This stream is closed.', closedHeaders);
    }

    let messages: Extract<JsonEntry, { ok: true }> | undefined;
    if (body.byteLength > 0) {
      const contentType = headers.get('content-type');
      if (contentType === null || contentType.trim() === '')
        return refuse(400, 'content_type', 'An append needs a Content-Type.');
      if (mediaType(contentType) !== mediaType(stream.contentType)) {
        return refuse(409, 'content_type', `This stream holds ${stream.contentType}, not ${contentType}.`);
      }
      if (isJson(stream.contentType)) {
        const parsed = jsonEntry(body);
        if (!parsed.ok) return refuse(400, 'bad_json', parsed.message);
        if (parsed.count === 0) return refuse(400, 'empty', 'An empty JSON array appends nothing.');
        messages = parsed;
      }
    }

    if (producer) {
      const state = await tx.getProducer(stream.id, producer.id);
      const echo = { [h.producerEpoch]: String(producer.epoch) };
      if (state && producer.epoch < state.epoch) {
        return refuse(403, 'stale_epoch', 'A newer writer has taken over this stream.', {
          [h.producerEpoch]: String(state.epoch),
        });
      }
      const newEpoch = !state || producer.epoch > state.epoch;
      if (newEpoch && producer.seq !== 0 && state) {
        return refuse(400, 'bad_producer', 'A new Producer-Epoch starts at Producer-Seq 0.');
      }
      const lastSeq = newEpoch ? -1 : state.lastSeq;
      if (producer.seq <= lastSeq) {
        return new Response(null, { status: 204, headers: { ...tail, ...echo, [h.producerSeq]: String(lastSeq) } });
      }
      if (producer.seq > lastSeq + 1) {
        return refuse(409, 'seq_gap', `Producer-Seq ${producer.seq} skips ahead; expected ${lastSeq + 1}.`, {
          [h.expectedSeq]: String(lastSeq + 1),
          [h.receivedSeq]: String(producer.seq),
        });
      }
    }

    if (writerSeq !== null && stream.lastWriterSeq !== null) {
      if (Buffer.compare(Buffer.from(writerSeq), Buffer.from(stream.lastWriterSeq)) <= 0) {
        return refuse(409, 'seq_regression', `Stream-Seq ${writerSeq} is not after ${stream.lastWriterSeq}.`);
      }
    }

    let tailSeq = stream.tailSeq;
    let added = 0;
    if (body.byteLength > 0) {
      const space = await tx.getSpace(ctx.spaceId);
      if (space && space.bytesUsed + body.byteLength > ctx.limits.maxSpaceBytes) {
        return refuse(
          507,
          'quota_bytes',
          `This space would pass its storage limit of ${ctx.limits.maxSpaceBytes} bytes.`,
        );
      }
      const entry = entryOf(tailSeq, body, messages);
      await tx.appendEntries(stream.id, [entry]);
      tailSeq += 1;
      added = entry.data.byteLength;
    }
    await tx.updateStream(stream.id, {
      tailSeq,
      bytes: stream.bytes + added,
      // When the write takes effect, not when the request came: it may have waited for its space.
      lastAccessAt: ctx.now(),
      ...(writerSeq !== null ? { lastWriterSeq: writerSeq } : {}),
      ...(closing ? { closed: true, closedBy: producer ? producerKey(producer) : null } : {}),
    });
    if (added > 0) await tx.addUsage(ctx.spaceId, added, 0);
    if (producer) await tx.putProducer(stream.id, producer.id, { epoch: producer.epoch, lastSeq: producer.seq });
    tx.notify(stream.id);

    const out = new Headers({ [h.nextOffset]: formatOffset(tailSeq) });
    if (closing) out.set(h.closed, 'true');
    if (!producer) return new Response(null, { status: 204, headers: out });
    out.set(h.producerEpoch, String(producer.epoch));
    out.set(h.producerSeq, String(producer.seq));
    // New data is 200; a producer's close-only request appends nothing and says so.
    return new Response(null, { status: added > 0 ? 200 : 204, headers: out });
  });
}
