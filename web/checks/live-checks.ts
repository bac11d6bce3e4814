import { type Accessor, type Setter, createSignal } from 'solid-js';
import type {
  CheckCase,
  CheckExecutor,
  CheckProgress,
  CheckReport,
  CheckRequest,
  CheckRuntimeName,
} from '../../worker/api.ts';
import { lendCheckExecutor } from '../worker-client.ts';
import type { SandboxRun } from './sandbox-host.ts';

/**
 * What this page is running for the engine right now, per project, for the Checks panel:
 * the phase, the test file under way, and the cases reported so far. Only the page that
 * runs the tests sees this; every tab sees the recorded result.
 */
export interface LiveCheck {
  phase: 'loading' | 'installing' | 'running';
  detail: string | null;
  file: string | null;
  fileIndex: number;
  fileTotal: number;
  cases: CheckCase[];
  output: string;
}

const outputCap = 64 * 1024;
const live = new Map<string, [Accessor<LiveCheck | null>, Setter<LiveCheck | null>]>();

function signalOf(projectId: string) {
  const known = live.get(projectId);
  if (known) return known;
  const [read, write] = createSignal<LiveCheck | null>(null, { equals: false });
  const made: [typeof read, typeof write] = [read, write];
  live.set(projectId, made);
  return made;
}

/** The live state of a project's test run in this page; null when none runs here. */
export function liveCheck(projectId: string): Accessor<LiveCheck | null> {
  return signalOf(projectId)[0];
}

function apply(current: LiveCheck, progress: CheckProgress): LiveCheck {
  switch (progress.type) {
    case 'phase':
      return { ...current, phase: progress.phase, detail: progress.detail ?? null };
    case 'file-start':
      return {
        ...current,
        phase: 'running',
        file: progress.file,
        fileIndex: progress.index,
        fileTotal: progress.total,
      };
    case 'case':
      current.cases.push(progress.case);
      return current;
    case 'output':
      return current.output.length >= outputCap
        ? current
        : { ...current, output: (current.output + progress.text).slice(0, outputCap) };
    default:
      return current;
  }
}

/** Lends the engine the sandbox; call once when the app starts. */
export function lendSandboxToEngine(): void {
  const runs = new Map<string, SandboxRun>();
  // Stop may come while the host is still loading: the run stops as soon as it exists.
  const stopAsked = new Set<string>();
  const executor: CheckExecutor = {
    async run(projectId: string, request: CheckRequest): Promise<CheckReport> {
      const [, set] = signalOf(projectId);
      set({ phase: 'loading', detail: null, file: null, fileIndex: 0, fileTotal: 0, cases: [], output: '' });
      // The host and its frame load only when a project's tests first run.
      const { runInSandbox } = await import('./sandbox-host.ts');
      const run = runInSandbox(request, (progress) => set((current) => (current ? apply(current, progress) : current)));
      runs.set(projectId, run);
      if (stopAsked.delete(projectId)) run.stop();
      try {
        return await run.report;
      } finally {
        runs.delete(projectId);
        set(null);
      }
    },
    async prepare(runtime: CheckRuntimeName) {
      const { prepareRuntime } = await import('./sandbox-host.ts');
      await prepareRuntime(runtime);
    },
    installing(projectId: string, detail: string | null) {
      const [, set] = signalOf(projectId);
      if (detail === null) set((current) => (current?.phase === 'installing' ? null : current));
      else set({ phase: 'installing', detail, file: null, fileIndex: 0, fileTotal: 0, cases: [], output: '' });
    },
    stop(projectId: string) {
      const run = runs.get(projectId);
      if (run) run.stop();
      else stopAsked.add(projectId);
    },
  };
  lendCheckExecutor(executor);
}
