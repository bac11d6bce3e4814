/**
 * Runs a project's `node:test` suite: reads how the project runs its tests, finds the test
 * files, runs each in a fresh {@link FileContext} one after another, and reports every
 * case as it ends. Never throws for a problem of the project: it reports it.
 */
import type {
  CheckCase,
  CheckCounts,
  CheckFileResult,
  CheckProgress,
  CheckReport,
  CheckRequest,
} from '../../worker/checks/contract.ts';
import { testCommand } from './command.ts';
import { FileContext } from './context.ts';
import { discoverTestFiles } from './discover.ts';
import { hostFetch, hostNow, inWorker } from './host.ts';
import { hideGlobal, lockDownGlobal } from './lockdown.ts';
import { type BufferMemoryCap, capBufferMemory, outOfMemoryReason } from './memory.ts';
import { OutputSink } from './output.ts';
import posix from './path.ts';
import { projectRoot, Vfs } from './vfs.ts';

void hostFetch;

const errorConstructor = Error as unknown as { stackTraceLimit: number };

function emptyCounts(): CheckCounts {
  return { pass: 0, fail: 0, error: 0, skip: 0, todo: 0 };
}

function missingReason(missing: Set<string>): string {
  const packages = [...missing].filter((name) => !name.startsWith('node:'));
  const builtins = [...missing].filter((name) => name.startsWith('node:'));
  const parts: string[] = [];
  if (packages.length > 0) {
    parts.push(
      `the npm package${packages.length === 1 ? '' : 's'} ${packages.map((name) => `'${name}'`).join(', ')}, which ${packages.length === 1 ? 'is' : 'are'} not installed in the sandbox`,
    );
  }
  if (builtins.length > 0) parts.push(`${builtins.join(', ')}, which the sandbox does not have`);
  return `The tests need ${parts.join(', and ')}.`;
}

/** The worker's memory bound, installed before the first project file loads (one run per worker). */
let memory: BufferMemoryCap | undefined;

/** Runs the request's suite; see the module comment. */
export async function runChecks(request: CheckRequest, emit: (progress: CheckProgress) => void): Promise<CheckReport> {
  const started = hostNow();
  const deadline = started + Math.max(1000, (request.timeoutMs > 0 ? request.timeoutMs : 60_000) - 500);
  const output = new OutputSink(emit);
  const cases: CheckCase[] = [];
  const files: CheckFileResult[] = [];
  const counts = emptyCounts();
  let command = 'node --test';
  const report = (asked: CheckReport['outcome'], said?: string): CheckReport => {
    output.flush();
    // A refused allocation fails one test; the run as a whole ran out of memory.
    const outcome = memory?.exceeded ? 'out-of-memory' : asked;
    const reason = memory?.exceeded ? outOfMemoryReason(memory) : said;
    return {
      runtime: 'node',
      outcome,
      ...(reason === undefined ? {} : { reason }),
      files,
      cases,
      counts,
      output: output.text(),
      durationMs: hostNow() - started,
      command,
    };
  };
  const previousLimit = errorConstructor.stackTraceLimit;
  let current: FileContext | undefined;
  const onRejection = (event: PromiseRejectionEvent) => {
    if (!current) return;
    event.preventDefault();
    current.unhandledRejection(event.reason);
  };
  try {
    if (inWorker) {
      lockDownGlobal(globalThis);
      hideGlobal(globalThis, 'fetch');
      memory ??= capBufferMemory();
      globalThis.addEventListener('unhandledrejection', onRejection);
    }
    errorConstructor.stackTraceLimit = 50;
    emit({ type: 'phase', phase: 'loading' });
    const vfs = new Vfs(request.files);
    const plan = testCommand(vfs);
    command = plan.command;
    if (plan.blockedBy) {
      return report(
        'not-runnable',
        `The test script runs ${plan.blockedBy}, which is not installed in the sandbox: it runs node:test suites (node --test).`,
      );
    }
    const testFiles = request.testFiles
      ? request.testFiles
          .map((path) => posix.normalize(path).replace(/^\.\//, ''))
          .filter((path) => vfs.get(posix.join(projectRoot, path))?.kind === 'file')
      : discoverTestFiles(vfs, plan.args);
    if (testFiles.length === 0) {
      return report(
        'not-runnable',
        request.testFiles
          ? 'None of the requested test files is in the project.'
          : 'No test files found: node --test looks for *.test.js, *-test.js, *_test.js, test-*.js and files under test/ (and their .mjs, .cjs and .ts forms).',
      );
    }
    emit({ type: 'phase', phase: 'running' });
    const missing = new Set<string>();
    let timedOut = false;
    for (const [index, file] of testFiles.entries()) {
      if (hostNow() >= deadline) {
        timedOut = true;
        break;
      }
      emit({ type: 'file-start', file, index, total: testFiles.length });
      const context = new FileContext({
        vfs,
        entry: posix.join(projectRoot, file),
        output,
        installGlobals: inWorker,
        deadline,
        onCase: (result) => {
          cases.push(result);
          counts[result.status] += 1;
          emit({ type: 'case', case: result });
        },
      });
      current = context;
      const outcome = await context.run();
      current = undefined;
      for (const name of outcome.missing) missing.add(name);
      files.push(outcome.result);
      output.flush();
      emit({ type: 'file-end', result: outcome.result });
      if (outcome.timedOut) {
        timedOut = true;
        break;
      }
    }
    if (missing.size > 0) return report('not-runnable', missingReason(missing));
    if (timedOut) {
      const seconds = Math.round((request.timeoutMs > 0 ? request.timeoutMs : 60_000) / 1000);
      return report('timed-out', `Stopped after ${seconds} s: the run reached its time limit.`);
    }
    return report('completed');
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return report('crashed', `The JavaScript runtime failed: ${message}`);
  } finally {
    errorConstructor.stackTraceLimit = previousLimit;
    if (inWorker) globalThis.removeEventListener('unhandledrejection', onRejection);
  }
}
