import type { ProviderAdapter } from '../providers/contract/provider-adapter.ts';
import type { ProviderReady, ProviderServiceApi } from '../providers/contract/provider-service-api.ts';
import type { BreakerChange, ResilienceObserver } from '../providers/resilience/resilience-records.ts';
import { createTemplateAdapter } from '../providers/template/template-adapter.ts';
import { type RunLimits, defaultLimits } from './limits.ts';
import { ModelChooser, type PreferredRecord } from './model-choice.ts';
import { OutputBus, type OutputMessage } from './output-bus.ts';
import { ProjectRunner } from './runner.ts';
import { ChecksService } from '../checks/checks-service.ts';
import type { PriceBook } from '../settings/price-book.ts';
import type { OrchestratorDeps } from './orchestrator-deps.ts';

export interface OrchestratorOptions {
  /** The provider service, loaded on first use (its own chunk). */
  providers?: (() => Promise<ProviderServiceApi>) | undefined;
  limits?: Partial<RunLimits>;
  random?: () => number;
  /** Pause between the Template provider's streamed pieces, so its output streams visibly. */
  templateDelayMs?: number;
  /** Shared with the other tabs' engines: live output reaches their watchers too. */
  outputChannel?: BroadcastChannel | undefined;
  /** The time limit of a test run (the device's setting). Default 60 s. */
  checkTimeoutMs?: (() => Promise<number>) | undefined;
}

/**
 * The runners of the projects this tab writes. A runner is made when a project is opened
 * here as its writer (or this tab becomes the writer), and it first recovers whatever the
 * log says was running: so a reload, a crash or a closed tab loses nothing.
 */
export class Orchestrator {
  readonly bus: OutputBus;
  readonly chooser: ModelChooser;
  readonly limits: RunLimits;
  /** Runs projects' own tests in the page's sandbox, once the page lends it the means. */
  readonly checks: ChecksService;
  private readonly runners = new Map<string, ProjectRunner>();
  /** Runners still recovering: registered in `runners` only once their recovery is written. */
  private readonly recovering = new Map<string, Promise<ProjectRunner>>();

  /**
   * @example new Orchestrator(orchestratorDepsOf(engine), { providers }) // the app's, over IndexedDB
   */
  constructor(
    private readonly deps: OrchestratorDeps,
    private readonly options: OrchestratorOptions = {},
  ) {
    this.limits = { ...defaultLimits, ...options.limits };
    const channel = options.outputChannel;
    this.bus = new OutputBus(50, channel ? { post: (message) => channel.postMessage(message) } : undefined);
    channel?.addEventListener('message', (event: MessageEvent<OutputMessage>) => {
      if (event.data?.kind === 'output') this.bus.receive(event.data.projectId, event.data.updates);
    });
    this.chooser = new ModelChooser(options.random ? { random: options.random } : {});
    this.checks = new ChecksService(deps.store);
    // A write refused for quota stops the project's run at once, in memory: the log
    // cannot take the pause, and every call that goes on would be paid for and lost.
    deps.notices.listen((projectId, notice) => {
      if (notice?.kind === 'storage-full') this.runners.get(projectId)?.halt();
    });
  }

  /** Providers that can take calls now; none at all means the Template provider. */
  async readiness(): Promise<ProviderReady[]> {
    if (!this.options.providers) return [];
    try {
      return await (await this.options.providers()).readiness();
    } catch {
      return [];
    }
  }

  private async adapter(provider: ProviderReady['provider'], observer?: ResilienceObserver): Promise<ProviderAdapter> {
    if (!this.options.providers) throw new Error('Model providers are not available in this build of the engine.');
    return (await this.options.providers()).adapter(provider, observer);
  }

  /**
   * A provider's circuit breaker changed state: every project this tab is running hears
   * of it, in its feed. Best effort: a project that cannot be written now misses the line.
   */
  onBreakerChange(record: BreakerChange): void {
    for (const [projectId, runner] of this.runners) {
      if (!runner.active) continue;
      void this.deps.store
        .append(projectId, [
          { type: 'breaker-change', actor: { kind: 'system', component: 'providers' }, payload: record },
        ])
        .catch(() => undefined);
    }
  }

  private routerLoaded: Promise<void> | undefined;
  private pricesLoaded: Promise<PriceBook> | undefined;
  private pricesReloaded: Promise<unknown> = Promise.resolve();

  /**
   * The device's prices (`settings/price-book.ts`), folded once from its own settings
   * events: the book the router's estimates and every reservation read.
   */
  loadPrices(): Promise<PriceBook> {
    this.pricesLoaded ??= this.deps.priceEdits().then(
      (edits) => {
        this.chooser.prices.replace(edits);
        return this.chooser.prices;
      },
      (error: unknown) => {
        this.pricesLoaded = undefined;
        throw error;
      },
    );
    return this.pricesLoaded;
  }

  /** Another tab edited a price: folded again from storage, one reload after another. */
  reloadPrices(): Promise<unknown> {
    this.pricesReloaded = this.pricesReloaded
      .catch(() => undefined)
      .then(() => this.deps.priceEdits())
      .then((edits) => this.chooser.prices.replace(edits));
    return this.pricesReloaded;
  }

  /**
   * What the router learned on this device, rebuilt once from the log: the `route-record`
   * events of the projects made here, folded in the order they were made. An imported
   * project's records stay with it, unless the person chose at import to learn from them,
   * and then only as evidence of quality and latency (`ModelChooser.learnEvidence`).
   */
  loadRouter(): Promise<void> {
    this.routerLoaded ??= Promise.all([this.deps.routeRecords(), this.deps.importedProjects(), this.loadPrices()]).then(
      ([events, imported]) => {
        const own: PreferredRecord[] = [];
        const evidence: PreferredRecord[] = [];
        for (const event of events) {
          const mark = imported.get(event.projectId);
          if (mark === undefined) own.push(event.payload);
          else if (mark.learnRouting) evidence.push(event.payload);
        }
        this.chooser.load(own);
        this.chooser.learnEvidence(evidence);
      },
    );
    return this.routerLoaded;
  }

  /**
   * This tab's runner of a project, made and recovered on first use; only for the writer.
   * It is registered once its recovery is written: a recovery that fails (a stale state,
   * a full disk) leaves no runner behind, and the next call recovers afresh.
   */
  async runner(projectId: string): Promise<ProjectRunner> {
    await this.loadRouter();
    const ready = this.runners.get(projectId);
    if (ready) return ready;
    let pending = this.recovering.get(projectId);
    if (!pending) {
      pending = this.recover(projectId).finally(() => this.recovering.delete(projectId));
      this.recovering.set(projectId, pending);
    }
    return pending;
  }

  private async recover(projectId: string): Promise<ProjectRunner> {
    const runner = new ProjectRunner(projectId, {
      store: this.deps.store,
      bus: this.bus,
      chooser: this.chooser,
      limits: this.limits,
      readiness: () => this.readiness(),
      adapter: (provider, observer) => this.adapter(provider, observer),
      template: () => createTemplateAdapter({ chunkChars: 96, delayMs: this.options.templateDelayMs ?? 12 }),
      checks: this.checks,
      checkTimeoutMs: this.options.checkTimeoutMs,
    });
    await runner.recover();
    this.runners.set(projectId, runner);
    return runner;
  }

  /**
   * Called when this tab becomes a project's writer: what was running goes on. A take-over
   * (`takeOver`: this tab watched the project before) is a recovery from the log, never
   * from a cache: the state this tab kept while it watched may lack the last commit of
   * the tab before (its broadcast can be lost as that tab closes), so it is reloaded from
   * the database first. A first attach of a tab that got the lock at once is checked
   * too: the state it loaded before claiming may lack a commit of a writer that closed
   * in between, and a recovery on it would be refused (and only tried again 0.5 s later).
   */
  async attach(projectId: string, options: { takeOver?: boolean } = {}): Promise<void> {
    const fresh = !this.runners.has(projectId) && !this.recovering.has(projectId);
    const { store } = this.deps;
    if (fresh && options.takeOver) store.invalidate(projectId);
    else if (fresh) {
      const head = await store.headSeq(projectId);
      // Behind the log: another tab committed since this one loaded (its own appends in flight are not behind).
      if ((await store.saved(projectId)).lastSeq < head) store.invalidate(projectId);
    }
    await this.runner(projectId);
  }

  /**
   * Stops a project's runner before the project is deleted: its calls are aborted and
   * whatever they still write is written first, so nothing lands after the delete.
   */
  async detach(projectId: string): Promise<void> {
    const runner = this.runners.get(projectId);
    this.runners.delete(projectId);
    await runner?.close();
  }

  /** The Project Manager answers a message in the background; its reply is an event. */
  async answer(projectId: string, messageId: string): Promise<void> {
    await (await this.runner(projectId)).answer(messageId);
  }
}
