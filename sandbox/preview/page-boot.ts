import { cap, formatArgs, frameOf, levels } from './console-format.ts';
import { mediaType, resolveReference } from './paths.ts';
import { ProjectUrls } from './project-urls.ts';
import { type BootData, type BootHello, type BootMessage, type PreviewLine, bootDataId } from './protocol.ts';

/**
 * The generated page's boot script: the first script of the page's document (an
 * about:srcdoc frame in its own opaque origin, allowed by its hash). Before any generated
 * code runs it
 *  1. reads the files from the inert JSON block the preview page put before it;
 *  2. opens its own channel to the preview page (a MessagePort posted as the document's
 *     first message; the preview page takes no other message from this frame);
 *  3. captures the console, uncaught errors, unhandled rejections and blocked loads;
 *  4. gives the page what a sandbox without `allow-same-origin` lacks and a page expects:
 *     in-memory `localStorage`/`sessionStorage`/`document.cookie`, `fetch` of the
 *     project's own files, submit events for forms (the submission itself stays blocked),
 *     and links between the project's pages;
 *  5. writes the chosen page with every reference to a project file pointing at a blob:
 *     URL made here (blob: URLs are tied to the origin that made them).
 * Generated code that runs afterwards can undo any of this in its own frame; what it
 * cannot do is leave the frame: the sandbox and the inherited policy hold that.
 */

const dataBlock = document.getElementById(bootDataId);
const data = JSON.parse(dataBlock?.textContent ?? '{}') as BootData;
dataBlock?.remove();
document.currentScript?.remove();

const channel = new MessageChannel();
const hello: BootHello = { type: 'orchestra-preview-boot', generation: data.generation };
window.parent.postMessage(hello, '*', [channel.port2]);
const send: (message: BootMessage) => void = channel.port1.postMessage.bind(channel.port1);

const files = new Map(data.files);
const page = data.page;
const urls = new ProjectUrls(files);

function sourceOf(url: string | undefined, line?: number, column?: number): PreviewLine['source'] {
  if (!url) return undefined;
  const path = urls.pathOf(url.replace(/#.*$/, ''));
  return path === undefined ? undefined : { path, line, column };
}

function emit(level: PreviewLine['level'], text: string, source?: PreviewLine['source']): void {
  send({ type: 'line', line: { level, text: cap(text), source } });
}

// 3. The console, errors and rejections.
// The page's own console is what is captured here; it is not ours to silence.
/* eslint-disable no-console */
for (const level of levels) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    const at = frameOf(new Error().stack, (url) => urls.pathOf(url) !== undefined);
    emit(level, formatArgs(args), sourceOf(at?.url, at?.line, at?.column));
    original(...args);
  };
}
/* eslint-enable no-console */
window.addEventListener(
  'error',
  (event) => {
    const target = event.target;
    if (target instanceof Element && target !== document.documentElement) {
      // A resource that failed to load (errors on elements do not bubble: this is the capture phase).
      const reference = target.getAttribute('src') ?? target.getAttribute('href') ?? '';
      emit('error', `Failed to load <${target.localName}> ${sourceOf(reference)?.path ?? reference}`);
      return;
    }
    const error = event.error as unknown;
    const text = error instanceof Error ? `Uncaught ${error.name}: ${error.message}` : `Uncaught ${event.message}`;
    emit('error', text, sourceOf(event.filename, event.lineno, event.colno));
  },
  true,
);
window.addEventListener('unhandledrejection', (event) => {
  const reason = event.reason as unknown;
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : formatArgs([reason]);
  const at = reason instanceof Error ? frameOf(reason.stack, (url) => urls.pathOf(url) !== undefined) : undefined;
  emit('error', `Uncaught (in promise) ${text}`, sourceOf(at?.url, at?.line, at?.column));
});
document.addEventListener('securitypolicyviolation', (event) => {
  const what = event.blockedURI || event.effectiveDirective;
  emit('warn', `Blocked by the preview (no network, nothing outside the project): ${event.effectiveDirective} ${what}`);
});

// 4. What a sandboxed page lacks.
class MemoryStorage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.#items.get(String(key)) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(String(key), String(value));
  }
  removeItem(key: string): void {
    this.#items.delete(String(key));
  }
  clear(): void {
    this.#items.clear();
  }
}
for (const name of ['localStorage', 'sessionStorage'])
  Object.defineProperty(window, name, { value: new MemoryStorage(), configurable: true });
let cookies = '';
Object.defineProperty(document, 'cookie', {
  configurable: true,
  get: () => cookies,
  set: (value: string) => {
    const pair = String(value).split(';', 1)[0] ?? '';
    const name = pair.split('=', 1)[0] ?? '';
    const kept = cookies.split('; ').filter((one) => one !== '' && one.split('=', 1)[0] !== name);
    cookies = [...kept, pair].join('; ');
  },
});
window.alert = (message?: unknown) => emit('info', `alert: ${formatArgs([message])}`);
window.confirm = (message?: string) => {
  emit('info', `confirm: ${message ?? ''} (the preview answers Cancel)`);
  return false;
};
window.prompt = (message?: string) => {
  emit('info', `prompt: ${message ?? ''} (the preview answers Cancel)`);
  return null;
};

/** A project path for a URL the page asked for, relative to the page ("data.json", "./a.json"). */
function projectPathOf(url: string): string | undefined {
  // Relative URLs in a Request were resolved against the preview page's address.
  const base = new URL('.', document.baseURI).href;
  const relative = url.startsWith(base) ? url.slice(base.length) : url;
  return resolveReference(page, relative);
}

const networkFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const path = projectPathOf(url);
  const text = path === undefined ? undefined : files.get(path);
  if (path !== undefined && text !== undefined)
    return Promise.resolve(new Response(text, { status: 200, headers: { 'content-type': mediaType(path) } }));
  // Everything else goes to the network, which the policy refuses (connect-src 'none').
  return networkFetch(input, init);
};

// Forms: the sandbox blocks submission before the submit event, so pages that handle
// `submit` in script would do nothing. Fire the event; a real submission stays blocked.
function submit(form: HTMLFormElement, submitter: HTMLElement | null): void {
  const skipValidation = form.noValidate || (submitter as HTMLButtonElement | null)?.formNoValidate === true;
  if (!skipValidation && !form.reportValidity()) return;
  const event = new SubmitEvent('submit', { bubbles: true, cancelable: true, submitter });
  if (form.dispatchEvent(event))
    emit('warn', 'The page submitted a form; the preview does not send forms anywhere (no network).');
}
function submitterOf(target: EventTarget | null): HTMLButtonElement | HTMLInputElement | undefined {
  if (!(target instanceof Element)) return undefined;
  const control = target.closest('button, input');
  if (control instanceof HTMLButtonElement && control.type === 'submit' && control.form && !control.disabled)
    return control;
  if (control instanceof HTMLInputElement && /^(submit|image)$/.test(control.type) && control.form && !control.disabled)
    return control;
  return undefined;
}
window.addEventListener('click', (event) => {
  if (event.defaultPrevented) return;
  const submitter = submitterOf(event.target);
  if (submitter?.form) {
    event.preventDefault();
    submit(submitter.form, submitter);
    return;
  }
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link) return;
  const href = link.getAttribute('href') ?? '';
  if (href.startsWith('#') || /^javascript:/i.test(href)) return;
  event.preventDefault();
  const path = resolveReference(page, href);
  if (path !== undefined && files.has(path) && /\.html?$/i.test(path)) send({ type: 'open', page: path });
  else emit('info', `The preview shows the project's own pages only; it does not follow ${href}`);
});
window.addEventListener('keydown', (event) => {
  // Enter in a form with no submit button submits it without a click.
  const field = event.target;
  if (event.key !== 'Enter' || event.defaultPrevented || !(field instanceof HTMLInputElement) || !field.form) return;
  const form = field.form;
  if ([...form.elements].some((element) => submitterOf(element))) return;
  event.preventDefault();
  submit(form, null);
});
HTMLFormElement.prototype.requestSubmit = function requestSubmit(
  this: HTMLFormElement,
  submitter?: HTMLElement | null,
) {
  submit(this, submitter ?? null);
};

// 5. The page, its references pointing at blob: URLs of the files.
function rewriteSrcset(value: string): string {
  return value
    .split(',')
    .map((candidate) => {
      const [reference = '', ...descriptor] = candidate.trim().split(/\s+/);
      return [urls.reference(page, reference) ?? reference, ...descriptor].join(' ');
    })
    .join(', ');
}

function missing(reference: string): boolean {
  const path = resolveReference(page, reference);
  if (path === undefined || files.has(path)) return false;
  emit('error', `${page} refers to ${reference}, which is not one of the project's files.`, { path: page });
  return true;
}

function writePage(): void {
  const html = files.get(page) ?? '';
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const base of doc.querySelectorAll('base')) base.remove();
  let inline = 0;
  for (const script of doc.querySelectorAll('script')) {
    const type = (script.getAttribute('type') ?? '').trim().toLowerCase();
    if (type === 'importmap') {
      emit(
        'warn',
        `${page} has an import map, which the preview cannot apply; its modules are loaded from the project's files.`,
      );
      script.remove();
      continue;
    }
    const isModule = type === 'module';
    if (!isModule && type !== '' && !/^(text|application)\/(x-)?(java|ecma)script$/.test(type)) continue;
    script.removeAttribute('integrity');
    const src = script.getAttribute('src');
    if (src !== null) {
      const url = urls.reference(page, src);
      if (url !== undefined) script.setAttribute('src', url);
      else missing(src);
      continue;
    }
    // Inline code runs from a blob: URL too: the policy allows no inline script but the boot's.
    inline += 1;
    const text = script.textContent ?? '';
    const url = URL.createObjectURL(new Blob([isModule ? urls.module(text, page) : text], { type: 'text/javascript' }));
    urls.name(url, `${page} (inline script ${inline})`);
    script.textContent = '';
    script.setAttribute('src', url);
    if (!isModule) {
      script.removeAttribute('async');
      script.removeAttribute('defer');
    }
  }
  for (const link of doc.querySelectorAll('link[href]')) {
    const href = link.getAttribute('href') ?? '';
    const url = urls.reference(page, href);
    link.removeAttribute('integrity');
    if (url !== undefined) link.setAttribute('href', url);
    else if (/stylesheet|modulepreload|icon/i.test(link.getAttribute('rel') ?? '')) missing(href);
  }
  const attributes: [selector: string, attribute: string][] = [
    ['img[src], source[src], video[src], audio[src], track[src], input[src], embed[src]', 'src'],
    ['video[poster]', 'poster'],
    ['object[data]', 'data'],
    ['image[href], use[href]', 'href'],
  ];
  for (const [selector, attribute] of attributes)
    for (const element of doc.querySelectorAll(selector)) {
      const reference = element.getAttribute(attribute) ?? '';
      const url = urls.reference(page, reference);
      if (url !== undefined) element.setAttribute(attribute, url);
      else missing(reference);
    }
  for (const element of doc.querySelectorAll('img[srcset], source[srcset]'))
    element.setAttribute('srcset', rewriteSrcset(element.getAttribute('srcset') ?? ''));
  for (const style of doc.querySelectorAll('style')) style.textContent = urls.css(style.textContent ?? '', page);
  for (const element of doc.querySelectorAll('[style]'))
    element.setAttribute('style', urls.css(element.getAttribute('style') ?? '', page));
  for (const problem of urls.problems) emit('error', problem);
  document.write(doc.documentElement.outerHTML);
}

writePage();
