import { describe, expect, test } from 'vitest';
import { type Severity, scoreReviewed, scoreTask } from '../../../worker/artifacts/quality.ts';

const base = { role: 'code-generator', repairs: 0, filesAccepted: 3, filesRejected: 0 };

function reviewed(severities: Severity[], verdict: 'pass' | 'changes-requested' = 'changes-requested') {
  return scoreTask({ ...base, review: { verdict, findings: severities.map((severity) => ({ severity })) } }).score;
}

describe('scoreTask', () => {
  test('a clean first-try task with no review scores 1', () => {
    expect(scoreTask(base)).toEqual({
      score: 1,
      signals: { validation: 1, files: 1, review: 1, tests: 1, repairs: 0, filesAccepted: 3, filesRejected: 0 },
    });
  });

  test('more repairs score strictly lower', () => {
    const scores = [0, 1, 2, 3, 5].map((repairs) => scoreTask({ ...base, repairs }).score);
    for (let index = 1; index < scores.length; index++) expect(scores[index]).toBeLessThan(scores[index - 1] ?? 0);
    expect(scores[1]).toBeCloseTo(0.7);
    expect(scores[2]).toBeCloseTo(0.49);
  });

  test('rejected files lower the score in proportion', () => {
    expect(scoreTask({ ...base, filesAccepted: 3, filesRejected: 1 }).score).toBeCloseTo(0.75);
    expect(scoreTask({ ...base, filesAccepted: 0, filesRejected: 2 }).score).toBe(0);
    expect(scoreTask({ ...base, filesAccepted: 0, filesRejected: 0 }).score).toBe(1);
  });

  test('critical findings weigh far more than major, and major more than minor', () => {
    const none = reviewed([]);
    const info = reviewed(['info']);
    const minor = reviewed(['minor']);
    const major = reviewed(['major']);
    const critical = reviewed(['critical']);
    expect(info).toBe(none);
    expect(minor).toBeLessThan(none);
    expect(major).toBeLessThan(minor);
    expect(critical).toBeLessThan(major);
    // One critical outweighs three majors; one major outweighs three minors.
    expect(critical).toBeLessThan(reviewed(['major', 'major', 'major']));
    expect(major).toBeLessThan(reviewed(['minor', 'minor', 'minor']));
    expect(reviewed(['major', 'major'])).toBeLessThan(major);
  });

  test('changes requested scores below a pass with the same findings', () => {
    expect(reviewed(['minor'], 'changes-requested')).toBeLessThan(reviewed(['minor'], 'pass'));
    expect(reviewed([], 'pass')).toBe(1);
  });

  test('a build with tests scores higher than one without', () => {
    const withTests = scoreTask({ ...base, hasTests: true }).score;
    const without = scoreTask({ ...base, hasTests: false }).score;
    expect(withTests).toBeGreaterThan(without);
    expect(scoreTask({ ...base, hasTests: undefined }).score).toBe(withTests);
  });

  test('the score stays in 0..1 and every signal is a finite number', () => {
    const score = scoreTask({
      ...base,
      repairs: 40,
      filesRejected: 7,
      hasTests: false,
      review: {
        verdict: 'changes-requested',
        findings: Array.from({ length: 50 }, () => ({ severity: 'critical' as const })),
      },
    });
    expect(score.score).toBeGreaterThanOrEqual(0);
    expect(score.score).toBeLessThanOrEqual(1);
    for (const value of Object.values(score.signals)) expect(Number.isFinite(value)).toBe(true);
  });
});

describe('scoreReviewed', () => {
  test('applies a later review to an earlier score, replacing any earlier review', () => {
    const first = scoreTask({ ...base, repairs: 1 });
    const afterMajor = scoreReviewed(first, { verdict: 'changes-requested', findings: [{ severity: 'major' }] });
    expect(afterMajor.score).toBeCloseTo(0.7 * 0.85 * 0.8);
    expect(afterMajor.signals.findingsMajor).toBe(1);
    const afterFix = scoreReviewed(afterMajor, { verdict: 'pass', findings: [] });
    expect(afterFix.score).toBeCloseTo(first.score);
    expect(afterFix.signals.findingsMajor).toBe(0);
  });

  test('matches scoring with the review in one step', () => {
    const review = {
      verdict: 'changes-requested' as const,
      findings: [{ severity: 'minor' as const }, { severity: 'critical' as const }],
    };
    expect(scoreReviewed(scoreTask(base), review)).toEqual(scoreTask({ ...base, review }));
  });
});
