import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Plugin, build } from 'vite';

/**
 * Builds the code-running frame (`sandbox/`) beside the app: `sandbox/frame.html`, a page
 * whose only script is inlined and allowed by its hash (the supervisor worker's code, which
 * it starts from a blob: URL, is inside it), and one self-contained ES module
 * per runtime (`sandbox/runtime-<name>-<hash>.js`, from `sandbox/<name>/index.ts` wrapped
 * by `sandbox/frame/worker-main.ts`), and `sandbox/preview.html`, the web Preview's page
 * (`sandbox/preview/`), built the same way. The app learns their URLs from the virtual module
 * `virtual:orchestra-sandbox`.
 *
 * The frame gets nothing over the network: the page fetches a runtime (through the
 * service worker, so it works offline after first use) and hands it over as text. So
 * the frame's policy allows no connection at all, and the frame page itself is precached.
 */

const sandboxRoot = join(import.meta.dirname, '..', '..', 'sandbox');
const virtualId = 'virtual:orchestra-sandbox';
const resolvedVirtualId = `\0${virtualId}`;
const runtimeEntryPrefix = '\0orchestra-runtime:';

/** The frame's policy. `'unsafe-eval'` and blob: scripts are for the generated code, which
 *  runs only here, in an opaque origin with no network. */
export function framePolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}' blob: 'unsafe-eval' 'wasm-unsafe-eval'`,
    'worker-src blob:',
    "connect-src 'none'",
    'img-src data: blob:',
    "style-src 'unsafe-inline'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The preview page's policy. The page's own script and the generated page's boot script
 * are allowed by their hashes; the generated page (an about:srcdoc frame, which inherits
 * this policy) loads its files from blob: URLs its boot script makes, may use inline
 * styles and event-handler attributes (`onclick="…"`), and reaches no network: no
 * connection, no remote script, style, image, font or media, no frame, no form target.
 */
export function previewPolicy(scriptHashes: string[]): string {
  const hashes = scriptHashes.map((hash) => `'sha256-${hash}'`).join(' ');
  return [
    "default-src 'none'",
    `script-src ${hashes} blob: 'unsafe-eval'`,
    "script-src-attr 'unsafe-inline'",
    "style-src 'unsafe-inline' blob: data:",
    'img-src blob: data:',
    'font-src blob: data:',
    'media-src blob: data:',
    'worker-src blob:',
    "connect-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

interface BuiltSandbox {
  frameHtml: string;
  previewHtml: string;
  /** Runtime name → [file name under sandbox/, code]. */
  runtimes: Map<string, { fileName: string; code: string }>;
}

/** The runtimes: every folder of sandbox/ with an index.ts, except the frame itself. */
export function runtimeNames(): string[] {
  return readdirSync(sandboxRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'frame')
    .filter((entry) => existsSync(join(sandboxRoot, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Code for an inline `<script>`: it must not close its own element. */
function inlineSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * Serves `virtual:<name>` (built code, as a string) to another bundle's build: the preview
 * page's boot script, the checks frame's supervisor.
 */
function embedCode(name: string, code: string): Plugin {
  const id = `virtual:${name}`;
  return {
    name,
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load: (source) => (source === `\0${id}` ? `export default ${JSON.stringify(code)};` : null),
  };
}

/** `sandbox/preview.html`: the preview page, its script and the boot script allowed by hash. */
async function buildPreview(): Promise<string> {
  const boot = inlineSafe(await bundle(join(sandboxRoot, 'preview', 'page-boot.ts'), 'iife'));
  const script = inlineSafe(
    await bundle(join(sandboxRoot, 'preview', 'preview.ts'), 'iife', [embedCode('orchestra-preview-boot', boot)]),
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${previewPolicy([sha256(script), sha256(boot)])}">`,
    '<title>Orchestra preview</title>',
    '<style>html,body{margin:0;height:100%;background:#fff}iframe{display:block;border:0;width:100%;height:100%}</style>',
    '</head>',
    '<body>',
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

async function bundle(input: string, format: 'es' | 'iife', plugins: Plugin[] = []): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    plugins,
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      rolldownOptions: { input, output: { format, codeSplitting: false } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunks = outputs.flatMap((output) => ('output' in output ? output.output : []));
  const entry = chunks.find((chunk) => chunk.type === 'chunk' && chunk.isEntry);
  if (!entry || entry.type !== 'chunk') throw new Error(`Building ${input} gave no entry chunk.`);
  return entry.code;
}

function runtimeEntries(): Plugin {
  return {
    name: 'orchestra-runtime-entry',
    resolveId: (id) => (id.startsWith(runtimeEntryPrefix) ? id : null),
    load(id) {
      if (!id.startsWith(runtimeEntryPrefix)) return null;
      const name = id.slice(runtimeEntryPrefix.length);
      const runtime = JSON.stringify(join(sandboxRoot, name, 'index.ts'));
      const main = JSON.stringify(join(sandboxRoot, 'frame', 'worker-main.ts'));
      return `import runtime from ${runtime};\nimport { serveRuntime } from ${main};\nserveRuntime(runtime);\n`;
    },
  };
}

export async function buildSandbox(): Promise<BuiltSandbox> {
  // The frame's page starts the supervisor from its own inline script: no file to fetch.
  const supervisor = await bundle(join(sandboxRoot, 'frame', 'supervisor.ts'), 'iife');
  const frameScript = await bundle(join(sandboxRoot, 'frame', 'frame.ts'), 'iife', [
    embedCode('orchestra-supervisor', supervisor),
  ]);
  // An inline script must not close its own element.
  const safeScript = frameScript.replace(/<\/(script)/gi, '<\\/$1');
  const hash = createHash('sha256').update(safeScript).digest('base64');
  const frameHtml = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${framePolicy(hash)}">`,
    '<title>Orchestra checks</title>',
    '</head>',
    '<body>',
    `<script>${safeScript}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  const runtimes = new Map<string, { fileName: string; code: string }>();
  for (const name of runtimeNames()) {
    const code = await bundle(`${runtimeEntryPrefix}${name}`, 'iife', [runtimeEntries()]);
    const digest = createHash('sha256').update(code).digest('hex').slice(0, 10);
    runtimes.set(name, { fileName: `runtime-${name}-${digest}.js`, code });
  }
  return { frameHtml, previewHtml: await buildPreview(), runtimes };
}

/** The frame's policy header for `sandbox/frame.html` as the server sends it. */
export function frameHeaderPolicy(html: string): string | undefined {
  const match = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  return match?.[1];
}

export function sandboxPlugin(): Plugin {
  let built: BuiltSandbox | undefined;
  return {
    name: 'orchestra-sandbox',
    async buildStart() {
      built = await buildSandbox();
    },
    resolveId: (id) => (id === virtualId ? resolvedVirtualId : null),
    load(id) {
      if (id !== resolvedVirtualId || !built) return null;
      const entries = [...built.runtimes].map(([name, { fileName }]) => [name, `/sandbox/${fileName}`]);
      // A runtime ships files besides its code when its folder names them (assets.ts);
      // only those have an assets.json to fetch (and to cache for offline use).
      const withAssets = [...built.runtimes.keys()].filter((name) => existsSync(join(sandboxRoot, name, 'assets.ts')));
      return `export const frameUrl = '/sandbox/frame.html';\nexport const previewUrl = '/sandbox/preview.html';\nexport const runtimeUrls = new Map(${JSON.stringify(entries)});\nexport const assetRuntimes = new Set(${JSON.stringify(withAssets)});\n`;
    },
    generateBundle() {
      if (!built) return;
      this.emitFile({ type: 'asset', fileName: 'sandbox/frame.html', source: built.frameHtml });
      this.emitFile({ type: 'asset', fileName: 'sandbox/preview.html', source: built.previewHtml });
      for (const { fileName, code } of built.runtimes.values())
        this.emitFile({ type: 'asset', fileName: `sandbox/${fileName}`, source: code });
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = request.url?.split('?')[0] ?? '';
        if (!built || !path.startsWith('/sandbox/')) return next();
        const fileName = path.slice('/sandbox/'.length);
        if (fileName === 'frame.html') {
          response.setHeader('Content-Type', 'text/html; charset=utf-8');
          return response.end(built.frameHtml);
        }
        if (fileName === 'preview.html') {
          response.setHeader('Content-Type', 'text/html; charset=utf-8');
          return response.end(built.previewHtml);
        }
        const runtime = [...built.runtimes.values()].find((one) => one.fileName === fileName);
        if (!runtime) return next();
        response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        return response.end(runtime.code);
      });
    },
  };
}
