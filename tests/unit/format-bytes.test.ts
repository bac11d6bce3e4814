import { expect, test } from 'vitest';
import { formatBytes } from '../../web/views/data/format-bytes.ts';

test('formats storage figures in binary units with at most one decimal', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(1536)).toBe('1.5 KB');
  expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
  expect(formatBytes(150.4 * 1024 ** 3)).toBe('150 GB');
  expect(formatBytes(3 * 1024 ** 5)).toBe('3072 TB');
});
