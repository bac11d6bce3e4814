/**
 * The plans the orchestration benchmark runs, and the in-page model that answers them:
 * a `ProviderServiceApi` with one ready provider whose adapter answers each agent at once
 * (or after a set latency) with what a good model would send — the Project Manager's plan,
 * a builder's files, a passing review — read off the prompt the orchestrator built.
 */
import type { Plan, PlanTask } from '../../../worker/agents/contracts.ts';
import type { ProviderAdapter } from '../../../worker/providers/contract/provider-adapter.ts';
import { ProviderError } from '../../../worker/providers/contract/provider-error.ts';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import type { ProviderServiceApi } from '../../../worker/providers/contract/provider-service-api.ts';
import type { StreamPart } from '../../../worker/providers/contract/stream-part.ts';
import { mulberry32 } from '../../../worker/router/index.ts';

type Role = PlanTask['role'];

const builderRoles: Role[] = ['code-generator', 'code-generator', 'ui-designer', 'code-generator', 'test-writer'];

/** The files a builder of this role is asked for: two or three, as a real plan names them. */
function artifactsFor(role: Role, id: string, index: number): string[] {
  const base = id.replace(/[^a-z0-9]+/g, '_');
  if (role === 'ui-designer') return [`web/${base}.html`, `web/${base}.css`, `web/${base}.js`];
  if (role === 'test-writer') return [`tests/test_${base}.py`, ...(index % 2 ? [`tests/fixtures_${base}.py`] : [])];
  return [`src/${base}.py`, `src/${base}_types.py`, ...(index % 3 === 0 ? [`src/${base}_util.py`] : [])];
}

function task(id: string, role: Role, index: number, dependsOn: string[]): PlanTask {
  const expectedArtifacts = role === 'debugger' ? [] : artifactsFor(role, id, index);
  return {
    id,
    role,
    title: role === 'debugger' ? `Review the work up to ${id}` : `Build part ${id}`,
    instructions:
      role === 'debugger'
        ? 'Review every file for bugs, missing error handling and untested behaviour.'
        : `Write ${expectedArtifacts.join(', ')}: the ${id} part of the inventory service, with type hints and docstrings, using the modules it depends on.`,
    dependsOn,
    expectedArtifacts,
    acceptance: role === 'debugger' ? [] : [`${expectedArtifacts[0] ?? id} is complete and importable`],
  };
}

const planOf = (summary: string, tasks: PlanTask[]): Plan => ({
  summary,
  complexity: 'large',
  estimate: { tokens: tasks.length * 6000, costUsd: tasks.length * 0.02 },
  stack: ['Python 3.12', 'vanilla JavaScript'],
  languages: ['python', 'html', 'css', 'javascript'],
  tasks,
});

/**
 * `layers` × `width` tasks; each task after the first layer depends on one to three tasks
 * of the layer before (seeded, so every run builds the same graph). The very last task is
 * the Debugger's review.
 */
export function layeredPlan(layers: number, width: number, seed = 11): Plan {
  const random = mulberry32(seed);
  const tasks: PlanTask[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let column = 0; column < width; column++) {
      const id = `l${layer}-${column}`;
      const index = layer * width + column;
      const last = layer === layers - 1 && column === width - 1;
      const dependsOn = new Set<string>();
      if (layer > 0) {
        const count = 1 + Math.floor(random() * 3);
        dependsOn.add(`l${layer - 1}-${column}`);
        while (dependsOn.size < count) dependsOn.add(`l${layer - 1}-${Math.floor(random() * width)}`);
      }
      const role = last ? 'debugger' : (builderRoles[index % builderRoles.length] ?? 'code-generator');
      tasks.push(task(id, role, index, [...dependsOn]));
    }
  }
  return planOf(`An inventory service built in ${layers} layers of ${width} parts, then reviewed.`, tasks);
}

/** `chains` independent chains of `depth` tasks each, then one review that waits for them all. */
export function chainsPlan(chains: number, depth: number): Plan {
  const tasks: PlanTask[] = [];
  for (let chain = 0; chain < chains; chain++) {
    for (let step = 0; step < depth; step++) {
      const index = chain * depth + step;
      const role = builderRoles[index % builderRoles.length] ?? 'code-generator';
      tasks.push(task(`c${chain}-${step}`, role, index, step > 0 ? [`c${chain}-${step - 1}`] : []));
    }
  }
  tasks.push(
    task(
      'review',
      'debugger',
      tasks.length,
      Array.from({ length: chains }, (_, chain) => `c${chain}-${depth - 1}`),
    ),
  );
  return planOf(`An inventory service in ${chains} independent parts of ${depth} steps, then reviewed.`, tasks);
}

/** A deterministic latency between 150 and 400 ms for a task, from its id. */
export function latencyOf(taskId: string): number {
  let hash = 2166136261;
  for (const char of taskId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return 150 + (hash % 251);
}

/**
 * A module of a few hundred bytes, as a builder writes it. `project` makes each run's
 * files its own: caches keyed by content must not carry one run's work into the next.
 */
function fileContent(path: string, taskId: string, project: string): string {
  return `${path.endsWith('.py') ? '#' : '//'} ${project}\n${moduleText(path, taskId)}`;
}

function moduleText(path: string, taskId: string): string {
  const name = taskId.replace(/[^a-z0-9]+/g, '_');
  if (path.endsWith('.html')) {
    return `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />\n    <title>Inventory ${name}</title>\n    <link rel="stylesheet" href="${name}.css" />\n  </head>\n  <body>\n    <main>\n      <h1>Inventory ${name}</h1>\n      <label for="q">Search</label> <input id="q" type="search" />\n      <ul id="items"></ul>\n    </main>\n    <script type="module" src="${name}.js"></script>\n  </body>\n</html>\n`;
  }
  if (path.endsWith('.css')) {
    return `:root {\n  --gap: 0.75rem;\n  --fg: #1d2330;\n  --bg: #fbfbfd;\n}\n\nmain {\n  display: grid;\n  gap: var(--gap);\n  max-width: 48rem;\n  margin: 0 auto;\n  color: var(--fg);\n  background: var(--bg);\n}\n\n#items li {\n  display: flex;\n  justify-content: space-between;\n}\n`;
  }
  if (path.endsWith('.js')) {
    return `const list = document.querySelector('#items');\nconst query = document.querySelector('#q');\n\nexport async function load() {\n  const response = await fetch('/api/${name}');\n  const items = await response.json();\n  render(items);\n}\n\nfunction render(items) {\n  list.replaceChildren(\n    ...items.map((item) => Object.assign(document.createElement('li'), { textContent: item.name })),\n  );\n}\n\nquery.addEventListener('input', () => void load());\nvoid load();\n`;
  }
  if (path.includes('test_') || path.includes('fixtures_')) {
    return `"""Tests for the ${name} part."""\n\nimport pytest\n\nfrom src.${name} import Stock, restock\n\n\n@pytest.fixture\ndef stock() -> Stock:\n    return Stock(sku="A-1", count=2)\n\n\ndef test_restock_adds(stock: Stock) -> None:\n    assert restock(stock, 3).count == 5\n\n\ndef test_restock_refuses_negative(stock: Stock) -> None:\n    with pytest.raises(ValueError):\n        restock(stock, -1)\n`;
  }
  return `"""The ${name} part of the inventory service."""\n\nfrom dataclasses import dataclass, replace\n\n\n@dataclass(frozen=True)\nclass Stock:\n    """One SKU and how many are on the shelf."""\n\n    sku: str\n    count: int\n\n\ndef restock(stock: Stock, amount: int) -> Stock:\n    """Adds \`amount\` items; a negative amount is a mistake, not a sale."""\n    if amount < 0:\n        raise ValueError("amount must be positive")\n    return replace(stock, count=stock.count + amount)\n`;
}

const passingReview = {
  verdict: 'pass',
  summary: 'The modules are consistent, typed and tested; nothing blocks release.',
  findings: [
    {
      severity: 'minor',
      file: 'src/l0_0.py',
      line: 14,
      message: 'restock could log refused amounts.',
      suggestion: 'Log at debug level before raising.',
    },
  ],
};

/** The answer a good model gives to this request, and the task it is for. */
export function answerFor(request: ProviderRequest, plan: Plan, project: string): { taskId: string; text: string } {
  const role = /\(role: ([a-z-]+)\)/.exec(request.system ?? '')?.[1];
  const prompt = request.messages[0]?.content ?? '';
  if (role === 'project-manager') return { taskId: 'plan', text: JSON.stringify(plan) };
  const taskId = /## Your task: .* \(id: ([^,]+),/.exec(prompt)?.[1] ?? 'unknown';
  if (role === 'debugger') return { taskId, text: JSON.stringify(passingReview) };
  const expected = /### Expected files\n([\s\S]*?)\n\n/.exec(prompt)?.[1] ?? '';
  const paths = expected
    .split('\n')
    .map((line) => line.replace(/^- /, '').trim())
    .filter((path) => path !== '' && !path.startsWith('None named'));
  const files = (paths.length > 0 ? paths : [`src/${taskId}.py`]).map((path) => ({
    path,
    language: /\.py$/.test(path)
      ? 'python'
      : /\.html$/.test(path)
        ? 'html'
        : /\.css$/.test(path)
          ? 'css'
          : 'javascript',
    content: fileContent(path, taskId, project),
  }));
  return { taskId, text: JSON.stringify({ files, notes: `Wrote ${paths.length} files for ${taskId}.` }) };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * A provider service with OpenAI ready and an adapter that answers in four streamed
 * pieces after `latency(taskId)` ms, reporting usage as a provider would. Files are
 * marked with `project`.
 */
export function benchProviders(
  plan: Plan,
  latency: (taskId: string) => number,
  project = 'inventory',
): ProviderServiceApi {
  const adapter: ProviderAdapter = {
    provider: 'openai',
    async *stream(request, signal): AsyncIterable<StreamPart> {
      const { taskId, text } = answerFor(request, plan, project);
      await sleep(latency(taskId), signal);
      if (signal.aborted) {
        yield { type: 'error', error: new ProviderError({ provider: 'openai', kind: 'cancelled' }) };
        return;
      }
      const piece = Math.ceil(text.length / 4);
      for (let at = 0; at < text.length; at += piece) yield { type: 'text-delta', text: text.slice(at, at + piece) };
      const sent = (request.system ?? '') + request.messages.map((message) => message.content).join('\n');
      yield {
        type: 'usage',
        usage: {
          inputTokens: Math.ceil(sent.length / 4),
          outputTokens: Math.ceil(text.length / 4),
          cachedInputTokens: 0,
          estimated: false,
        },
      };
      yield { type: 'finish', reason: 'stop' };
    },
  };
  const unused = () => Promise.reject(new Error('Not part of the benchmark.'));
  return {
    keys: undefined as unknown as ProviderServiceApi['keys'],
    configs: unused,
    updateConfig: unused,
    testKey: unused,
    fetchModels: unused,
    adapter: () => Promise.resolve(adapter),
    readiness: () => Promise.resolve([{ provider: 'openai', ready: true, detail: 'The benchmark’s in-page model.' }]),
  };
}
