/**
 * What the parts of a run need of the project's runner (`runner.ts`): its dependencies,
 * the project's state, appending to its log, pausing, reporting. The runner makes one
 * `RunContext` and hands it to the parts it calls — the start (`run-start.ts`), the end
 * (`run-end.ts`), recovery (`recovery.ts`) and what an attempt's outcome becomes
 * (`task-outcome.ts`) — so none of them holds the runner, and each reads alone.
 */
import type { ChecksService } from '../checks/checks-service.ts';
import type { EventDraft } from '../events/catalog.ts';
import type { ProjectState } from '../events/projections/project-state.ts';
import type { PauseKind } from '../events/projections/rows.ts';
import type { Actor } from '../events/schemas/common.ts';
import type { BlobText, EventLog } from '../events/store/contract.ts';
import type { ProviderAdapter } from '../providers/contract/provider-adapter.ts';
import type { ProviderReady } from '../providers/contract/provider-service-api.ts';
import type { ResilienceObserver } from '../providers/resilience/resilience-records.ts';
import type { RunLimits } from './limits.ts';
import type { ModelChooser } from './model-choice.ts';
import type { OutputBus } from './output-bus.ts';

export interface RunnerDeps {
  store: EventLog;
  bus: OutputBus;
  chooser: ModelChooser;
  limits: RunLimits;
  /** Providers that can take calls now. */
  readiness(): Promise<ProviderReady[]>;
  /** The resilient adapter of a provider; `observer` hears this call's retries. */
  adapter(provider: ProviderReady['provider'], observer?: ResilienceObserver): Promise<ProviderAdapter>;
  /** The Template provider (no AI). */
  template(): ProviderAdapter;
  /** Runs the project's own tests in the page's sandbox; absent where no page is (Node tests). */
  checks?: ChecksService | undefined;
  /** The time limit of a test run, from the device's settings. */
  checkTimeoutMs?: (() => Promise<number>) | undefined;
}

export interface RunContext {
  readonly projectId: string;
  readonly deps: RunnerDeps;
  /** The project's state as the log folds it now. */
  state(): Promise<ProjectState>;
  append(events: EventDraft[], blobs?: BlobText[]): Promise<unknown>;
  /** Pauses a running run with a sentence (`also` is appended with the pause, atomically). */
  pause(kind: PauseKind, reason: string, also?: EventDraft[]): Promise<void>;
  /** Records something unexpected, and pauses the run instead of letting it spin. */
  report(error: unknown, taskId?: string): Promise<void>;
  /** Whether the run's loop is held (closed, halted, an emergency stop being written): nothing may start. */
  held?(): boolean;
}

/** The orchestrator as the author of the events it writes on its own. */
export const system: Actor = { kind: 'system', component: 'orchestrator' };
