/**
 * Per-arm ridge regressions of quality on a context vector (the disjoint linear model of
 * LinUCB, Li et al. 2010), kept as A⁻¹, b and θ = A⁻¹b, updated online by Sherman–Morrison.
 * LinUCB draws its upper bound from it; the diagnosis's full-information learner its means.
 */
export class RidgeArms {
  private readonly inverse: Float64Array[];
  private readonly b: Float64Array[];
  private readonly theta: Float64Array[];
  /** A⁻¹x of the last call, reused between calls. */
  private readonly ax: Float64Array;

  constructor(
    arms: number,
    private readonly d: number,
  ) {
    this.inverse = Array.from({ length: arms }, () => {
      const m = new Float64Array(d * d);
      for (let i = 0; i < d; i++) m[i * d + i] = 1;
      return m;
    });
    this.b = Array.from({ length: arms }, () => new Float64Array(d));
    this.theta = Array.from({ length: arms }, () => new Float64Array(d));
    this.ax = new Float64Array(d);
  }

  private times(m: Float64Array, v: Float64Array, out: Float64Array): void {
    const d = this.d;
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += (m[i * d + j] as number) * (v[j] as number);
      out[i] = sum;
    }
  }

  /** θ·x: arm `k`'s estimated quality for context `x`. */
  mean(k: number, x: Float64Array): number {
    const th = this.theta[k] as Float64Array;
    let mean = 0;
    for (let i = 0; i < this.d; i++) mean += (th[i] as number) * (x[i] as number);
    return mean;
  }

  /** xᵀA⁻¹x: how uncertain arm `k` is about context `x`. */
  spread(k: number, x: Float64Array): number {
    this.times(this.inverse[k] as Float64Array, x, this.ax);
    let spread = 0;
    for (let i = 0; i < this.d; i++) spread += (x[i] as number) * (this.ax[i] as number);
    return spread;
  }

  /** Adds the outcome `y` of arm `k` at context `x`. */
  learn(k: number, x: Float64Array, y: number): void {
    const d = this.d;
    const m = this.inverse[k] as Float64Array;
    const ax = this.ax;
    this.times(m, x, ax);
    let denominator = 1;
    for (let i = 0; i < d; i++) denominator += (x[i] as number) * (ax[i] as number);
    // Sherman–Morrison: A⁻¹ ← A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x); A is symmetric.
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++)
        m[i * d + j] = (m[i * d + j] as number) - ((ax[i] as number) * (ax[j] as number)) / denominator;
    const bk = this.b[k] as Float64Array;
    for (let i = 0; i < d; i++) bk[i] = (bk[i] as number) + y * (x[i] as number);
    this.times(m, bk, this.theta[k] as Float64Array);
  }
}
