import bootCode from 'virtual:orchestra-preview-boot';
import { cap, levels } from './console-format.ts';
import { choosePage } from './paths.ts';
import {
  type BootData,
  type BootMessage,
  type PreviewCommand,
  type PreviewEvent,
  type PreviewFiles,
  type PreviewLine,
  bootDataId,
} from './protocol.ts';

/**
 * The preview page's script (`/sandbox/preview.html`, an opaque origin: the app embeds
 * it with `sandbox="allow-scripts"` and the server sends the `sandbox` policy too). It
 * takes commands only on the MessagePort the app hands it once, renders the project's
 * page into a nested about:srcdoc frame (which inherits this page's sandbox and policy,
 * in an opaque origin of its own), and passes the page's console lines back, checked,
 * capped and batched.
 *
 *   waiting --port from parent--> ready --render--> showing --render/open--> showing
 *                                                     '--second load--> navigated (blocked)
 */

/** Lines kept per render; a page that logs in a loop cannot flood the app. */
const lineLimit = 1_000;
const flushEveryMs = 50;

interface Shown {
  generation: number;
  files: PreviewFiles;
  page: string;
  frame: HTMLIFrameElement;
  port?: MessagePort;
  loads: number;
  sent: number;
  dropped: number;
  pending: PreviewLine[];
  timer?: ReturnType<typeof setTimeout> | undefined;
}

let app: MessagePort | undefined;
let shown: Shown | undefined;

function send(event: PreviewEvent): void {
  app?.postMessage(event);
}

function flush(current: Shown): void {
  current.timer = undefined;
  if (current !== shown || (current.pending.length === 0 && current.dropped === 0)) return;
  send({ type: 'lines', generation: current.generation, lines: current.pending, dropped: current.dropped });
  current.pending = [];
}

/** A line from the generated page, as data we can trust the shape of. */
function checkLine(value: unknown): PreviewLine | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { level, text, source } = value as Partial<Record<keyof PreviewLine, unknown>>;
  if (typeof level !== 'string' || !levels.includes(level as PreviewLine['level']) || typeof text !== 'string')
    return undefined;
  const line: PreviewLine = { level: level as PreviewLine['level'], text: cap(text) };
  if (typeof source === 'object' && source !== null) {
    const { path, line: row, column } = source as Record<string, unknown>;
    if (typeof path === 'string' && path.length <= 500)
      line.source = {
        path,
        line: typeof row === 'number' && Number.isInteger(row) ? row : undefined,
        column: typeof column === 'number' && Number.isInteger(column) ? column : undefined,
      };
  }
  return line;
}

function fromBoot(current: Shown, message: unknown): void {
  if (current !== shown || typeof message !== 'object' || message === null) return;
  const { type } = message as { type?: unknown };
  if (type === 'open') {
    const page = (message as Extract<BootMessage, { type: 'open' }>).page;
    if (typeof page === 'string' && current.files.some(([path]) => path === page))
      render(current.generation, current.files, page);
    return;
  }
  if (type !== 'line') return;
  const line = checkLine((message as { line?: unknown }).line);
  if (!line) return;
  if (current.sent >= lineLimit) {
    current.dropped += 1;
  } else {
    current.sent += 1;
    current.pending.push(line);
  }
  current.timer ??= setTimeout(() => flush(current), flushEveryMs);
}

function srcdoc(data: BootData): string {
  // `<` escaped, so no text in a file can end the data block or start a comment in it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html><script type="application/json" id="${bootDataId}">${json}</script><script>${bootCode}</script>`;
}

function render(generation: number, files: PreviewFiles, wanted: string | undefined): void {
  shown?.frame.remove();
  shown?.port?.close();
  shown = undefined;
  const page = wanted ?? choosePage(files.map(([path]) => path));
  send({ type: 'rendering', generation, page: page ?? null });
  if (page === undefined) return;
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('allow', '');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.title = page;
  const current: Shown = { generation, files, page, frame, loads: 0, sent: 0, dropped: 0, pending: [] };
  shown = current;
  frame.addEventListener('load', () => {
    current.loads += 1;
    if (current !== shown) return;
    // The first load is the page; any later one is the page leaving (blocked by the policy) or reloading itself.
    if (current.loads === 1) send({ type: 'loaded', generation, page });
    else send({ type: 'navigated', generation });
  });
  frame.srcdoc = srcdoc({ generation, page, files });
  document.body.append(frame);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as { type?: unknown; generation?: unknown } | null;
  if (event.source === window.parent) {
    // The app's port, once; after that the app speaks only through it.
    const port = event.ports[0];
    if (app || !port || data?.type !== 'orchestra-preview-connect') return;
    app = port;
    app.addEventListener('message', (message: MessageEvent<PreviewCommand>) => onCommand(message.data));
    app.start();
    send({ type: 'ready' });
    return;
  }
  // The generated page's boot script, once per render, before any generated code ran.
  const current = shown;
  const port = event.ports[0];
  if (!current || current.port || !port || event.source !== current.frame.contentWindow) return;
  if (data?.type !== 'orchestra-preview-boot' || data.generation !== current.generation) return;
  current.port = port;
  port.addEventListener('message', (message: MessageEvent<unknown>) => fromBoot(current, message.data));
  port.start();
});

function onCommand(command: PreviewCommand): void {
  if (typeof command !== 'object' || command === null) return;
  if (command.type === 'clear') {
    shown?.frame.remove();
    shown = undefined;
  } else if (command.type === 'render') render(command.generation, command.files, command.page);
}
