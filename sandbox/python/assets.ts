/**
 * The files the Python runtime needs besides its code, by the names the build serves
 * them under (`/sandbox/python/<name>`, listed in `/sandbox/python/assets.json`) and the
 * page hands them to the runtime (the keys of its `CheckAssets`).
 */
export const pythonAssets = {
  /** Pyodide's Emscripten glue, an ES module the runtime imports from a blob: URL. */
  glue: 'pyodide.asm.mjs',
  wasm: 'pyodide.asm.wasm',
  stdlib: 'python_stdlib.zip',
  /** Pyodide's package index; only its `info` is used (no packages can be fetched here). */
  lock: 'pyodide-lock.json',
  /** pytest and what it imports, pure Python, unpacked into site-packages when present. */
  pytest: 'pytest.zip',
  /**
   * Python's memory right after start-up, made at build time (`server/build/python-assets.ts`):
   * starting from it skips the interpreter's initialisation (seconds). Optional: without
   * it, or when it does not fit the interpreter, Python starts the slow way.
   */
  snapshot: 'python-snapshot.bin',
} as const;

/**
 * Standard-library modules imported before the snapshot is taken, so that a run finds
 * them loaded: what the harness (`harness.py`) imports.
 */
export const snapshotModules = [
  'ast',
  'builtins',
  'importlib',
  'io',
  'json',
  'os',
  'sys',
  'time',
  'traceback',
  'types',
  'unittest',
];

/** The files without which Python cannot start (pytest is optional: see README). */
export const requiredPythonAssets = [pythonAssets.glue, pythonAssets.wasm, pythonAssets.stdlib, pythonAssets.lock];
