import { expect, test } from 'vitest';
import { eventTypes } from '../../../worker/events/catalog.ts';
import { UpcastError, type UpcasterTable, upcast } from '../../../worker/events/upcast.ts';
import { InvalidEventError, parseStoredEvent } from '../../../worker/events/validate.ts';

const table: UpcasterTable = {
  'task-fail': {
    // v1 had a bare reason; v2 split it into kind and message.
    1: (payload) => {
      const { reason, ...rest } = payload as { reason: string };
      return { ...rest, kind: 'unknown', message: reason };
    },
    // v3 added `retryable`.
    2: (payload) => ({ ...(payload as object), retryable: false }),
  },
};

test('an old payload is carried through every upcaster to the current version', () => {
  expect(upcast('task-fail', 1, { taskId: 't', attempt: 1, reason: 'boom' }, 3, table)).toEqual({
    taskId: 't',
    attempt: 1,
    kind: 'unknown',
    message: 'boom',
    retryable: false,
  });
  expect(upcast('task-fail', 2, { kind: 'k', message: 'm' }, 3, table)).toEqual({
    kind: 'k',
    message: 'm',
    retryable: false,
  });
  expect(upcast('task-fail', 3, { same: true }, 3, table)).toEqual({ same: true });
});

test('a missing step or a version from the future is refused with a clear message', () => {
  expect(() => upcast('task-start', 1, {}, 2, table)).toThrow(
    new UpcastError('No way to read task-start events of schema version 1.'),
  );
  expect(() => upcast('task-fail', 4, {}, 3, table)).toThrow(/written by a newer version of Orchestra/);
});

test('a stored event is checked envelope first, then payload', () => {
  const event = {
    id: '01HZY3W4D9Q8Y6X7V5T3S1R0PA',
    projectId: '01HZY3W4D9Q8Y6X7V5T3S1R0PB',
    seq: 1,
    type: 'user-message',
    v: 1,
    at: 1,
    actor: { kind: 'user' },
    correlationId: 'c',
    causationId: null,
    payload: { messageId: 'm', text: 'hi' },
  };
  expect(parseStoredEvent(event)).toEqual(event);
  expect(() => parseStoredEvent({ ...event, seq: 0 })).toThrow(InvalidEventError);
  expect(() => parseStoredEvent({ ...event, type: 'made-up' })).toThrow(/type/);
  expect(() => parseStoredEvent({ ...event, payload: { messageId: 'm' } })).toThrow(
    /user-message event is not valid: text/,
  );
  expect(eventTypes).toHaveLength(38);
});
