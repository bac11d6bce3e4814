import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planSchema, reviewSchema, type Plan, type PlanTask } from '../../../worker/agents/contracts.ts';
import { highlightName, languageOf } from '../../../worker/artifacts/language.ts';
import { renderOrchestraMd } from '../../../worker/artifacts/orchestra-md.ts';
import { checkFileSet, normalizeArtifactPath } from '../../../worker/artifacts/safe-path.ts';
import { outlineOf } from '../../../worker/orchestrator/context-outline.ts';
import { validatePlan } from '../../../worker/orchestrator/plan-validation.ts';
import { describeActor } from '../../../worker/query/describe-event.ts';
import { parsePreference } from '../../../worker/router/preference.ts';
import { priorLatencyPerUnitMs, priorQuality } from '../../../worker/router/priors.ts';
import type { ModelArm } from '../../../worker/router/catalog.ts';
import { contentTypeFor } from '../../../server/static/content-types.ts';
import { grammarFor, highlightCode } from '../../../web/views/artifacts/highlight.ts';
import { parseHighlight } from '../../../web/views/artifacts/highlight-tree.ts';
import { samplePlan } from '../agents/sample-input.ts';
import { hostileName, prototypeNames } from './hostile-names.ts';

/*
 * Model text is data. Every name a model chooses (a file's language, a path, a task id, a
 * role, a severity) reaches functions that once read it as a key into a plain object, where
 * "constructor" is a function and "__proto__" is Object.prototype. These feed such names,
 * alone and inside generated text, into every function that takes one.
 */

describe('languages', () => {
  test.each(prototypeNames)(
    'languageOf of "%s" as an extension, a name and a folder is the plain-text language',
    (name) => {
      expect(languageOf(`x.${name}`)).toBe('text');
      expect(languageOf(name)).toBe('text');
      expect(languageOf(`src/${name}.${name}`)).toBe('text');
    },
  );

  test.each(prototypeNames)('highlightName("%s") is the name itself', (name) => {
    expect(highlightName(name)).toBe(name);
  });

  test.each(prototypeNames)('the Artifacts view shows a file of language "%s" as plain text', (name) => {
    expect(grammarFor(name)).toBeUndefined();
    expect(highlightCode('const a = 1;', name)).toEqual(['const a = 1;']);
  });

  test.each(prototypeNames)('outlineOf a file of language "%s" works without a grammar', (name) => {
    expect(outlineOf(`a.${name}`, name, 'one\ntwo\n')).toEqual(expect.any(Array));
  });

  test('every function that takes a language or a path answers a string for any name', () => {
    fc.assert(
      fc.property(hostileName, (name) => {
        expect(typeof languageOf(name)).toBe('string');
        expect(typeof highlightName(name)).toBe('string');
        expect(typeof highlightName(languageOf(name))).toBe('string');
        const grammar = grammarFor(name);
        expect(grammar === undefined || typeof grammar === 'string').toBe(true);
        expect(highlightCode('x = 1', name).length).toBeGreaterThan(0);
        expect(Array.isArray(outlineOf(name, name, 'a\nb'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('paths, task ids, roles and severities', () => {
  const task = (id: string, change: Partial<PlanTask> = {}): PlanTask => ({
    id,
    role: 'code-generator',
    title: `Task ${id}`,
    instructions: '',
    dependsOn: [],
    expectedArtifacts: [],
    acceptance: [],
    ...change,
  });

  test.each(prototypeNames)('a plan whose task ids and paths are "%s" is checked like any other', (name) => {
    const plan: Plan = {
      ...samplePlan,
      tasks: [task(name, { expectedArtifacts: [`${name}.${name}`] }), task('b', { dependsOn: [name] })],
    };
    expect(validatePlan(plan, { maxTasks: 10 })).toEqual({ ok: true });
    const unknown: Plan = { ...samplePlan, tasks: [task('a', { dependsOn: [name] })] };
    const result = validatePlan(unknown, { maxTasks: 10 });
    expect(result.ok).toBe(false);
  });

  test('validatePlan never throws on hostile ids, dependencies and paths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: hostileName, deps: fc.array(hostileName, { maxLength: 3 }), path: hostileName }), {
          minLength: 1,
          maxLength: 6,
        }),
        (tasks) => {
          const plan: Plan = {
            ...samplePlan,
            tasks: tasks.map((t) => task(t.id || 'x', { dependsOn: t.deps, expectedArtifacts: [t.path] })),
          };
          const result = validatePlan(plan, { maxTasks: 10 });
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('roles and severities that are prototype names are refused by the schemas, not crashed on', () => {
    for (const name of prototypeNames) {
      const plan = { ...samplePlan, tasks: [task('a', { role: name as PlanTask['role'] })] };
      expect(planSchema.safeParse(plan).success).toBe(false);
      const review = {
        verdict: 'changes-requested',
        summary: 's',
        findings: [{ severity: name, file: 'a.js', line: null, message: 'm', suggestion: '' }],
      };
      expect(reviewSchema.safeParse(review).success).toBe(false);
      expect(describeActor({ kind: 'agent', role: name as 'debugger' })).toBe(name);
    }
  });

  test('paths named after prototype keys are ordinary files', () => {
    fc.assert(
      fc.property(fc.array(hostileName, { maxLength: 8 }), (names) => {
        for (const name of names) {
          const check = normalizeArtifactPath(name);
          expect(typeof check.ok).toBe('boolean');
        }
        const set = checkFileSet(names.map((path) => ({ path })));
        expect(set.accepted.length + set.rejected.length).toBe(names.length);
      }),
      { numRuns: 300 },
    );
    for (const name of prototypeNames)
      expect(normalizeArtifactPath(`src/${name}`)).toEqual({ ok: true, path: `src/${name}` });
  });

  test('ORCHESTRA.md renders tasks, reviews and files named after prototype keys', () => {
    for (const name of prototypeNames) {
      const text = renderOrchestraMd({
        project: { name, description: name, template: null },
        plan: { summary: name, complexity: 'small', stack: [name], languages: [name] },
        tasks: [
          {
            id: name,
            role: name,
            title: name,
            status: name,
            model: name,
            provider: name,
            attempts: 1,
            costUsd: 0,
            quality: null,
          },
        ],
        reviews: [
          {
            taskId: name,
            verdict: name,
            summary: name,
            findings: [{ severity: name, file: name, line: 1, message: name }],
          },
        ],
        costs: { budgetUsd: null, spentUsd: 0, inputTokens: 0, outputTokens: 0 },
        files: [{ path: name, version: 1, source: 'ai', role: name, model: name }],
        exportedAt: 0,
      });
      expect(text).toContain(name);
    }
  });
});

describe('other tables read with outside text', () => {
  test.each(prototypeNames)('parsePreference("%s") is an error, not a function', (name) => {
    expect(() => parsePreference(name)).toThrow(/Unknown preference/);
  });

  test.each(prototypeNames)('an arm of tier "%s" gets the middle prior', (name) => {
    const arm = { id: 'm', provider: 'openai', model: 'm', tier: name } as unknown as ModelArm;
    expect(priorQuality(arm, 'backend-code')).toBe(0.7);
    expect(priorLatencyPerUnitMs(arm)).toBeCloseTo(1500 * Math.pow(8, 0.3));
  });

  test.each(prototypeNames)('a file ending ".%s" is served as bytes', (name) => {
    expect(contentTypeFor(`.${name}`)).toBe('application/octet-stream');
  });

  test('highlighted markup with unknown entities keeps them as text', () => {
    expect(parseHighlight('&constructor; &__proto__;')).toEqual(['&constructor; &__proto__;']);
  });
});
