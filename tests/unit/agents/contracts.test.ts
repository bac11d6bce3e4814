import { expect, test } from 'vitest';
import {
  chatReplySchema,
  fileOutputSchema,
  isBlocking,
  jsonSchemaOf,
  planSchema,
  reviewSchema,
  severityRank,
  type ChatReply,
  type FileOutput,
  type Review,
} from '../../../worker/agents/contracts.ts';
import { taskEvents } from '../../../worker/events/schemas/task-events.ts';
import { samplePlan } from './sample-input.ts';

const goodFiles: FileOutput = {
  files: [{ path: 'app/main.py', language: 'python', content: 'print("hi")\n' }],
  notes: '',
};
const goodReview: Review = {
  verdict: 'changes-requested',
  summary: 'One crash.',
  findings: [{ severity: 'critical', file: 'app/main.py', line: 3, message: 'Crashes.', suggestion: 'Guard it.' }],
};
const goodChat: ChatReply = {
  reply: 'Added dark mode.',
  changes: {
    add: [samplePlan.tasks[1]!],
    update: [{ id: 'api-core', title: null, instructions: 'Also add /health.' }],
    cancel: ['tests-api'],
  },
};

test('a good plan, file output, review and chat reply are accepted', () => {
  expect(planSchema.safeParse(samplePlan).success).toBe(true);
  expect(fileOutputSchema.safeParse(goodFiles).success).toBe(true);
  expect(reviewSchema.safeParse(goodReview).success).toBe(true);
  expect(chatReplySchema.safeParse(goodChat).success).toBe(true);
});

test('a plan validates as a plan-propose payload as it is', () => {
  const payload = { planId: 'plan-1', ...samplePlan };
  expect(taskEvents['plan-propose'].safeParse(payload).success).toBe(true);
});

test('bad plans are rejected', () => {
  const bad: unknown[] = [
    { ...samplePlan, tasks: [] },
    { ...samplePlan, complexity: 'huge' },
    { ...samplePlan, estimate: { tokens: -1, costUsd: 0 } },
    { ...samplePlan, estimate: { tokens: 1.5, costUsd: 0 } },
    { ...samplePlan, estimate: { tokens: 10, costUsd: -0.01 } },
    { ...samplePlan, tasks: [{ ...samplePlan.tasks[0], role: 'designer' }] },
    { ...samplePlan, tasks: [{ ...samplePlan.tasks[0], dependsOn: undefined }] },
    { summary: samplePlan.summary },
  ];
  for (const plan of bad) expect(planSchema.safeParse(plan).success, JSON.stringify(plan)).toBe(false);
});

test('bad file outputs are rejected, including an empty file list', () => {
  const bad: unknown[] = [
    { files: [], notes: '' },
    { files: goodFiles.files },
    { files: [{ path: 'a.py', content: 'x' }], notes: '' },
    { files: [{ path: '', language: 'python', content: 'x' }], notes: '' },
  ];
  for (const output of bad) expect(fileOutputSchema.safeParse(output).success).toBe(false);
});

test('findings need a known severity and a whole line number from 1, or null', () => {
  const finding = goodReview.findings[0]!;
  const withFinding = (change: object) => ({ ...goodReview, findings: [{ ...finding, ...change }] });
  expect(reviewSchema.safeParse(withFinding({ line: null })).success).toBe(true);
  expect(reviewSchema.safeParse(withFinding({ line: 0 })).success).toBe(false);
  expect(reviewSchema.safeParse(withFinding({ line: 2.5 })).success).toBe(false);
  expect(reviewSchema.safeParse(withFinding({ line: undefined })).success).toBe(false);
  expect(reviewSchema.safeParse(withFinding({ severity: 'blocker' })).success).toBe(false);
  expect(reviewSchema.safeParse({ ...goodReview, verdict: 'fail' }).success).toBe(false);
});

test('chat updates must say null for an unchanged field, not leave it out', () => {
  const update = { id: 'api-core', instructions: 'x' };
  const reply = { ...goodChat, changes: { ...goodChat.changes, update: [update] } };
  expect(chatReplySchema.safeParse(reply).success).toBe(false);
  expect(chatReplySchema.safeParse({ reply: 'ok' }).success).toBe(false);
});

test('critical and major findings block; minor and info do not', () => {
  expect(isBlocking({ severity: 'critical' })).toBe(true);
  expect(isBlocking({ severity: 'major' })).toBe(true);
  expect(isBlocking({ severity: 'minor' })).toBe(false);
  expect(isBlocking({ severity: 'info' })).toBe(false);
  expect(severityRank.critical).toBeGreaterThan(severityRank.major);
  expect(severityRank.minor).toBeGreaterThan(severityRank.info);
});

/** Every object in a JSON schema, wherever it is nested. */
function objectsIn(node: unknown, at = '$'): { at: string; node: Record<string, unknown> }[] {
  if (typeof node !== 'object' || node === null) return [];
  if (Array.isArray(node)) return node.flatMap((item, i) => objectsIn(item, `${at}[${i}]`));
  const record = node as Record<string, unknown>;
  const here = record['type'] === 'object' || 'properties' in record ? [{ at, node: record }] : [];
  const nested = Object.entries(record).flatMap(([key, value]) =>
    key === 'enum' || key === 'required' ? [] : objectsIn(value, `${at}.${key}`),
  );
  return [...here, ...nested];
}

test('every output JSON schema is strict: no extra properties, every property required', () => {
  for (const schema of [planSchema, fileOutputSchema, reviewSchema, chatReplySchema]) {
    const json = jsonSchemaOf(schema);
    expect(json).not.toHaveProperty('$schema');
    expect(json['type']).toBe('object');
    const objects = objectsIn(json);
    expect(objects.length).toBeGreaterThan(1);
    for (const { at, node } of objects) {
      expect(node['additionalProperties'], at).toBe(false);
      const properties = Object.keys(node['properties'] as object).sort();
      expect([...(node['required'] as string[])].sort(), at).toEqual(properties);
    }
  }
});

test('nullable fields become a null alternative in the JSON schema', () => {
  const json = JSON.stringify(jsonSchemaOf(reviewSchema));
  expect(json).toContain('"null"');
});
