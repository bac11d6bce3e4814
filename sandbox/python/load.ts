import { loadPyodide, type PyodideAPI } from 'pyodide';
import type { AssetContent, CheckAssets } from '../../worker/checks/contract.ts';
import { pythonAssets, requiredPythonAssets } from './assets.ts';

/**
 * Starts Pyodide from bytes the page handed over: the frame it runs in has no network.
 *
 * Pyodide's loader fetches its wasm and standard library from `indexURL`. We give it a
 * base that names no real host, and for the duration of the load a `fetch` that answers
 * that base from the assets and refuses everything else; the Emscripten glue comes from
 * the assets too (imported from a blob: URL, which the frame's policy allows) through
 * `createPyodideModule`, the loader's documented hook for callers that cannot let it
 * import the glue itself.
 *
 * Under Node (the unit tests) Pyodide's loader takes its Node branch, which reads the
 * glue and the wasm beside `pyodide.mjs` in node_modules rather than through `fetch`;
 * the standard library and the package index still come from the assets.
 */

/** Never fetched: the loader's requests to it are answered from the assets. */
const assetBase = 'https://pyodide-assets.invalid/';

export class MissingAssetError extends Error {
  constructor(readonly assetName: string) {
    super(`The Python runtime's file ${assetName} did not arrive.`);
    this.name = 'MissingAssetError';
  }
}

function assetContent(assets: CheckAssets, name: string): AssetContent {
  const value = assets.get(name);
  if (value === undefined) throw new MissingAssetError(name);
  return value;
}

async function assetText(assets: CheckAssets, name: string): Promise<string> {
  const value = assetContent(assets, name);
  if (typeof value === 'string') return value;
  return value instanceof ArrayBuffer ? new TextDecoder().decode(value) : value.text();
}

/** An asset's bytes: a Blob is read here, once, when the loader asks for it. */
export async function assetBuffer(assets: CheckAssets, name: string): Promise<ArrayBuffer> {
  const value = assetContent(assets, name);
  if (typeof value === 'string') return new TextEncoder().encode(value).buffer;
  return value instanceof ArrayBuffer ? value : value.arrayBuffer();
}

function inNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof process?.versions?.node === 'string';
}

/** The package index with its packages left out: none can be fetched here, and the
 *  loader's hints ("install it with micropip") would only mislead. */
async function emptyLockFile(assets: CheckAssets): Promise<string> {
  const parsed = JSON.parse(await assetText(assets, pythonAssets.lock)) as { info?: unknown };
  return JSON.stringify({ info: parsed.info, packages: {} });
}

/**
 * Starts compiling Pyodide's wasm from its asset at once (streamed from the Blob), so that
 * the compile runs while the glue is imported and the snapshot read, instead of after.
 */
/**
 * The parts of the WebAssembly API used here, typed locally: the tests' type settings
 * (Node's) do not declare the streaming functions.
 */
type WasmModule = object;
interface WasmApi {
  compileStreaming(source: Response): Promise<WasmModule>;
  instantiate(module: WasmModule, imports?: object): Promise<object>;
  instantiateStreaming(
    source: Response | PromiseLike<Response>,
    imports?: object,
  ): Promise<{ module: WasmModule; instance: object }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function compileWasm(assets: CheckAssets): Promise<WasmModule> {
  const wasm = new Response(assetContent(assets, pythonAssets.wasm), {
    headers: { 'Content-Type': 'application/wasm' },
  });
  const compiled = wasmApi.compileStreaming(wasm);
  // A failure is met again where the loader instantiates, which then compiles as before.
  compiled.catch(() => undefined);
  return compiled;
}

/**
 * Runs `load` with a global `fetch` that serves `assetBase` from the assets, and nothing
 * else; with `compiled`, the loader's `instantiateStreaming` instantiates that module
 * rather than compiling the wasm a second time.
 */
async function withAssetFetch<T>(
  assets: CheckAssets,
  load: () => Promise<T>,
  compiled?: Promise<WasmModule>,
): Promise<T> {
  const realFetch = globalThis.fetch;
  const assetFetch = (input: string | URL | Request): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const name = url.startsWith(assetBase) ? url.slice(assetBase.length) : undefined;
    const bytes = name === undefined ? undefined : assets.get(name);
    if (name === undefined || bytes === undefined)
      return Promise.reject(new TypeError(`The Python runtime has no network; it asked for ${url}.`));
    const type = name.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return Promise.resolve(new Response(bytes, { headers: { 'Content-Type': type } }));
  };
  globalThis.fetch = assetFetch;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, called with its object
  const realInstantiate = wasmApi.instantiateStreaming;
  const precompiled = async (source: Response | PromiseLike<Response>, imports?: object) => {
    let module: WasmModule;
    try {
      module = await (compiled as Promise<WasmModule>);
    } catch {
      return realInstantiate.call(wasmApi, source, imports);
    }
    return { module, instance: await wasmApi.instantiate(module, imports) };
  };
  const swap = (value: typeof realInstantiate) =>
    Object.defineProperty(wasmApi, 'instantiateStreaming', { value, writable: true, configurable: true });
  if (compiled) swap(precompiled);
  try {
    return await load();
  } finally {
    globalThis.fetch = realFetch;
    if (compiled) swap(realInstantiate);
  }
}

type CreatePyodideModule = NonNullable<NonNullable<Parameters<typeof loadPyodide>[0]>['createPyodideModule']>;

async function importGlue(assets: CheckAssets): Promise<CreatePyodideModule> {
  // A Blob of the glue is wrapped, not read: the new Blob refers to the same bytes.
  const url = URL.createObjectURL(new Blob([assetContent(assets, pythonAssets.glue)], { type: 'text/javascript' }));
  try {
    const glue = (await import(/* @vite-ignore */ url)) as { default: CreatePyodideModule };
    return glue.default;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export interface StartOptions {
  /** Start so that `makeMemorySnapshot()` can be called (the build's snapshot maker). */
  makeSnapshot?: boolean;
  /** Ignore the snapshot among the assets (the slow start, to compare against). */
  ignoreSnapshot?: boolean;
}

/** How the last {@link startPyodide} started Python: from the build's snapshot or afresh. */
export let startedFrom: 'snapshot' | 'scratch' | undefined;

/**
 * Loads Pyodide from `assets`; rejects with {@link MissingAssetError} when one is absent.
 * With the build's snapshot among the assets, Python's memory is restored from it rather
 * than initialised; a snapshot that does not load falls back to the ordinary start.
 */
export async function startPyodide(assets: CheckAssets, options: StartOptions = {}): Promise<PyodideAPI> {
  for (const name of requiredPythonAssets) assetContent(assets, name);
  // Under Node the loader reads the wasm beside its own module (see above).
  const compiled = inNode() ? undefined : compileWasm(assets);
  const common = {
    stdLibURL: `${assetBase}${pythonAssets.stdlib}`,
    lockFileContents: await emptyLockFile(assets),
    packageBaseUrl: assetBase,
    // Python's own stdin reads nothing: a test that asks for input gets end of file.
    stdin: () => null,
    ...(options.makeSnapshot ? { _makeSnapshot: true } : {}),
  };
  const useSnapshot = !options.ignoreSnapshot && !options.makeSnapshot;
  const snapshot = useSnapshot ? assets.get(pythonAssets.snapshot) : undefined;
  const load = async (extra: object): Promise<PyodideAPI> => {
    if (inNode()) return withAssetFetch(assets, () => loadPyodide({ ...common, ...extra }));
    const createPyodideModule = await importGlue(assets);
    return withAssetFetch(
      assets,
      () => loadPyodide({ ...common, ...extra, indexURL: assetBase, createPyodideModule }),
      compiled,
    );
  };
  if (snapshot !== undefined && typeof snapshot !== 'string') {
    try {
      // Read while the glue is imported and the wasm compiled: the loader awaits it last.
      const pyodide = await load({ _loadSnapshot: assetBuffer(assets, pythonAssets.snapshot) });
      startedFrom = 'snapshot';
      return pyodide;
    } catch {
      // A snapshot of another build or interpreter: start the ordinary way below.
    }
  }
  const pyodide = await load({});
  startedFrom = 'scratch';
  return pyodide;
}
