import { expect, test } from 'vitest';
import { storageWarning } from '../../../web/views/data/storage-warning.ts';

test('the Data view warns from 80% of the quota on, before the disk is full, and never without a quota', () => {
  const quota = 1024 ** 3;
  expect(storageWarning(0.5 * quota, quota)).toBeUndefined();
  expect(storageWarning(0.79 * quota, quota)).toBeUndefined();
  expect(storageWarning(0.8 * quota, quota)).toMatch(
    /^This device is nearly out of room for Orchestra: 80% of the 1 GB/,
  );
  expect(storageWarning(1.2 * quota, quota)).toMatch(/: 100% of/);
  expect(storageWarning(10, 0)).toBeUndefined();
});
