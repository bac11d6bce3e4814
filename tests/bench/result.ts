/** One figure of a benchmark suite, in the format of ARCHITECTURE.md. */
export interface BenchResult {
  metric: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  target?: string;
}

export function withBaseline(
  result: Omit<BenchResult, 'ratio'> & { baseline: { name: string; value: number } },
): BenchResult {
  return { ...result, ratio: Math.round((result.value / result.baseline.value) * 1000) / 1000 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
