/**
 * Issue 20, point 8: with no key, the description still picks the starter closest to its
 * language and kind, the plan says plainly that no AI read the description and what a
 * key would change, and the Python starter passes its own pytest suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { templatePlan } from '../../../worker/orchestrator/template-plan.ts';
import { chooseTemplateFor } from '../../../worker/providers/template/choose-template.ts';
import type { TemplateFile } from '../../../worker/providers/template/project-template.ts';
import { pythonCli } from '../../../worker/providers/template/templates/python-cli.ts';

test.each([
  ['a Python weather CLI', 'python-cli'],
  ['A command-line tool in python that renames photos', 'python-cli'],
  ['a Flask app for my recipes', 'python-cli'],
  ['A todo web app page', 'web-app'],
  ['A Node.js REST API for a backend of items', 'api-service'],
  ['Build a data pipeline that imports a CSV of expenses', 'data-pipeline'],
  ['something nice', 'web-app'],
] as const)('“%s” gets the %s template', (description, id) => {
  expect(chooseTemplateFor(description).template.id).toBe(id);
});

test('the choice says why, in the description’s own words', () => {
  expect(chooseTemplateFor('a Python weather CLI').reason).toBe('your description mentions Python and “cli”');
  expect(chooseTemplateFor('a Rust web server').reason).toMatch(/^no template is written in Rust, and /);
  expect(chooseTemplateFor('a thing', 'template:api-service').template.id).toBe('api-service');
});

test('the Template plan says no AI read the description, why this starter, and what a key changes', () => {
  const plan = templatePlan('a Python weather CLI', null);
  expect(plan.source).toBe('template');
  expect(plan.summary).toContain('No AI read your description');
  expect(plan.summary).toContain('Python command-line tool');
  expect(plan.summary).toContain('your description mentions Python');
  expect(plan.summary).toContain('With a model key in Settings, the Project Manager would read your description');
  expect(plan.languages).toEqual(['python']);
  expect(plan.tasks[0]?.expectedArtifacts).toContain('tests/test_core.py');
  // A template the person picked is named as their choice.
  expect(templatePlan('a Python weather CLI', 'web-app').summary).toContain('you chose the Web app template');
});

function writeProject(files: TemplateFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'template-python-cli-'));
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  return root;
}

const python = process.env['PYTHON'] ?? 'python3';

test('the Python starter passes its own pytest suite and runs as a command; broken, its tests fail', () => {
  const files = pythonCli.files('a-python-weather-cli');
  const root = writeProject(files);
  const tests = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(`${tests.stdout}${tests.stderr}`).toMatch(/5 passed/);
  expect(tests.status).toBe(0);

  const run = spawnSync(python, ['-m', 'app'], { cwd: root, encoding: 'utf8', input: 'oslo,4\nbergen,6\n# x\n' });
  expect(run.stdout).toBe('count: 2\nmin: 4.0\nmax: 6.0\nmean: 5.0\n');
  expect(run.status).toBe(0);

  const broken = writeProject(
    files.map((file) =>
      file.path === 'app/core.py' ? { ...file, content: file.content.replace('min(values)', 'max(values)') } : file,
    ),
  );
  const failing = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
    cwd: broken,
    encoding: 'utf8',
  });
  expect(failing.status).not.toBe(0);
}, 180_000);
