/** The router's knobs. Defaults are what the benchmark runs; tests change them to isolate behaviour. */
export interface RouterTuning {
  /**
   * Effective memory, in outcomes of a task type: every outcome of a type discounts all
   * of that type's evidence by 1 − 1/memory, so old evidence fades, untried arms regain
   * uncertainty and are revisited, and a slow drift in quality or price is followed.
   */
  memory: number;
  /** Pseudo-outcomes the capability (or tier) prior is worth. */
  priorStrength: number;
  /** Legacy (context buckets, replaced by per-feature effects); kept so older snapshots parse. */
  backoffStrength: number;
  /**
   * Pseudo-outcomes of "no effect" behind each context feature's effect on an arm: an
   * effect seen over n outcomes counts n / (n + contextShrink) of its observed size.
   */
  contextShrink: number;
  /**
   * Pseudo-outcomes of "no effect" behind each context feature's effect on an arm across
   * all task types (a model weak on Rust or on SQL is weak on it whatever the task): the
   * per-type effect is then a deviation from this shared one, shrunk by `contextShrink`.
   */
  sharedContextShrink: number;
  /** Effective memory of the shared effects, in outcomes of any task type. */
  sharedMemory: number;
  /**
   * An outcome counts as up to this many Bernoulli trials: a quality score that varies
   * little around its mean says more than a coin flip (weight = p(1 − p) / variance).
   */
  maxObservationWeight: number;
  /** The smallest drop in quality the change detector is designed to catch quickly. */
  changeShift: number;
  /** CUSUM alarm threshold, in nats of log-likelihood ratio (about e^threshold outcomes between false alarms). */
  changeThreshold: number;
  /**
   * Nats of a change detector's CUSUM at which a change counts as likely as not when
   * choosing (suspicion.ts): below `changeThreshold`, a suspected drop moves the model's
   * mean by its likelihood × the drop, without resetting anything. 0: off.
   */
  changeSuspicion: number;
  /** Discounted outcomes a cell needs before its changes are watched: its mean must mean something first. */
  changeMinEvidence: number;
  /**
   * Also watch each model across all its task types (`detectModelChange`): a model that
   * gets worse everywhere is caught from all its outcomes, not one type's.
   */
  modelChangeDetection: boolean;
  /** Utility given up per call already in flight on an arm: spreads parallel tasks. */
  balancePenalty: number;
  /** Utility lost per unit by which an arm's expected cost exceeds the per-task allowance. */
  pacePenalty: number;
  /**
   * Scales a Thompson draw's distance from the posterior mean for an arm with plenty of
   * evidence (arms with little evidence get full draws). 1 is textbook Thompson sampling;
   * below 1 explores less among well-known close arms, where exploring costs the most.
   */
  explorationScale: number;
  /**
   * How much less a task larger than a typical one explores: its draws' distance from the
   * mean is scaled by (typical list cost ÷ its list cost)^sizeExploration (0: not at all).
   */
  sizeExploration: number;
  /** Outcomes of evidence at which an arm's draws are halfway between full and scaled. */
  explorationHalfEvidence: number;
  /**
   * Prior guess of how far an arm's mean quality strays from one task type to the next
   * (a standard deviation), before the cells show it; the router estimates the spread
   * from its cells and sets how much each type borrows from the arm's other types.
   */
  typeSpreadPrior: number;
  /** How many cells the prior guess of the spread is worth. */
  typeSpreadCells: number;
  /**
   * The most outcomes the price ladder's prior may be worth (ladder.ts): a model's mean
   * across task types is expected where a line through the other models' means against
   * the log of their prices puts it, worth as many outcomes as that line's residual spread
   * allows, capped here. At or below `priorStrength` the ladder is off.
   */
  ladderMaxStrength: number;
  /** Off: no discounting and no change detection (the stationary baseline). */
  forgetting: boolean;
}

export const defaultTuning: RouterTuning = {
  memory: 300,
  priorStrength: 2,
  backoffStrength: 30,
  contextShrink: 40,
  sharedContextShrink: 40,
  sharedMemory: 1500,
  maxObservationWeight: 8,
  changeShift: 0.25,
  changeThreshold: 10,
  changeSuspicion: 9.2,
  changeMinEvidence: 8,
  modelChangeDetection: true,
  balancePenalty: 0.01,
  pacePenalty: 0.5,
  explorationScale: 0.3,
  explorationHalfEvidence: 2,
  sizeExploration: 0.5,
  typeSpreadPrior: 0.1,
  typeSpreadCells: 4,
  ladderMaxStrength: 60,
  forgetting: true,
};
