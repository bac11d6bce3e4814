/**
 * The Router & costs charts, drawn with uPlot (a small canvas charting library) loaded
 * only when a chart is shown: its own chunk, never in the shell. Each chart is a figure
 * with a caption and a sentence of what it shows, and the tables beside it carry the
 * same numbers, so nothing is said by the picture alone.
 */
import { type JSX, createEffect, onCleanup } from 'solid-js';
import type uPlot from 'uplot';
import type { LineSeries, QualityGrid } from './chart-data.ts';

// Eight hues that stay apart for the common colour-vision deficiencies (Okabe & Ito 2008,
// plus grey); series past eight repeat them with a dashed line.
const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
const dashOf = (i: number): { dash?: number[] } => (i >= palette.length ? { dash: [6, 4] } : {});
const colourFor = (i: number) => palette[i % palette.length] as string;

let library: Promise<typeof uPlot> | undefined;
const loadLibrary = () => (library ??= import('uplot').then((module) => module.default));

/** Colours the canvas cannot read from CSS variables, resolved from the figure's own style. */
function themeOf(element: HTMLElement) {
  const style = getComputedStyle(element);
  return { text: style.color, grid: style.borderTopColor || style.color };
}

function axes(element: HTMLElement, y: Partial<uPlot.Axis>, x: Partial<uPlot.Axis>): uPlot.Axis[] {
  const { text, grid } = themeOf(element);
  const common = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return [
    { ...common, ...x },
    { ...common, ...y },
  ];
}

/** Mounts a uPlot chart in `element` once the library is there, resizes it with its box, and removes it on cleanup. */
function mountChart(element: HTMLElement, make: (UPlot: typeof uPlot, width: number) => uPlot): void {
  let plot: uPlot | undefined;
  let disposed = false;
  const observer = new ResizeObserver(() => {
    if (plot) plot.setSize({ width: Math.max(240, element.clientWidth), height: 260 });
  });
  void loadLibrary().then((UPlot) => {
    if (disposed) return;
    plot = make(UPlot, Math.max(240, element.clientWidth));
    element.dataset['ready'] = 'true';
    observer.observe(element);
  });
  onCleanup(() => {
    disposed = true;
    observer.disconnect();
    plot?.destroy();
    delete element.dataset['ready'];
  });
}

/** Running spend per model or kind of task, one line each, by outcome. */
export function SpendChart(props: { series: LineSeries; title: string; description: string; testId: string }) {
  let element!: HTMLDivElement;
  createEffect(() => {
    const series = props.series;
    mountChart(element, (UPlot, width) => {
      const data: uPlot.AlignedData = [series.x, ...series.lines.map((line) => line.values)];
      return new UPlot(
        {
          width,
          height: 260,
          scales: { x: { time: false } },
          axes: axes(
            element,
            { values: (_plot, ticks) => ticks.map((tick) => `$${tick.toPrecision(2)}`), size: 64 },
            { label: 'outcome' },
          ),
          series: [
            { label: 'Outcome' },
            ...series.lines.map((line, i) => ({
              label: line.label,
              stroke: colourFor(i),
              width: 2,
              ...dashOf(i),
              value: (_plot: uPlot, value: number | null) => (value === null ? '–' : `$${value.toFixed(4)}`),
            })),
          ],
        },
        data,
        element,
      );
    });
  });
  return (
    <ChartFigure title={props.title} description={props.description} testId={props.testId}>
      <div ref={element} class="chart-canvas" role="img" aria-label={props.description} />
    </ChartFigure>
  );
}

/** Mean quality of each model on each kind of task, one mark per model and kind. */
export function QualityChart(props: { grid: QualityGrid; description: string; testId: string }) {
  let element!: HTMLDivElement;
  createEffect(() => {
    const grid = props.grid;
    mountChart(element, (UPlot, width) => {
      const x = grid.taskTypes.map((_type, i) => i);
      const data: uPlot.AlignedData = [x, ...grid.models.map((model) => model.quality)];
      return new UPlot(
        {
          width,
          height: 260,
          scales: {
            x: { time: false, range: [-0.5, Math.max(0.5, grid.taskTypes.length - 0.5)] },
            y: { range: [0, 1] },
          },
          axes: axes(
            element,
            { values: (_plot, ticks) => ticks.map((tick) => `${Math.round(tick * 100)}%`), size: 52 },
            {
              splits: () => x,
              values: (_plot, ticks) => ticks.map((tick) => grid.taskTypes[tick] ?? ''),
            },
          ),
          series: [
            { label: 'Task', value: (_plot, value) => (value === null ? '–' : (grid.taskTypes[value] ?? '')) },
            ...grid.models.map((model, i) => ({
              label: model.label,
              stroke: colourFor(i),
              fill: colourFor(i),
              paths: () => null,
              points: { show: true, size: 9, width: 2, stroke: colourFor(i), fill: colourFor(i) },
              value: (_plot: uPlot, value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`),
            })),
          ],
        },
        data,
        element,
      );
    });
  });
  return (
    <ChartFigure title="Quality per model on each kind of task" description={props.description} testId={props.testId}>
      <div ref={element} class="chart-canvas" role="img" aria-label={props.description} />
    </ChartFigure>
  );
}

function ChartFigure(props: { title: string; description: string; testId: string; children: JSX.Element }) {
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>
        <strong>{props.title}</strong>
        <span class="hint">{props.description}</span>
      </figcaption>
      {props.children}
    </figure>
  );
}
