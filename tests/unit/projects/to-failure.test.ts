import Dexie from 'dexie';
import { expect, test } from 'vitest';
import { ConcurrencyError, StorageFullError } from '../../../worker/events/errors.ts';
import { toFailure } from '../../../worker/projects/to-failure.ts';

test('a plain bug is not reported as storage trouble', () => {
  const failure = toFailure(new TypeError("Cannot read properties of undefined (reading 'role')"));
  expect(failure.kind).toBe('internal');
  expect(failure.message).not.toMatch(/read or write its data/);
  expect(failure.message).toMatch(/reading 'role'/);
  expect(failure.retryable).toBe(false);
});

test('what storage throws is still storage trouble, and the store’s own errors keep their kinds', () => {
  expect(toFailure(new Dexie.DatabaseClosedError('closed'))).toMatchObject({ kind: 'storage', retryable: true });
  const aborted = toFailure(new DOMException('The transaction was aborted.', 'AbortError'));
  expect(aborted.kind).toBe('storage');
  expect(aborted.message).toMatch(/read or write its data/);
  expect(toFailure(new ConcurrencyError('moved on'))).toMatchObject({ kind: 'conflict' });
  expect(toFailure(new StorageFullError('full'))).toMatchObject({ kind: 'storage_full' });
});

test('a quota refusal from the browser names the lack of room, not a fault of reading', () => {
  for (const error of [
    new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    new Dexie.QuotaExceededError('Encountered full disk while opening backing store for indexedDB.open.'),
  ]) {
    const failure = toFailure(error);
    expect(failure).toMatchObject({ kind: 'storage_full', retryable: true });
    expect(failure.message).toMatch(/no room left/);
    expect(failure.message).not.toMatch(/read or write its data/);
  }
});
