import { A } from '@solidjs/router';
import { For, Show, createResource } from 'solid-js';
import type { ModelPriceRow, ModelRecord, RouterReport } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { ViewFrame } from '../../components/view-frame.tsx';
import { EstimatedNote } from '../../components/estimated-note.tsx';
import { formatPerMillion, formatUsd } from '../../format/money.ts';
import { callEngine } from '../../worker-client.ts';
import { describeSpend, qualityGrid, spendOverTime } from './chart-data.ts';
import { QualityChart, SpendChart } from './charts.tsx';

const percent = (value: number) => `${Math.round(value * 100)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A trend in words as well as sign (colour is never the only signal), with the outcomes
 * it rests on: a change smaller than the noise of that many outcomes is not a trend.
 */
function trendOf(model: ModelRecord): string {
  const over = `${model.trendEvidence} outcomes`;
  if (model.trendEvidence < 10) return `too few outcomes yet (${over})`;
  if (!model.trendSignificant) return `steady (${over})`;
  return model.trend > 0
    ? `improving (+${percent(model.trend)} over ${over})`
    : `worse lately (${percent(model.trend)} over ${over})`;
}

/** A sentence of the quality chart's marks, for people who do not see it. */
function describeQuality(grid: ReturnType<typeof qualityGrid>): string {
  const parts: string[] = [];
  for (const model of grid.models)
    grid.taskTypes.forEach((type, i) => {
      const quality = model.quality[i];
      if (quality !== null && quality !== undefined)
        parts.push(`${model.label} on ${type} ${percent(quality)} over ${model.counts[i] ?? 0}`);
    });
  return `Mean quality: ${parts.join(', ')}.`;
}

function Charts(props: { report: RouterReport }) {
  const byModel = () => spendOverTime(props.report.history, 'armId');
  const byType = () => spendOverTime(props.report.history, 'taskType');
  const grid = () => qualityGrid(props.report.history);
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">Spend and quality</h2>
      <Show
        when={props.report.history.length > 0}
        fallback={<p class="hint">Charts appear once models have done some tasks.</p>}
      >
        <div class="chart-grid">
          <SpendChart
            series={byModel()}
            title="Spend per model"
            description={describeSpend(byModel(), 'model')}
            testId="router-chart-model-spend"
          />
          <SpendChart
            series={byType()}
            title="Spend per kind of task"
            description={describeSpend(byType(), 'kind of task')}
            testId="router-chart-type-spend"
          />
          <QualityChart grid={grid()} description={describeQuality(grid())} testId="router-chart-quality" />
        </div>
      </Show>
    </section>
  );
}

/** What each model's calls are reserved and charged at now: the person's price, or the shipped one. */
function PricesTable() {
  const [prices] = createResource(async (): Promise<ModelPriceRow[]> => {
    const result = await callEngine('getPrices');
    if (!result.ok) throw new Error(result.message);
    return result.value;
  });
  return (
    <section aria-labelledby="prices-title">
      <h2 id="prices-title">Prices</h2>
      <p class="hint">
        US dollars per million tokens: what calls starting now are reserved and charged at. Change them in{' '}
        <A href="/settings">Settings › Model prices</A>.
      </p>
      <Problem message={prices.error instanceof Error ? prices.error.message : undefined} />
      <Show when={prices()}>
        {(rows) => (
          <div class="table-scroll">
            <table class="data-table" data-testid="router-prices">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Input</th>
                  <th scope="col">Output</th>
                  <th scope="col">Cached input</th>
                  <th scope="col">Cache write</th>
                  <th scope="col">Price</th>
                </tr>
              </thead>
              <tbody>
                <For each={rows()}>
                  {(row) => (
                    <tr data-model={row.model}>
                      <th scope="row">{row.label}</th>
                      <td>{formatPerMillion(row.prices.input)}</td>
                      <td>{formatPerMillion(row.prices.output)}</td>
                      <td>{formatPerMillion(row.prices.cachedInput)}</td>
                      <td>{formatPerMillion(row.prices.cacheWrite)}</td>
                      <td>{row.editedAt === undefined ? 'shipped' : 'yours'}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

export default function RouterView() {
  const [report] = createResource(async (): Promise<RouterReport> => {
    const result = await callEngine('getRouterReport');
    if (!result.ok) throw new Error(result.message);
    return result.value;
  });
  return (
    <ViewFrame
      title="Router & costs"
      intro="Which model each kind of task went to and how it did, where a cheaper model does as well, and what every project has cost."
    >
      <Problem message={report.error instanceof Error ? report.error.message : undefined} />
      <Show when={report()}>
        {(value) => (
          <div class="stack">
            <section aria-labelledby="models-title">
              <h2 id="models-title">Models by kind of task</h2>
              <Show
                when={value().models.length > 0}
                fallback={
                  <Show
                    when={value().projects.some((project) => project.tasks > 0)}
                    fallback={
                      <p class="empty-state" data-testid="router-empty">
                        No model has done a task on this device yet: <A href="/new">describe a project</A> and start it.
                      </p>
                    }
                  >
                    <p class="empty-state" data-testid="router-empty">
                      No model has done a task yet: the runs so far were built by the Template provider (no AI), which
                      needs no routing. <A href="/settings">Add a model key in Settings</A>, and this table will show
                      which model did each kind of task, how well, and at what cost.
                    </p>
                  </Show>
                }
              >
                <div class="table-scroll">
                  <table class="data-table" data-testid="router-models">
                    <thead>
                      <tr>
                        <th scope="col">Task</th>
                        <th scope="col">Model</th>
                        <th scope="col">Outcomes</th>
                        <th scope="col">Good enough</th>
                        <th scope="col">Mean quality</th>
                        <th scope="col">Cost per task</th>
                        <th scope="col">Time</th>
                        <th scope="col">Trend</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={value().models}>
                        {(model) => (
                          <tr>
                            <td>{model.taskType}</td>
                            <td>{model.armId}</td>
                            <td>{model.count}</td>
                            <td>{percent(model.successRate)}</td>
                            <td>{percent(model.meanQuality)}</td>
                            <td>{formatUsd(model.meanCostUsd)}</td>
                            <td>{seconds(model.meanLatencyMs)}</td>
                            <td>{trendOf(model)}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </section>
            <Charts report={value()} />
            <section aria-labelledby="opportunities-title">
              <h2 id="opportunities-title">Opportunities</h2>
              <Show
                when={value().opportunities.length > 0}
                fallback={<p class="hint">None yet: they appear once models have a few outcomes on the same tasks.</p>}
              >
                <ul data-testid="router-opportunities">
                  <For each={value().opportunities}>{(sentence) => <li>{sentence}</li>}</For>
                </ul>
              </Show>
            </section>
            <section aria-labelledby="costs-title">
              <h2 id="costs-title">What each project cost</h2>
              <Show when={value().projects.length > 0} fallback={<p class="hint">No projects yet.</p>}>
                <div class="table-scroll">
                  <table class="data-table" data-testid="router-costs">
                    <thead>
                      <tr>
                        <th scope="col">Project</th>
                        <th scope="col">Spent</th>
                        <th scope="col">Cached input</th>
                        <th scope="col">Saved by caching</th>
                        <th scope="col">Budget</th>
                        <th scope="col">Tasks</th>
                        <th scope="col">Run</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={value().projects}>
                        {(project) => (
                          <tr>
                            <td>
                              <A href={`/run?project=${project.id}`}>{project.name}</A>
                            </td>
                            <td>
                              {formatUsd(project.spentUsd)}
                              <EstimatedNote estimatedUsd={project.estimatedUsd} />
                            </td>
                            <td>{project.cachedInputTokens.toLocaleString('en')} tokens</td>
                            <td>{formatUsd(project.cacheSavedUsd)}</td>
                            <td>
                              {project.budgetUsd === null ? 'default for its size' : formatUsd(project.budgetUsd)}
                            </td>
                            <td>{project.tasks}</td>
                            <td>{project.runStatus}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </section>
            <PricesTable />
          </div>
        )}
      </Show>
    </ViewFrame>
  );
}
