/**
 * Changing a project with edit blocks instead of whole files.
 *
 * - `edit_output_tokens`: the answer for a one-line change to a 400-line file, as edit
 *   blocks against the same change sent as the whole file (the baseline), both as the JSON
 *   an agent sends and counted the same way (the engine's estimate, four characters a token).
 * - `edit_apply_ms_per_file`: placing, checking and applying an answer's blocks in a
 *   200-file project, per edited file, beside hashing the new text (which a whole-file
 *   answer costs as well), and parsing the edit answer against parsing the whole files.
 */
import { performance } from 'node:perf_hooks';
import { fileOutputSchema } from '../../../worker/agents/contracts.ts';
import { validateOutput } from '../../../worker/artifacts/parse-output.ts';
import { changeOutputSchema } from '../../../worker/changes/change-output.ts';
import { applyEditBlocks } from '../../../worker/changes/edit-blocks.ts';
import { sha256Hex } from '../../../worker/events/hash.ts';
import { estimateTokens } from '../../../worker/orchestrator/context.ts';
import { type BenchResult, median, withBaseline } from '../result.ts';

/** A 400-line module of distinct, ordinary-looking code. */
function moduleOf(seed: number, lines = 400): string {
  const out: string[] = [
    `// Module ${seed}: records and their queries.`,
    `import { strict as assert } from 'node:assert';`,
    '',
  ];
  for (let fn = 0; out.length < lines - 1; fn++) {
    out.push(
      `/** Returns the records of kind ${fn} whose score passes the threshold. */`,
      `export function select${seed}_${fn}(records, threshold = ${fn % 7}) {`,
      `  assert(Array.isArray(records), 'records must be an array');`,
      `  const kept = records.filter((record) => record.kind === ${fn} && record.score > threshold);`,
      `  return kept.sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));`,
      `}`,
      '',
    );
  }
  return out.slice(0, lines - 1).join('\n') + '\n';
}

const path = (index: number) => `src/records/module-${index}.js`;

export async function changesSuite(): Promise<BenchResult[]> {
  // 1. Output tokens of one one-line change.
  const before = moduleOf(1);
  const oldLine = '  const kept = records.filter((record) => record.kind === 31 && record.score > threshold);';
  const newLine = '  const kept = records.filter((record) => record.kind === 31 && record.score >= threshold);';
  const after = before.replace(oldLine, newLine);
  if (after === before) throw new Error('The change did not apply.');
  const editAnswer = JSON.stringify({
    files: [],
    edits: [{ path: path(1), search: oldLine, replace: newLine }],
    notes: 'Records at the threshold now pass.',
  });
  const wholeAnswer = JSON.stringify({
    files: [{ path: path(1), language: 'javascript', content: after }],
    notes: 'Records at the threshold now pass.',
  });
  const small = validateOutput(changeOutputSchema, editAnswer);
  if (!small.ok) throw new Error(small.errors.join('; '));
  const applied = applyEditBlocks(new Map([[path(1), before]]), small.value.edits);
  if (!applied.ok || applied.files[0]?.after !== after) throw new Error('The edit answer does not give the same file.');

  // 2. Applying edits across a 200-file project: 20 files changed, 3 blocks each.
  const files = new Map(Array.from({ length: 200 }, (_, index) => [path(index), moduleOf(index)]));
  const edited = Array.from({ length: 20 }, (_, index) => index * 10);
  const edits = edited.flatMap((index) =>
    [3, 27, 51].map((fn) => ({
      path: path(index),
      search: `export function select${index}_${fn}(records, threshold = ${fn % 7}) {`,
      replace: `export function select${index}_${fn}(records, threshold = ${(fn % 7) + 1}) {`,
    })),
  );
  const bigEditAnswer = JSON.stringify({ files: [], edits, notes: '' });
  const results = applyEditBlocks(files, edits);
  if (!results.ok) throw new Error('The project edits did not apply.');
  const bigWholeAnswer = JSON.stringify({
    files: results.files.map((file) => ({ path: file.path, language: 'javascript', content: file.after })),
    notes: '',
  });

  const parsedEdits = validateOutput(changeOutputSchema, bigEditAnswer);
  const parsedWhole = validateOutput(fileOutputSchema, bigWholeAnswer);
  if (!parsedEdits.ok || !parsedWhole.ok) throw new Error('The answers do not match their schemas.');
  const applyTimes: number[] = [];
  const hashTimes: number[] = [];
  const parseEditTimes: number[] = [];
  const parseWholeTimes: number[] = [];
  for (let round = 0; round < 45; round++) {
    // Alternating, so drift on a busy machine hits all alike; the first five warm up.
    const t0 = performance.now();
    const result = applyEditBlocks(files, parsedEdits.value.edits);
    const t1 = performance.now();
    if (!result.ok) throw new Error('apply failed');
    await Promise.all(result.files.map((file) => sha256Hex(file.after)));
    const t2 = performance.now();
    validateOutput(changeOutputSchema, bigEditAnswer);
    const t3 = performance.now();
    validateOutput(fileOutputSchema, bigWholeAnswer);
    const t4 = performance.now();
    if (round >= 5) {
      applyTimes.push((t1 - t0) / edited.length);
      hashTimes.push((t2 - t1) / edited.length);
      parseEditTimes.push((t3 - t2) / edited.length);
      parseWholeTimes.push((t4 - t3) / edited.length);
    }
  }
  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  return [
    withBaseline({
      metric: 'edit_output_tokens',
      value: estimateTokens(editAnswer),
      unit: 'tokens',
      baseline: { name: 'whole_file_rewrite_tokens', value: estimateTokens(wholeAnswer) },
      target: '<= 0.1 of baseline (one-line change to a 400-line file)',
    }),
    withBaseline({
      metric: 'edit_apply_ms_per_file',
      value: round3(median(applyTimes)),
      unit: 'ms',
      baseline: { name: 'sha256_of_edited_file_ms', value: round3(median(hashTimes)) },
      target: '<= 1 ms per edited file (200 files of 400 lines, 20 edited, 3 blocks each: find, check, splice)',
    }),
    withBaseline({
      metric: 'edit_answer_parse_ms_per_file',
      value: round3(median(parseEditTimes)),
      unit: 'ms',
      baseline: { name: 'whole_file_answer_parse_ms_per_file', value: round3(median(parseWholeTimes)) },
      target: 'informative: reading an edit answer against the whole-file answer of the same change',
    }),
  ];
}
