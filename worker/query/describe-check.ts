import type { CheckSummary } from '../events/projections/rows.ts';

type Counts = CheckSummary['counts'];
type Outcome = CheckSummary['outcome'];

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * A test run's result in one sentence: "12 of 12 tests pass." or what stopped it.
 * @example describeCheck('completed', { pass: 11, fail: 1, error: 0, skip: 0, todo: 0 }, null)
 * // "11 of 12 tests pass; 1 fails."
 */
export function describeCheck(outcome: Outcome, counts: Counts, reason: string | null): string {
  const ran = counts.pass + counts.fail + counts.error;
  const broken = counts.fail + counts.error;
  const skipped = counts.skip + counts.todo;
  const tail = skipped > 0 ? ` (${plural(skipped, 'test')} skipped)` : '';
  if (outcome === 'completed') {
    if (ran === 0) return `No tests ran${tail}.`;
    const verb = ran === 1 ? 'passes' : 'pass';
    if (broken === 0) return `${counts.pass} of ${plural(ran, 'test')} ${verb}${tail}.`;
    return `${counts.pass} of ${plural(ran, 'test')} ${verb}; ${broken} ${broken === 1 ? 'fails' : 'fail'}${tail}.`;
  }
  const sentence = reason ?? defaultReasons.get(outcome) ?? 'The tests did not finish.';
  const partial = ran > 0 ? ` Before that, ${counts.pass} of ${plural(ran, 'test')} passed.` : '';
  return `${sentence}${partial}`;
}

const defaultReasons = new Map<Outcome, string>([
  ['timed-out', 'The tests were stopped at the time limit.'],
  ['out-of-memory', 'The tests ran out of memory.'],
  ['stopped', 'The tests were stopped.'],
  ['crashed', 'The test run crashed.'],
  ['not-runnable', 'The tests could not run here.'],
]);
