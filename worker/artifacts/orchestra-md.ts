/**
 * ORCHESTRA.md, the record that travels with an exported project: what was asked, the plan,
 * who did each task with which model, what the Debugger still objects to, what it cost, and
 * where every file came from. Someone who unzips the project without Orchestra should be able
 * to tell which files a model wrote and which came from a template with no AI at all.
 */

export interface OrchestraSummary {
  project: { name: string; description: string; template: string | null };
  plan: { summary: string; complexity: string; stack: string[]; languages: string[] } | null;
  tasks: {
    id: string;
    role: string;
    title: string;
    status: string;
    model: string | null;
    provider: string | null;
    attempts: number;
    costUsd: number;
    quality: number | null;
  }[];
  reviews: {
    taskId: string;
    verdict: string;
    summary: string;
    findings: { severity: string; file: string; line: number | null; message: string }[];
  }[];
  costs: { budgetUsd: number | null; spentUsd: number; inputTokens: number; outputTokens: number };
  /** The last run of the project's own tests, when there was one. */
  tests?: {
    sentence: string;
    /** Whether the run covers the files as exported (no file changed after it). */
    current: boolean;
    command: string;
    runtime: string;
    failures: { file: string; name: string[]; message: string | null }[];
    /** The npm packages the run was installed with (absent or empty: none). */
    packages?: { name: string; version: string; locked: boolean }[];
  } | null;
  files: {
    path: string;
    version: number;
    source: 'ai' | 'template' | 'user';
    role: string | null;
    model: string | null;
  }[];
  /** The project's changes, oldest first (worker/changes/history.ts). */
  history?: {
    kind: 'run' | 'revert' | 'import' | 'edit';
    at: number;
    added: string[];
    modified: string[];
    /** Absent in summaries made before files could be deleted. */
    deleted?: string[];
    reverted: string[];
  }[];
  exportedAt: number;
}

const templateLabel = 'Template (no AI)';
const none = '—';

/**
 * Renders the summary as Markdown. The output depends only on the input (no clock, no
 * locale), so the same project exports the same bytes.
 */
export function renderOrchestraMd(input: OrchestraSummary): string {
  const sections = [
    header(input),
    planSection(input.plan),
    tasksSection(input.tasks),
    reviewsSection(input),
    testsSection(input.tests ?? null),
    costsSection(input.costs),
    filesSection(input.files),
    historySection(input.history ?? []),
  ];
  return `${sections.join('\n\n')}\n`;
}

function header(input: OrchestraSummary): string {
  const lines = [`# ${oneLine(input.project.name) || 'Untitled project'}`, ''];
  const description = input.project.description.trim();
  if (description !== '') lines.push(description, '');
  const started =
    input.project.template === null ? '' : ` Started from the ${inlineCode(input.project.template)} template.`;
  lines.push(`Built with Orchestra; exported ${new Date(input.exportedAt).toISOString()}.${started}`);
  return lines.join('\n');
}

function testsSection(tests: OrchestraSummary['tests']): string {
  if (!tests) return "## Tests\n\nThe project's tests were not run in Orchestra.";
  const rerun = tests.command
    ? inlineCode(tests.command)
    : tests.runtime === 'python'
      ? '`python -m pytest`'
      : '`node --test`';
  const lines = [
    '## Tests',
    '',
    `${oneLine(tests.sentence)}${tests.current ? '' : ' (Files changed after this run.)'}`,
    '',
    `Run them again on your machine, in the project's folder: ${rerun}`,
  ];
  const packages = tests.packages ?? [];
  if (packages.length > 0) {
    lines.push(
      '',
      `They ran against ${packages.length} npm package${packages.length === 1 ? '' : 's'} (install them first: \`npm install\`; "locked" means at the version package-lock.json records):`,
    );
    for (const item of packages)
      lines.push(`- ${inlineCode(`${item.name}@${item.version}`)}${item.locked ? ' (locked)' : ''}`);
  }
  if (tests.failures.length > 0) {
    lines.push('', 'Failing:');
    for (const failure of tests.failures)
      lines.push(
        `- ${oneLine(failure.file)} — ${oneLine(failure.name.join(' › '))}${failure.message ? `: ${oneLine(failure.message).slice(0, 300)}` : ''}`,
      );
  }
  return lines.join('\n');
}

function planSection(plan: OrchestraSummary['plan']): string {
  if (plan === null) return '## Plan\n\nNo plan was recorded.';
  return [
    '## Plan',
    '',
    plan.summary.trim(),
    '',
    `- Complexity: ${oneLine(plan.complexity)}`,
    `- Stack: ${listOrNone(plan.stack)}`,
    `- Languages: ${listOrNone(plan.languages)}`,
  ].join('\n');
}

function tasksSection(tasks: OrchestraSummary['tasks']): string {
  if (tasks.length === 0) return '## Tasks\n\nNo tasks were run.';
  const rows = tasks.map((task) => [
    task.title,
    task.role,
    task.status,
    modelLabel(task.model, task.provider),
    String(task.attempts),
    usd(task.costUsd),
    task.quality === null ? none : task.quality.toFixed(2),
  ]);
  return `## Tasks\n\n${table(['Task', 'Role', 'Status', 'Model', 'Attempts', 'Cost', 'Quality'], rows)}`;
}

function reviewsSection(input: OrchestraSummary): string {
  if (input.reviews.length === 0) return '## Reviews\n\nNo reviews were recorded.';
  const titles = new Map(input.tasks.map((task) => [task.id, task.title]));
  const blocks = input.reviews.map((review) => {
    const title = oneLine(titles.get(review.taskId) ?? review.taskId);
    const lines = [`### ${title}: ${oneLine(review.verdict)}`, ''];
    const summary = review.summary.trim();
    if (summary !== '') lines.push(summary, '');
    if (review.findings.length === 0) {
      lines.push('No findings remain.');
    } else {
      lines.push('Remaining findings:', '');
      for (const finding of review.findings) {
        const place = finding.line === null ? finding.file : `${finding.file}:${finding.line}`;
        lines.push(`- **${oneLine(finding.severity)}** ${inlineCode(place)}: ${oneLine(finding.message)}`);
      }
    }
    return lines.join('\n');
  });
  return `## Reviews\n\n${blocks.join('\n\n')}`;
}

function costsSection(costs: OrchestraSummary['costs']): string {
  const budget = costs.budgetUsd === null ? 'no budget was set' : `budget ${usd(costs.budgetUsd)}`;
  return [
    '## Costs',
    '',
    `- Spent: ${usd(costs.spentUsd)} (${budget})`,
    `- Input tokens: ${count(costs.inputTokens)}`,
    `- Output tokens: ${count(costs.outputTokens)}`,
  ].join('\n');
}

function filesSection(files: OrchestraSummary['files']): string {
  if (files.length === 0) return '## Files\n\nNo files were produced.';
  const rows = files.map((file) => [
    inlineCode(file.path),
    String(file.version),
    sourceLabel(file),
    file.role ?? none,
    file.source === 'ai' ? (file.model ?? none) : none,
  ]);
  return `## Files\n\n${table(['File', 'Version', 'Source', 'Role', 'Model'], rows)}`;
}

const historyLabels = {
  run: 'Run',
  revert: 'Reverted by you',
  import: 'Brought in',
  edit: 'Edited by you',
} as const;

function historySection(history: NonNullable<OrchestraSummary['history']>): string {
  if (history.length === 0) return '## History of changes\n\nNo changes were recorded.';
  const lines = history.map((entry, index) => {
    const parts: string[] = [];
    if (entry.added.length > 0) parts.push(`added ${entry.added.map(inlineCode).join(', ')}`);
    if (entry.modified.length > 0) parts.push(`changed ${entry.modified.map(inlineCode).join(', ')}`);
    if (entry.deleted?.length) parts.push(`deleted ${entry.deleted.map(inlineCode).join(', ')}`);
    if (entry.reverted.length > 0) parts.push(`brought back ${entry.reverted.map(inlineCode).join(', ')}`);
    return `${index + 1}. ${historyLabels[entry.kind]}, ${new Date(entry.at).toISOString()}: ${parts.join('; ') || 'no files'}.`;
  });
  return `## History of changes\n\n${lines.join('\n')}`;
}

function sourceLabel(file: OrchestraSummary['files'][number]): string {
  switch (file.source) {
    case 'ai':
      return 'AI';
    case 'template':
      return templateLabel;
    case 'user':
      return 'Edited by hand';
  }
}

function modelLabel(model: string | null, provider: string | null): string {
  if (provider === 'template') return templateLabel;
  if (model === null) return none;
  return provider === null ? model : `${model} (${provider})`;
}

function table(headings: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headings), `|${headings.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n');
}

/** A pipe would end the cell and a newline the row; model-written text holds both. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n|\r/g, '<br>');
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Wraps text in enough backticks that a backtick inside cannot close it early. */
function inlineCode(text: string): string {
  const longestRun = Math.max(0, ...(oneLine(text).match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = longestRun > 0 ? ' ' : '';
  return `${fence}${padding}${oneLine(text)}${padding}${fence}`;
}

function listOrNone(items: string[]): string {
  return items.length === 0 ? none : items.map(oneLine).join(', ');
}

function usd(amount: number): string {
  // Cheap models cost fractions of a cent per task; two decimals would show them as free.
  const digits = amount !== 0 && Math.abs(amount) < 0.01 ? 4 : 2;
  return `$${amount.toFixed(digits)}`;
}

/** Thousands separators without the runtime's locale, so output does not vary by machine. */
function count(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
