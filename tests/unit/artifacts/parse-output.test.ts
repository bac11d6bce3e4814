import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { extractJson, validateOutput } from '../../../worker/artifacts/parse-output.ts';

describe('extractJson', () => {
  test('parses a bare answer', () => {
    expect(extractJson('  {"a": 1, "b": [true, null]}\n')).toEqual({ ok: true, value: { a: 1, b: [true, null] } });
  });

  test('takes the json fence out of prose', () => {
    const answer = 'Here is the plan:\n\n```json\n{"summary": "todo app", "tasks": []}\n```\n\nLet me know!';
    expect(extractJson(answer)).toEqual({ ok: true, value: { summary: 'todo app', tasks: [] } });
  });

  test('prefers the json fence to an earlier plain fence', () => {
    const answer = 'Run:\n```\nnpm install\n```\nThen:\n```JSON\n{"ok": true}\n```';
    expect(extractJson(answer)).toEqual({ ok: true, value: { ok: true } });
  });

  test('takes a plain fence when there is no json fence', () => {
    expect(extractJson('Result:\n```\n[1, 2, 3]\n```')).toEqual({ ok: true, value: [1, 2, 3] });
  });

  test('finds an object in prose without a fence', () => {
    const answer = 'Sure. {"files": [{"path": "a.js"}]} Hope that helps.';
    expect(extractJson(answer)).toEqual({ ok: true, value: { files: [{ path: 'a.js' }] } });
  });

  test('is not fooled by braces and quotes inside strings', () => {
    const value = { code: 'function f() { return "}"; }', note: 'a \\"quoted\\" {brace' };
    const answer = `The file:\n${JSON.stringify(value)}\nDone } {`;
    expect(extractJson(answer)).toEqual({ ok: true, value });
  });

  test('steps past stray braces in prose', () => {
    const answer = 'Use {name} as a placeholder. {"name": "x"}';
    expect(extractJson(answer)).toEqual({ ok: true, value: { name: 'x' } });
  });

  test('reports a cut-off object instead of returning a nested fragment', () => {
    const answer = 'Here:\n{"plan": {"summary": "x"}, "tasks": [{"id": "t1", "title": "Set up';
    expect(extractJson(answer)).toEqual({
      ok: false,
      error: "The answer's JSON is cut off (it ends before the object closes)",
    });
  });

  test('reports a cut-off object inside an unclosed fence', () => {
    const result = extractJson('```json\n{"a": [1, 2,');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/cut off/);
  });

  test('reports an answer that is not JSON', () => {
    const result = extractJson('I could not do that, sorry.');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^The answer was not JSON: .*I could not do that/);
  });

  test('reports invalid JSON in a balanced object', () => {
    const result = extractJson("{'a': 1}");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^The answer was not JSON: /);
  });

  test('reports an empty answer', () => {
    expect(extractJson('  \n')).toEqual({ ok: false, error: 'The answer was not JSON: it was empty.' });
  });
});

describe('validateOutput', () => {
  const plan = z.object({
    summary: z.string(),
    tasks: z.array(z.object({ id: z.string(), role: z.enum(['architect', 'coder']), attempts: z.number().int() })),
  });

  test('returns the typed value', () => {
    const result = validateOutput(
      plan,
      '```json\n{"summary": "s", "tasks": [{"id": "t", "role": "coder", "attempts": 1}]}\n```',
    );
    expect(result).toEqual({ ok: true, value: { summary: 's', tasks: [{ id: 't', role: 'coder', attempts: 1 }] } });
  });

  test('gives one readable line per problem, with the path to the field', () => {
    const result = validateOutput(plan, '{"tasks": [{"id": 3, "role": "boss", "attempts": 1.5}]}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(4);
    expect(result.errors[0]).toMatch(/^summary: .*expected string/);
    expect(result.errors.some((line) => /^tasks\[0\]\.id: .*expected string/.test(line))).toBe(true);
    expect(result.errors.some((line) => /^tasks\[0\]\.role: .*"architect"/.test(line))).toBe(true);
    expect(result.errors.some((line) => /^tasks\[0\]\.attempts: /.test(line))).toBe(true);
  });

  test('names the whole answer when the root has the wrong type', () => {
    expect(validateOutput(plan, '[1]')).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^\(the whole answer\): .*expected object/) as unknown],
    });
  });

  test('caps the list at twenty lines', () => {
    const many = z.array(z.string());
    const result = validateOutput(many, JSON.stringify(Array.from({ length: 50 }, (_, index) => index)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(20);
    expect(result.errors[0]).toMatch(/^\[0\]: /);
    expect(result.errors[19]).toBe('… and 31 more problems of the same kind.');
  });

  test('passes on the extraction error', () => {
    expect(validateOutput(plan, '{"summary": "s", "tasks": [')).toEqual({
      ok: false,
      errors: ["The answer's JSON is cut off (it ends before the object closes)"],
    });
  });
});
