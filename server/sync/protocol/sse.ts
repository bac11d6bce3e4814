import type { EntryRecord, StreamRecord } from '../store/contract.ts';
import { readBody } from './body.ts';
import type { StreamRequest } from './context.ts';
import { nextCursor } from './cursor.ts';
import { h, isJson, isTextual } from './headers.ts';
import { formatOffset } from './offset.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function dataEvent(stream: StreamRecord, entries: readonly EntryRecord[]): string {
  const body = readBody(entries, isJson(stream.contentType));
  const text = isTextual(stream.contentType) ? decoder.decode(body) : Buffer.from(body).toString('base64');
  return `event: data\n${text
    .split(/\r\n|\r|\n/)
    .map((line) => `data:${line}`)
    .join('\n')}\n\n`;
}

/** The control event after each data event (camelCase fields, as the protocol names them). */
interface Control {
  streamNextOffset: string;
  streamCursor?: string;
  upToDate?: true;
  streamClosed?: true;
}

const controlEvent = (control: Control) => `event: control\ndata:${JSON.stringify(control)}\n\n`;

/**
 * `live=sse`: data events as entries arrive, each followed by a control event with the
 * next offset; the server closes the response after `sseMs` (the client reconnects from
 * the last offset) or at a closed stream's end.
 */
export function sseResponse(
  ctx: StreamRequest,
  first: StreamRecord,
  start: number,
  cursor: string | undefined,
): Response {
  const stop = new AbortController();
  ctx.request.signal.addEventListener('abort', () => stop.abort(), { once: true });
  const deadline = ctx.now() + ctx.limits.sseMs;

  const body = new ReadableStream<Uint8Array>({
    start: async (controller) => {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      let position = start;
      let announced = false;
      let lastCursor = cursor;
      try {
        while (!stop.signal.aborted && ctx.now() < deadline) {
          const pause = new AbortController();
          const onStop = () => pause.abort();
          stop.signal.addEventListener('abort', onStop, { once: true });
          const waiting = ctx.waiters.wait(first.id, Math.max(0, deadline - ctx.now()), pause.signal);
          const stream = await ctx.store.getStream(ctx.spaceId, ctx.path);
          if (!stream || stream.id !== first.id || stream.softDeleted) {
            pause.abort();
            break;
          }
          const control = (atTail: boolean) => {
            const closedNow = stream.closed && atTail;
            const out: Control = { streamNextOffset: formatOffset(position) };
            if (!closedNow) out.streamCursor = lastCursor = nextCursor(ctx.now(), lastCursor);
            if (atTail) out.upToDate = true;
            if (closedNow) out.streamClosed = true;
            send(controlEvent(out));
            return closedNow;
          };
          if (position < stream.tailSeq) {
            pause.abort();
            const entries = await ctx.store.readEntries(stream.id, position, ctx.limits.maxReadBytes);
            if (entries.length > 0) {
              send(dataEvent(stream, entries));
              position = entries[entries.length - 1]!.seq + 1;
            }
            announced = true;
            if (control(position >= stream.tailSeq)) break;
            continue;
          }
          if (stream.closed) {
            pause.abort();
            control(true);
            break;
          }
          if (!announced) {
            control(true);
            announced = true;
          }
          await waiting;
          stop.signal.removeEventListener('abort', onStop);
        }
      } catch {
        // The reader went away or the store failed: end the response; the client resumes.
      }
      try {
        controller.close();
      } catch {
        // Already closed by a cancelled reader.
      }
    },
    cancel: () => stop.abort(),
  });

  const headers = new Headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (!isTextual(first.contentType)) headers.set(h.sseEncoding, 'base64');
  return new Response(body, { status: 200, headers });
}
