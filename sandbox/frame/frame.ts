import supervisorSource from 'virtual:orchestra-supervisor';
import type { FramePing, FrameWindowEvent } from './protocol.ts';

/**
 * The code-running frame's page script (the frame is sandboxed without
 * `allow-same-origin`: an opaque origin, and its CSP allows no network). It does two
 * things only: it starts the supervisor (`supervisor.ts`, a worker that runs every check)
 * and hands the page that embeds it a MessagePort to that worker, and it answers the
 * page's pings. Everything else goes between the page and the supervisor on that port,
 * never through this page's thread, which a stuck Preview page in the same process can
 * hold (see `web/checks/sandbox-process.ts`). A ping answered says that thread is free.
 *
 *   frame loads --> supervisor started --port--> page  (then: page <--port--> supervisor)
 */

const supervisor = new Worker(URL.createObjectURL(new Blob([supervisorSource], { type: 'text/javascript' })), {
  name: 'checks-supervisor',
});
const channel = new MessageChannel();
supervisor.postMessage(null, [channel.port2]);

window.addEventListener('message', (event: MessageEvent<FramePing>) => {
  // Only the page that embeds the frame is answered, never the code the frame runs.
  if (event.source !== window.parent || event.data?.type !== 'ping') return;
  const pong: FrameWindowEvent = { type: 'pong', ping: event.data.ping };
  window.parent.postMessage(pong, '*');
});

const connect: FrameWindowEvent = { type: 'connect' };
// The parent is the app's own page; its origin is not ours to name from an opaque origin.
window.parent.postMessage(connect, '*', [channel.port1]);
