import { expect, test } from 'vitest';
import { repairPrompt } from '../../../worker/agents/repair.ts';

test('the repair prompt lists the errors, quotes the answer and asks for the whole JSON again', () => {
  const prompt = repairPrompt(['tasks: Too small', 'summary: Required'], '{"summary": 1}');
  expect(prompt).toContain('- tasks: Too small');
  expect(prompt).toContain('- summary: Required');
  expect(prompt).toContain('{"summary": 1}');
  expect(prompt).toMatch(/whole corrected answer/);
  expect(prompt).toMatch(/JSON only/);
});

test('a long previous answer is quoted only up to about 4000 characters', () => {
  const previous = 'a'.repeat(3990) + 'TAIL-MARKER'.repeat(100);
  const prompt = repairPrompt(['bad'], previous);
  expect(prompt).not.toContain('TAIL-MARKER'.repeat(2));
  expect(prompt.length).toBeLessThan(5000);
  expect(prompt).toContain(`of ${previous.length} characters`);
});

test('with no errors listed it still says what went wrong', () => {
  expect(repairPrompt([], 'not json')).toMatch(/not valid JSON/);
});
