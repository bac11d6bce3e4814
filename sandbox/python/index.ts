import type { PyodideAPI } from 'pyodide';
import type {
  CheckAssets,
  CheckCase,
  CheckCounts,
  CheckFileResult,
  CheckProgress,
  CheckReport,
  CheckRequest,
  CheckRuntimeModule,
} from '../../worker/checks/contract.ts';
import { pythonAssets } from './assets.ts';
import { closeDoors } from './doors.ts';
import harnessSource from './harness.py?raw';
import { MissingAssetError, assetBuffer, startPyodide } from './load.ts';
import { capWasmMemory, outOfMemoryReason } from './memory.ts';
import { OutputSink } from './output.ts';
import { readCase, readFileResult, readPhase } from './read.ts';

/**
 * The Python runtime: runs a project's `unittest` or pytest suite in Pyodide.
 *
 * Pyodide is loaded once per worker (seconds) and kept: each run resets what the last
 * one left (the project's files and modules, `sys.path`, the environment, builtins) in
 * `harness.py`, which does the Python side and speaks JSON to this file.
 */

interface Python {
  pyodide: PyodideAPI;
  harness: { run(config: string, emit: (json: string) => void): string };
  hasPytest: boolean;
  sink: OutputSink | undefined;
}

let python: Promise<Python> | undefined;
/** Where pytest's archive goes: under /lib, whose modules a run's reset keeps loaded. */
const pytestArchive = '/lib/orchestra-pytest.zip';
/** The bound on Python's heap, installed before Pyodide's memory exists. */
const memory = capWasmMemory();

async function startPython(assets: CheckAssets): Promise<Python> {
  const pyodide = await startPyodide(assets);
  const state: Python = { pyodide, harness: undefined as never, hasPytest: false, sink: undefined };
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  for (const stream of ['stdout', 'stderr'] as const) {
    const write = (buffer: Uint8Array): number => {
      state.sink?.write(stream, decoder[stream].decode(buffer, { stream: true }));
      return buffer.length;
    };
    if (stream === 'stdout') pyodide.setStdout({ write });
    else pyodide.setStderr({ write });
  }
  const sitePackages = pyodide.runPython('import site; site.getsitepackages()[0]') as string;
  // (Pyodide types its FS with Emscripten's types, which this project does not load.)
  const fs = pyodide.FS as unknown as { writeFile(path: string, data: string | Uint8Array): void };
  const pytest = assets.get(pythonAssets.pytest);
  if (pytest !== undefined && typeof pytest !== 'string') {
    // Imported from the archive itself (zipimport), not unpacked: unpacking its 148 files
    // was a tenth of a cold start, paid by unittest suites too, which never import it.
    fs.writeFile(pytestArchive, new Uint8Array(await assetBuffer(assets, pythonAssets.pytest)));
    pyodide.runPython(`import sys; sys.path.append(${JSON.stringify(pytestArchive)})`);
    state.hasPytest = true;
  }
  fs.writeFile(`${sitePackages}/_orchestra_harness.py`, harnessSource);
  state.harness = pyodide.pyimport('_orchestra_harness') as Python['harness'];
  // From here on only the project's code runs in this worker: it gets no network,
  // storage or way to message the frame (the reply channel was taken before).
  closeDoors();
  return state;
}

function countsOf(cases: readonly CheckCase[]): CheckCounts {
  const counts: CheckCounts = { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 };
  for (const one of cases) counts[one.status] += 1;
  return counts;
}

function notRunnable(reason: string, startedAt: number, output = '', command = 'python -m unittest'): CheckReport {
  return {
    runtime: 'python',
    outcome: 'not-runnable',
    reason,
    files: [],
    cases: [],
    counts: countsOf([]),
    output,
    durationMs: performance.now() - startedAt,
    command,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function run(
  request: CheckRequest,
  assets: CheckAssets,
  emit: (progress: CheckProgress) => void,
): Promise<CheckReport> {
  const startedAt = performance.now();
  emit({ type: 'phase', phase: 'loading', detail: 'Starting Python (Pyodide)' });
  let state: Python;
  try {
    state = await (python ??= startPython(assets));
  } catch (error) {
    python = undefined;
    if (error instanceof MissingAssetError) return notRunnable(error.message, startedAt);
    return { ...notRunnable(`Python could not start: ${messageOf(error)}`, startedAt), outcome: 'crashed' };
  }

  const sink = new OutputSink(emit);
  state.sink = sink;
  memory.reset();
  const cases: CheckCase[] = [];
  let raw: unknown;
  try {
    const config = JSON.stringify({
      files: request.files.map((file) => ({ path: file.path, content: file.content })),
      testFiles: request.testFiles ?? null,
      hasPytest: state.hasPytest,
    });
    const reportJson = state.harness.run(config, (json: string) => {
      const message = JSON.parse(json) as unknown;
      const progress = readProgress(message);
      if (progress === undefined) return;
      sink.flush();
      if (progress.type === 'case') cases.push(progress.case);
      emit(progress);
    });
    raw = JSON.parse(reportJson) as unknown;
  } catch (error) {
    sink.flush();
    state.sink = undefined;
    return {
      runtime: 'python',
      outcome: memory.exceeded ? 'out-of-memory' : 'crashed',
      reason: memory.exceeded
        ? outOfMemoryReason(memory)
        : `The Python runner failed: ${messageOf(error).slice(-2000)}`,
      files: [],
      cases,
      counts: countsOf(cases),
      output: sink.text(),
      durationMs: performance.now() - startedAt,
      command: 'python -m unittest',
    };
  }
  sink.flush();
  state.sink = undefined;
  const report = reportOf(raw, cases, sink.text(), performance.now() - startedAt);
  // A refused allocation is a MemoryError in one test; the run as a whole ran out of memory.
  if (memory.exceeded) return { ...report, outcome: 'out-of-memory', reason: outOfMemoryReason(memory) };
  return report;
}

function readProgress(message: unknown): CheckProgress | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const value = message as { type?: unknown; case?: unknown; result?: unknown; file?: unknown };
  switch (value.type) {
    case 'case': {
      const one = readCase(value.case);
      return one && { type: 'case', case: one };
    }
    case 'file-start': {
      const start = message as { file?: unknown; index?: unknown; total?: unknown };
      if (typeof start.file !== 'string' || typeof start.index !== 'number' || typeof start.total !== 'number')
        return undefined;
      return { type: 'file-start', file: start.file, index: start.index, total: start.total };
    }
    case 'file-end': {
      const result = readFileResult(value.result);
      return result && { type: 'file-end', result };
    }
    case 'phase':
      return readPhase(message);
    default:
      return undefined;
  }
}

const outcomes = new Set(['completed', 'not-runnable', 'crashed'] as const);

function reportOf(raw: unknown, cases: CheckCase[], output: string, durationMs: number): CheckReport {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    outcome?: unknown;
    reason?: unknown;
    files?: unknown;
    command?: unknown;
  };
  const outcome = outcomes.has(value.outcome as 'completed') ? (value.outcome as 'completed') : 'crashed';
  const files: CheckFileResult[] = [];
  if (Array.isArray(value.files))
    for (const entry of value.files as unknown[]) {
      const result = readFileResult(entry);
      if (result) files.push(result);
    }
  const report: CheckReport = {
    runtime: 'python',
    outcome,
    files,
    cases,
    counts: countsOf(cases),
    output,
    durationMs,
    command: typeof value.command === 'string' ? value.command : 'python -m unittest',
  };
  if (typeof value.reason === 'string') report.reason = value.reason;
  else if (outcome !== 'completed') report.reason = 'The Python runner ended without saying why.';
  return report;
}

/** Starts Python before the run is asked for (see `CheckRuntimeModule.prepare`). */
async function prepare(assets: CheckAssets): Promise<void> {
  try {
    await (python ??= startPython(assets));
  } catch (error) {
    // `run` starts again and reports why it could not.
    python = undefined;
    throw error;
  }
}

const python_: CheckRuntimeModule = { name: 'python', run, prepare };
export default python_;
