/**
 * Issue 20, point 4: an `error-report` of Orchestra's own (a raw error kept for a bug
 * report) reads in the feed as a problem of Orchestra's, naming the task by its title,
 * with no internal ids; other reports keep their own sentences.
 */
import { expect, test } from 'vitest';
import type { OrchestraEvent } from '../../../worker/events/catalog.ts';
import { pooledUlid } from '../../../worker/events/ids.ts';
import { describeEvent, withoutIds } from '../../../worker/query/describe-event.ts';

const report = (payload: { kind: string; message: string; taskId?: string }): OrchestraEvent =>
  ({
    id: pooledUlid(),
    projectId: 'p',
    seq: 9,
    at: '2026-12-07T16:00:00.000Z',
    type: 'error-report',
    actor: { kind: 'system', component: 'orchestrator' },
    payload,
  }) as unknown as OrchestraEvent;

test('an engine fault names the task by title and shows no ids', () => {
  const reservation = `cost-${pooledUlid()}`;
  const line = describeEvent(
    report({ kind: 'engine', message: `No reservation ${reservation} for event ${pooledUlid()}.`, taskId: 'api' }),
    { taskTitle: (id) => (id === 'api' ? 'Notes module' : undefined) },
  );
  expect(line).toBe(
    'Orchestra hit a problem of its own while “Notes module” ran. The details, for a report: No reservation a cost reservation for event an internal id.',
  );
  expect(line).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}/);
});

test('reports that are already sentences are shown as written', () => {
  const message = 'A file was not written: the path “../x” leaves the project.';
  expect(
    describeEvent(report({ kind: 'unsafe_path', message, taskId: 'api' }), { taskTitle: () => 'Notes module' }),
  ).toBe(`While on task “Notes module”: ${message}`);
});

test('withoutIds leaves ordinary words and short codes alone', () => {
  expect(withoutIds('HTTP 500 at step 3 of ABCDEFGH')).toBe('HTTP 500 at step 3 of ABCDEFGH');
});
