// One KitNET autoencoder (KitNET-py's "dA", spec §5): tied weights, sigmoid units, running min–max
// normalisation, one SGD step per row. Hot path: plain loops over preallocated Float64Arrays, no allocation.
import { MersenneTwister } from './mt19937.js';
import { exactSigmoid, tableSigmoid } from './sigmoid.js';

/** Seed of the fresh MT19937 each autoencoder draws its initial weights from (§5.2). */
export const WEIGHT_SEED = 1234;
/** KitNET-py's normalisation epsilon: x̂ = (x − lo) / (hi − lo + 1e-16) (§5.4). */
export const REFERENCE_RANGE_EPSILON = 1e-16;
/** Improved mode's floor on hi − lo, relative to the feature's magnitude (see rangeDenominator). */
export const RANGE_FLOOR_RELATIVE = 1e-6;

/** How one autoencoder departs (or not) from KitNET-py. */
export interface AutoencoderBehaviour {
  /** 'per-unit' is the fixed update (Kitsune-py, V2); 'scalar-mean' is KitNET-py's bug (V1). */
  readonly biasUpdate: 'per-unit' | 'scalar-mean';
  /** true: floor hi − lo (improved); false: hi − lo + 1e-16 (reference). */
  readonly rangeFloor: boolean;
  /** true: soft-clip normalised inputs when scoring (improved); false: unbounded (reference). */
  readonly softClip: boolean;
  /** 'exact': 1/(1 + e^{−t}) with Math.exp (reference); 'table': tableSigmoid, within 3e-11 and ~3× faster (improved). */
  readonly sigmoid: 'exact' | 'table';
}

/** Plain-data snapshot of one autoencoder; restoring it gives bit-identical behaviour. */
export interface AutoencoderState {
  visible: number;
  hidden: number;
  learningRate: number;
  /** W, visible × hidden, row-major */
  weights: Float64Array;
  hiddenBias: Float64Array;
  visibleBias: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  trainedRows: number;
}

/** n_h = ⌈n_v·β⌉ (§5.1). */
export function hiddenSize(visible: number, hiddenRatio: number): number {
  return Math.max(1, Math.ceil(visible * hiddenRatio));
}

/**
 * Improved mode's bound on normalised inputs at scoring time: identity on [0, 1], then logarithmic beyond,
 * 1 + ln x̂ above 1 and −ln(1 − x̂) below 0. It is continuous with slope 1 at both ends, keeps the order of
 * anomalies (a bigger excursion still scores higher) but turns the reference's 10¹⁶-scale values into ≈ 38,
 * so one wild feature cannot swamp its group or overflow. NaN (only from ranges that overflowed) maps to ½.
 */
export function softClip(v: number): number {
  if (v > 1) return 1 + Math.log(Math.min(v, Number.MAX_VALUE));
  if (v >= 0) return v;
  if (v < 0) return -Math.log1p(Math.min(-v, Number.MAX_VALUE));
  return 0.5;
}

/** softClip on values[start..end), in place; the inputs in [0, 1] (nearly all of them) pass untouched. */
export function softClipInPlace(values: Float64Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v >= 0 && v <= 1) continue;
    values[i] = softClip(v);
  }
}

/** One tied-weight sigmoid autoencoder with its own min–max normaliser. */
export class Autoencoder {
  readonly visible: number;
  readonly hidden: number;
  readonly learningRate: number;
  readonly behaviour: AutoencoderBehaviour;
  readonly weights: Float64Array;
  readonly hiddenBias: Float64Array;
  readonly visibleBias: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  trainedRows: number;
  /** The caller writes the row to train on or score here before calling train() / execute(). */
  readonly input: Float64Array;
  /** x̂ of the last train/execute (after soft clipping when enabled) */
  readonly normalised: Float64Array;
  /** z of the last train/execute */
  readonly reconstruction: Float64Array;
  /** the divisor of min–max normalisation per input, kept in step with lo/hi (see rangeDenominator) */
  private readonly denominator: Float64Array;
  private readonly hiddenActivation: Float64Array;
  private readonly outputError: Float64Array;
  private readonly hiddenError: Float64Array;
  private readonly scratch = new Float64Array(1);

  private constructor(state: AutoencoderState, behaviour: AutoencoderBehaviour) {
    this.visible = state.visible;
    this.hidden = state.hidden;
    this.learningRate = state.learningRate;
    this.behaviour = behaviour;
    this.weights = state.weights;
    this.hiddenBias = state.hiddenBias;
    this.visibleBias = state.visibleBias;
    this.lo = state.lo;
    this.hi = state.hi;
    this.trainedRows = state.trainedRows;
    this.input = new Float64Array(this.visible);
    this.normalised = new Float64Array(this.visible);
    this.reconstruction = new Float64Array(this.visible);
    this.hiddenActivation = new Float64Array(this.hidden);
    this.outputError = new Float64Array(this.visible);
    this.hiddenError = new Float64Array(this.hidden);
    this.denominator = new Float64Array(this.visible);
    for (let i = 0; i < this.visible; i++) this.denominator[i] = this.rangeDenominator(i);
  }

  /**
   * A fresh autoencoder initialised as KitNET-py does (§5.2): its own RandomState(1234), a = 1/n_v,
   * W[i][j] = uniform(−a, a) in row-major order, zero biases, lo = +∞, hi = −∞.
   */
  static create(visible: number, hiddenRatio: number, learningRate: number, behaviour: AutoencoderBehaviour): Autoencoder {
    const hidden = hiddenSize(visible, hiddenRatio);
    const random = new MersenneTwister(WEIGHT_SEED);
    const a = 1 / visible;
    const weights = new Float64Array(visible * hidden);
    for (let k = 0; k < weights.length; k++) weights[k] = random.uniform(-a, a);
    return new Autoencoder(
      {
        visible,
        hidden,
        learningRate,
        weights,
        hiddenBias: new Float64Array(hidden),
        visibleBias: new Float64Array(visible),
        lo: new Float64Array(visible).fill(Infinity),
        hi: new Float64Array(visible).fill(-Infinity),
        trainedRows: 0,
      },
      behaviour,
    );
  }

  /** Rebuilds an autoencoder from toState() output (the arrays are copied). */
  static fromState(state: AutoencoderState, behaviour: AutoencoderBehaviour): Autoencoder {
    return new Autoencoder(
      {
        ...state,
        weights: Float64Array.from(state.weights),
        hiddenBias: Float64Array.from(state.hiddenBias),
        visibleBias: Float64Array.from(state.visibleBias),
        lo: Float64Array.from(state.lo),
        hi: Float64Array.from(state.hi),
      },
      behaviour,
    );
  }

  toState(): AutoencoderState {
    return {
      visible: this.visible,
      hidden: this.hidden,
      learningRate: this.learningRate,
      weights: Float64Array.from(this.weights),
      hiddenBias: Float64Array.from(this.hiddenBias),
      visibleBias: Float64Array.from(this.visibleBias),
      lo: Float64Array.from(this.lo),
      hi: Float64Array.from(this.hi),
      trainedRows: this.trainedRows,
    };
  }

  /**
   * The divisor of min–max normalisation for input i.
   * Reference: (hi − lo) + 1e-16. Improved: max(hi − lo, 1e-6·max(1, |lo|, |hi|)), so a feature that was
   * constant in training moves x̂ by 1 per millionth of its own magnitude (not per 10⁻¹⁶), which is far above
   * float rounding noise in computed features yet still makes a real change stand out.
   */
  rangeDenominator(i: number): number {
    const lo = this.lo[i]!;
    const hi = this.hi[i]!;
    if (!this.behaviour.rangeFloor) return hi - lo + REFERENCE_RANGE_EPSILON;
    const floor = RANGE_FLOOR_RELATIVE * Math.max(1, Math.abs(lo), Math.abs(hi));
    const range = hi - lo;
    return range > floor ? range : floor;
  }

  /** y = σ(x̂ W + h_b), then z = σ(y Wᵀ + v_b), from `normalised` into `reconstruction`. */
  private forward(): void {
    const { visible, hidden, weights, hiddenBias, visibleBias, normalised, hiddenActivation, reconstruction } = this;
    const exact = this.behaviour.sigmoid === 'exact';
    hiddenActivation.fill(0);
    for (let i = 0; i < visible; i++) {
      const xi = normalised[i]!;
      const row = i * hidden;
      for (let j = 0; j < hidden; j++) hiddenActivation[j] = hiddenActivation[j]! + xi * weights[row + j]!;
    }
    for (let j = 0; j < hidden; j++) {
      const t = hiddenActivation[j]! + hiddenBias[j]!;
      hiddenActivation[j] = exact ? exactSigmoid(t) : tableSigmoid(t);
    }
    for (let i = 0; i < visible; i++) {
      const row = i * hidden;
      let sum = 0;
      for (let j = 0; j < hidden; j++) sum += hiddenActivation[j]! * weights[row + j]!;
      const t = sum + visibleBias[i]!;
      reconstruction[i] = exact ? exactSigmoid(t) : tableSigmoid(t);
    }
  }

  /**
   * One SGD step on `input` (§5.4): widen lo/hi, normalise, reconstruct, then
   * e = x̂ − z,  δ = (e W) ⊙ y ⊙ (1 − y),  W ← W + lr·(x̂ δᵀ + e yᵀ),  biases by δ and e
   * (per unit, or by their means in reference mode). Returns the RMSE of e before the update.
   */
  train(): number {
    this.trainInto(this.scratch, 0);
    return this.scratch[0]!;
  }

  /** Scores `input` without learning (§5.5): RMSE of x̂ − z with frozen lo/hi (x̂ soft-clipped if enabled). */
  execute(): number {
    this.executeInto(this.scratch, 0);
    return this.scratch[0]!;
  }

  /** train(), writing the RMSE to target[index] (a returned double would be boxed on the heap). */
  trainInto(target: Float64Array, index: number): void {
    const { visible, hidden, weights, hiddenBias, visibleBias, lo, hi, input, normalised, reconstruction, denominator } = this;
    const { hiddenActivation, outputError, hiddenError } = this;
    const lr = this.learningRate;
    this.trainedRows += 1;
    for (let i = 0; i < visible; i++) {
      const v = input[i]!;
      let changed = false;
      if (v > hi[i]!) {
        hi[i] = v;
        changed = true;
      }
      if (v < lo[i]!) {
        lo[i] = v;
        changed = true;
      }
      if (changed) denominator[i] = this.rangeDenominator(i);
      normalised[i] = (v - lo[i]!) / denominator[i]!;
    }
    this.forward();

    let squaredError = 0;
    for (let i = 0; i < visible; i++) {
      const e = normalised[i]! - reconstruction[i]!;
      outputError[i] = e;
      squaredError += e * e;
    }
    hiddenError.fill(0);
    for (let i = 0; i < visible; i++) {
      const e = outputError[i]!;
      const row = i * hidden;
      for (let j = 0; j < hidden; j++) hiddenError[j] = hiddenError[j]! + e * weights[row + j]!;
    }
    for (let j = 0; j < hidden; j++) {
      const y = hiddenActivation[j]!;
      hiddenError[j] = hiddenError[j]! * y * (1 - y);
    }
    for (let i = 0; i < visible; i++) {
      const xi = normalised[i]!;
      const e = outputError[i]!;
      const row = i * hidden;
      for (let j = 0; j < hidden; j++) {
        weights[row + j] = weights[row + j]! + lr * (xi * hiddenError[j]! + e * hiddenActivation[j]!);
      }
    }
    if (this.behaviour.biasUpdate === 'per-unit') {
      for (let j = 0; j < hidden; j++) hiddenBias[j] = hiddenBias[j]! + lr * hiddenError[j]!;
      for (let i = 0; i < visible; i++) visibleBias[i] = visibleBias[i]! + lr * outputError[i]!;
    } else {
      let hiddenSum = 0;
      for (let j = 0; j < hidden; j++) hiddenSum += hiddenError[j]!;
      let visibleSum = 0;
      for (let i = 0; i < visible; i++) visibleSum += outputError[i]!;
      const hiddenStep = lr * (hiddenSum / hidden);
      const visibleStep = lr * (visibleSum / visible);
      for (let j = 0; j < hidden; j++) hiddenBias[j] = hiddenBias[j]! + hiddenStep;
      for (let i = 0; i < visible; i++) visibleBias[i] = visibleBias[i]! + visibleStep;
    }
    target[index] = Math.sqrt(squaredError / visible);
  }

  /** execute(), writing the RMSE to target[index]. */
  executeInto(target: Float64Array, index: number): void {
    const { visible, lo, input, normalised, reconstruction, denominator } = this;
    if (this.behaviour.softClip) {
      // softClip written out: a call here would box every double it touches
      for (let i = 0; i < visible; i++) {
        let v = (input[i]! - lo[i]!) / denominator[i]!;
        if (v > 1) v = 1 + Math.log(Math.min(v, Number.MAX_VALUE));
        else if (v < 0) v = -Math.log1p(Math.min(-v, Number.MAX_VALUE));
        else if (v !== v) v = 0.5;
        normalised[i] = v;
      }
    } else {
      for (let i = 0; i < visible; i++) normalised[i] = (input[i]! - lo[i]!) / denominator[i]!;
    }
    this.forward();
    let squaredError = 0;
    for (let i = 0; i < visible; i++) {
      const e = normalised[i]! - reconstruction[i]!;
      squaredError += e * e;
    }
    target[index] = Math.sqrt(squaredError / visible);
  }
}
