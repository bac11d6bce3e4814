import { liveStream, refuse, removeStream, type StreamRequest } from './context.ts';

/** DELETE: remove a stream, or soft-delete it while forks still read its data. */
export function deleteStream(ctx: StreamRequest): Promise<Response> {
  const now = ctx.now();
  return ctx.store.transact(ctx.spaceId, async (tx) => {
    const stream = await liveStream(tx, ctx.spaceId, ctx.path, now);
    if (!stream) return refuse(404, 'not_found', 'No stream at this path.');
    if (stream.softDeleted) return refuse(410, 'gone', 'This stream has been deleted.');
    if (stream.refCount > 0) {
      await tx.updateStream(stream.id, { softDeleted: true });
      tx.notify(stream.id);
    } else {
      await removeStream(tx, stream);
    }
    return new Response(null, { status: 204 });
  });
}
