import type { DiffHunk, DiffLine } from '../changes/file-diff.ts';

/** One row of the side-by-side view: the old line on the left, the new on the right. */
export interface SideBySideRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

/**
 * Pairs a hunk's lines for two columns: unchanged lines sit side by side, and a run of
 * removed lines faces the run of added lines that replaced it.
 */
export function sideBySide(hunk: DiffHunk): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let at = 0;
  const { lines } = hunk;
  while (at < lines.length) {
    const line = lines[at];
    if (!line) break;
    if (line.kind === 'context') {
      rows.push({ left: line, right: line });
      at++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (lines[at]?.kind === 'remove') removed.push(lines[at++] as DiffLine);
    while (lines[at]?.kind === 'add') added.push(lines[at++] as DiffLine);
    for (let row = 0; row < Math.max(removed.length, added.length); row++) {
      rows.push({ left: removed[row] ?? null, right: added[row] ?? null });
    }
  }
  return rows;
}
