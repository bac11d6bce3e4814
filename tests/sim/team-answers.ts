/**
 * A small, realistic project the scripted team builds in tests, e2e tests and benchmarks:
 * the plan the Project Manager answers, each builder's files, and reviews.
 */
import type { RecordedRequest } from './simulator.ts';
import type { Pace, Scenario } from './scenario.ts';

export const teamPlan = {
  summary: 'A tiny notes service: a Python module with its API, a static page, tests, and a review.',
  complexity: 'small',
  estimate: { tokens: 24_000, costUsd: 0.05 },
  stack: ['Python 3.12', 'vanilla JavaScript'],
  languages: ['python', 'html', 'css', 'javascript'],
  tasks: [
    {
      id: 'api',
      role: 'code-generator',
      title: 'Notes module',
      instructions: 'Write notes.py with add_note(text) and list_notes().',
      dependsOn: [],
      expectedArtifacts: ['notes.py'],
      acceptance: ['add_note stores a note', 'list_notes returns them in order'],
    },
    {
      id: 'ui',
      role: 'ui-designer',
      title: 'Notes page',
      instructions: 'Write index.html, app.js and styles.css for a notes page.',
      dependsOn: [],
      expectedArtifacts: ['index.html', 'app.js', 'styles.css'],
      acceptance: ['The page lists notes'],
    },
    {
      id: 'tests',
      role: 'test-writer',
      title: 'Tests for the notes module',
      instructions: 'Write test_notes.py with pytest.',
      dependsOn: ['api'],
      expectedArtifacts: ['test_notes.py'],
      acceptance: ['Covers add and list'],
    },
    {
      id: 'review',
      role: 'debugger',
      title: 'Review the code and tests',
      instructions: 'Review everything.',
      dependsOn: ['api', 'ui', 'tests'],
      expectedArtifacts: [],
      acceptance: [],
    },
  ],
};

export const notesPy = (fixed: boolean) =>
  [
    '"""A tiny in-memory notes store."""',
    '',
    '_notes: list[str] = []',
    '',
    '',
    'def add_note(text: str) -> None:',
    fixed
      ? '    if not text.strip():\n        raise ValueError("empty note")'
      : '    pass  # forgets to check for empty notes',
    '    _notes.append(text)',
    '',
    '',
    'def list_notes() -> list[str]:',
    '    return list(_notes)',
    '',
  ].join('\n');

export const files = {
  api: (fixed = false) => ({
    files: [{ path: 'notes.py', language: 'python', content: notesPy(fixed) }],
    notes: 'Notes module.',
  }),
  ui: {
    files: [
      {
        path: 'index.html',
        language: 'html',
        content:
          '<!doctype html>\n<title>Notes</title>\n<link rel="stylesheet" href="styles.css">\n<ul id="notes"></ul>\n<script type="module" src="app.js"></script>\n',
      },
      {
        path: 'app.js',
        language: 'javascript',
        content: "document.querySelector('#notes').textContent = 'No notes yet';\n",
      },
      { path: 'styles.css', language: 'css', content: 'body { font-family: system-ui; }\n' },
    ],
    notes: 'A static page.',
  },
  tests: {
    files: [
      {
        path: 'test_notes.py',
        language: 'python',
        content:
          'from notes import add_note, list_notes\n\n\ndef test_add_and_list():\n    add_note("a")\n    assert list_notes() == ["a"]\n',
      },
    ],
    notes: 'pytest tests.',
  },
};

export const reviewWithMajorFinding = {
  verdict: 'changes-requested',
  summary: 'add_note accepts empty notes.',
  findings: [
    {
      severity: 'major',
      file: 'notes.py',
      line: 7,
      message: 'Empty notes are stored.',
      suggestion: 'Raise ValueError on blank text.',
    },
    {
      severity: 'minor',
      file: 'styles.css',
      line: 1,
      message: 'No dark theme.',
      suggestion: 'Add prefers-color-scheme.',
    },
  ],
};

export const passingReview = { verdict: 'pass', summary: 'Looks good.', findings: [] };

/** The JSON text of a request body, to tell which task a builder is answering. */
export const bodyText = (request: RecordedRequest) => JSON.stringify(request.body ?? '');

/** A builder's answer chosen by which task the prompt is for (the task id appears in it). */
export function builderAnswer(request: RecordedRequest, pace: Pace = {}): Scenario {
  const text = bodyText(request);
  if (text.includes('Fix review findings') || text.includes('fix-2-'))
    return { kind: 'json', value: files.api(true), ...pace };
  if (text.includes('test_notes.py') && text.includes('Tests for the notes module'))
    return { kind: 'json', value: files.tests, ...pace };
  if (text.includes('Notes page')) return { kind: 'json', value: files.ui, ...pace };
  return { kind: 'json', value: files.api(false), ...pace };
}
