import { describe, expect, test } from 'vitest';
import { type OrchestraSummary, renderOrchestraMd } from '../../../worker/artifacts/orchestra-md.ts';

function summary(overrides: Partial<OrchestraSummary> = {}): OrchestraSummary {
  return {
    project: { name: 'My Todo App', description: 'A todo list with tags.', template: null },
    plan: {
      summary: 'Static site with local storage.',
      complexity: 'small',
      stack: ['vanilla js'],
      languages: ['javascript'],
    },
    tasks: [
      {
        id: 't1',
        role: 'coder',
        title: 'Write app | store',
        status: 'done',
        model: 'claude-haiku-4-5',
        provider: 'anthropic',
        attempts: 2,
        costUsd: 0.0042,
        quality: 0.8,
      },
      {
        id: 't2',
        role: 'architect',
        title: 'Scaffold',
        status: 'done',
        model: 'template',
        provider: 'template',
        attempts: 1,
        costUsd: 0,
        quality: null,
      },
    ],
    reviews: [
      {
        taskId: 't1',
        verdict: 'changes-requested',
        summary: 'Mostly fine.',
        findings: [{ severity: 'major', file: 'src/app.js', line: 12, message: 'Tags are\nnot saved' }],
      },
    ],
    costs: { budgetUsd: 2, spentUsd: 0.0042, inputTokens: 1234567, outputTokens: 890 },
    files: [
      { path: 'src/app.js', version: 3, source: 'ai', role: 'coder', model: 'claude-haiku-4-5' },
      { path: 'index.html', version: 1, source: 'template', role: 'architect', model: 'template' },
      { path: 'notes.md', version: 2, source: 'user', role: null, model: null },
    ],
    exportedAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    ...overrides,
  };
}

function tableRows(markdown: string, heading: string): string[] {
  const section = markdown.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('|'));
}

describe('renderOrchestraMd', () => {
  test('has the title, description, plan, costs and export date', () => {
    const markdown = renderOrchestraMd(summary());
    expect(markdown.startsWith('# My Todo App\n\nA todo list with tags.\n')).toBe(true);
    expect(markdown).toContain('exported 2025-01-02T03:04:05.000Z');
    expect(markdown).toContain('Static site with local storage.');
    expect(markdown).toContain('- Stack: vanilla js');
    expect(markdown).toContain('- Spent: $0.0042 (budget $2.00)');
    expect(markdown).toContain('- Input tokens: 1,234,567');
  });

  test('escapes pipes and newlines in table cells so every row keeps its columns', () => {
    const markdown = renderOrchestraMd(
      summary({
        files: [{ path: 'a.md', version: 1, source: 'ai', role: 'coder\n| x', model: 'm|n' }],
      }),
    );
    const taskRows = tableRows(markdown, 'Tasks');
    expect(taskRows[2]).toContain('Write app \\| store');
    const fileRows = tableRows(markdown, 'Files');
    expect(fileRows).toHaveLength(3);
    expect(fileRows[2]).toBe('| `a.md` | 1 | AI | coder<br>\\| x | m\\|n |');
    const cellBorders = (row: string) => (row.match(/(?<!\\)\|/g) ?? []).length;
    expect(taskRows.map(cellBorders)).toEqual(taskRows.map(() => 8));
    expect(fileRows.map(cellBorders)).toEqual(fileRows.map(() => 6));
  });

  test('labels template files and template tasks as no AI', () => {
    const markdown = renderOrchestraMd(summary());
    const fileRows = tableRows(markdown, 'Files');
    expect(fileRows).toContain('| `index.html` | 1 | Template (no AI) | architect | — |');
    expect(fileRows).toContain('| `src/app.js` | 3 | AI | coder | claude-haiku-4-5 |');
    expect(fileRows).toContain('| `notes.md` | 2 | Edited by hand | — | — |');
    const taskRows = tableRows(markdown, 'Tasks');
    expect(taskRows.find((row) => row.includes('Scaffold'))).toContain('Template (no AI)');
    expect(taskRows.find((row) => row.includes('Write app'))).toContain('claude-haiku-4-5 (anthropic)');
  });

  test('lists the remaining findings of each review under its task', () => {
    const markdown = renderOrchestraMd(summary());
    expect(markdown).toContain('### Write app | store: changes-requested');
    expect(markdown).toContain('- **major** `src/app.js:12`: Tags are not saved');
  });

  test('says so when there is no plan, review, budget or file', () => {
    const markdown = renderOrchestraMd(
      summary({
        plan: null,
        reviews: [],
        files: [],
        costs: { budgetUsd: null, spentUsd: 0, inputTokens: 0, outputTokens: 0 },
      }),
    );
    expect(markdown).toContain('No plan was recorded.');
    expect(markdown).toContain('No reviews were recorded.');
    expect(markdown).toContain('No files were produced.');
    expect(markdown).toContain('- Spent: $0.00 (no budget was set)');
  });

  test('states the last test result, the command that reruns it and the npm packages it ran against', () => {
    const markdown = renderOrchestraMd(
      summary({
        tests: {
          sentence: '11 of 12 tests pass; 1 fails.',
          current: true,
          command: 'node --test',
          runtime: 'node',
          failures: [
            { file: 'test/range.test.js', name: ['range', 'stops before the end'], message: 'Expected\nvalues' },
          ],
          packages: [
            { name: 'tiny-color', version: '1.0.0', locked: true },
            { name: 'with-scripts', version: '1.0.0', locked: false },
          ],
        },
      }),
    );
    const section = markdown.split('## Tests\n')[1]?.split('\n## ')[0] ?? '';
    expect(section.trim().split('\n')).toEqual([
      '11 of 12 tests pass; 1 fails.',
      '',
      "Run them again on your machine, in the project's folder: `node --test`",
      '',
      'They ran against 2 npm packages (install them first: `npm install`; "locked" means at the version package-lock.json records):',
      '- `tiny-color@1.0.0` (locked)',
      '- `with-scripts@1.0.0`',
      '',
      'Failing:',
      '- test/range.test.js — range › stops before the end: Expected values',
    ]);
  });

  test('is the same for the same input', () => {
    expect(renderOrchestraMd(summary())).toBe(renderOrchestraMd(summary()));
  });
});
