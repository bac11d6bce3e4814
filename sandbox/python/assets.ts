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
} as const;

/** The files without which Python cannot start (pytest is optional: see README). */
export const requiredPythonAssets = [pythonAssets.glue, pythonAssets.wasm, pythonAssets.stdlib, pythonAssets.lock];
