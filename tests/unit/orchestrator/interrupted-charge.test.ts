import { expect, test } from 'vitest';
import { parsePayload } from '../../../worker/events/validate.ts';
import { closeInterrupted, interruptedCharge } from '../../../worker/orchestrator/calls/interrupted-charge.ts';
import type { CostRow } from '../../../worker/events/projections/rows.ts';
import { describeEvent } from '../../../worker/query/describe-event.ts';

const basis = { inputTokens: 1200, maxOutputTokens: 1000, inputPricePerMillion: 2, outputPricePerMillion: 10 };

const cost = (extra: Partial<CostRow> = {}): CostRow => ({
  projectId: 'p',
  reservationId: 'cost-1',
  taskId: 'api',
  armId: 'gpt-5-mini',
  maxUsd: 0.0124,
  status: 'reserved',
  actualUsd: null,
  inputTokens: 0,
  outputTokens: 0,
  latencyMs: null,
  ...extra,
});

test('an interrupted call is charged its input and its checkpointed output, plus what may be unsaved', () => {
  // 800 checkpointed + 400 that may have arrived unsaved: 1,200 characters of JSON, 400 tokens.
  expect(interruptedCharge({ basis }, { checkpointChars: 800, unsavedChars: 400 })).toEqual({
    inputTokens: 1200,
    outputTokens: 400,
    usd: (1200 * 2 + 400 * 10) / 1_000_000,
  });
  // Never more output than the call was allowed.
  expect(interruptedCharge({ basis }, { checkpointChars: 40_000, unsavedChars: 4000 })?.outputTokens).toBe(1000);
});

test('the charge is a cost-settle marked as an estimate; a reservation from an older log is given back', () => {
  const settle = closeInterrupted(cost({ basis }), { checkpointChars: 0, unsavedChars: 400 });
  expect(settle).toMatchObject({
    type: 'cost-settle',
    payload: { reservationId: 'cost-1', inputTokens: 1200, outputTokens: 134, estimated: true },
  });
  expect(() => parsePayload(settle.type, settle.payload)).not.toThrow();
  expect(closeInterrupted(cost(), { checkpointChars: 800, unsavedChars: 400 })).toMatchObject({
    type: 'cost-release',
    payload: { reservationId: 'cost-1' },
  });
});

test('events written before the basis and the estimate mark still read', () => {
  expect(parsePayload('cost-reserve', { reservationId: 'cost-1', armId: 'gpt-5-mini', maxUsd: 0.01 })).toEqual({
    reservationId: 'cost-1',
    armId: 'gpt-5-mini',
    maxUsd: 0.01,
  });
  expect(() =>
    parsePayload('cost-settle', {
      reservationId: 'cost-1',
      actualUsd: 0.001,
      inputTokens: 10,
      outputTokens: 5,
      latencyMs: 100,
    }),
  ).not.toThrow();
});

test('the feed says an estimated charge is an estimate', () => {
  const settle = closeInterrupted(cost({ basis }), { checkpointChars: 0, unsavedChars: 400 });
  if (settle.type !== 'cost-settle') throw new Error('expected a settlement');
  const event = {
    id: '01J00000000000000000000000',
    projectId: '01J00000000000000000000001',
    seq: 9,
    v: 1,
    at: 0,
    correlationId: 'c',
    causationId: null,
    ...settle,
  };
  expect(describeEvent(event)).toMatch(/^A call was charged an estimated \$[\d.]+ \(about 1200 in, 134 out\)/);
});

test('an interrupted call retried after billed attempts is charged each attempt’s input', () => {
  // Two attempts the provider billed before the one under way: three inputs.
  expect(interruptedCharge({ basis, billedRetries: 2 }, { checkpointChars: 0, unsavedChars: 0 })).toMatchObject({
    inputTokens: 3600,
    outputTokens: 0,
  });
});
