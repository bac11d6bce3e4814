/**
 * Random variates for Thompson sampling, drawn from an injected uniform source so a seeded
 * run is reproducible. One sampler per router: the spare normal of Box–Muller is state.
 */
export interface Sampler {
  normal(): number;
  gamma(shape: number): number;
  beta(a: number, b: number): number;
}

export function makeSampler(random: () => number): Sampler {
  let spare = Number.NaN;
  const uniform = () => {
    const u = random();
    return u > 0 ? u : Number.MIN_VALUE;
  };
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const value = spare;
      spare = Number.NaN;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  // Marsaglia & Tsang (2000); shapes below 1 are boosted by one and scaled back by U^(1/a).
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a);
    const y = gamma(b);
    return x / (x + y);
  };
  return { normal, gamma, beta };
}

/** A small, fast seeded PRNG (mulberry32) for simulations and tests. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
