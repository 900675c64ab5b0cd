// KitNET's scoring path (spec §5.5, §6) over one packed copy of every autoencoder: the same arithmetic in the same
// order as Autoencoder.executeInto, so scores are bit-identical, without per-autoencoder calls, fills and buffers.
// Scoring itself runs in the WebAssembly twin of this code (score-kernel.ts) wherever the model allows.
import { softClipInPlace, type Autoencoder } from './autoencoder.js';
import { ScoreKernel, type PackedModel } from './score-kernel.js';
import { sigmoidInPlace } from './sigmoid.js';

/**
 * A frozen snapshot of a trained ensemble plus output autoencoder, laid out flat. Unit u < units − 1 is ensemble
 * autoencoder u (its inputs are x[mapIndices[visibleStart[u] ..]]); the last unit is the output autoencoder, whose
 * inputs are the ensemble's RMSEs. Build a new one after any training step: it copies weights and ranges.
 */
export class PackedScorer {
  private readonly units: number;
  private readonly softClip: boolean;
  private readonly mapIndices: Int32Array;
  /** per unit: first slot of its visible units in lo/denominator/visibleBias (units + 1 entries) */
  private readonly visibleStart: Int32Array;
  /** per unit: first of its hidden units in hiddenBias (units + 1 entries) */
  private readonly hiddenStart: Int32Array;
  /** per unit: first weight of its visible × hidden row-major W (units + 1 entries) */
  private readonly weightStart: Int32Array;
  private readonly lo: Float64Array;
  private readonly denominator: Float64Array;
  private readonly visibleBias: Float64Array;
  private readonly hiddenBias: Float64Array;
  /** W per unit, visible × hidden row-major: the decoder's rows */
  private readonly weights: Float64Array;
  /** Wᵀ per unit, hidden × visible row-major: the encoder's rows, so both halves read weights in order */
  private readonly encoderWeights: Float64Array;
  private readonly exact: boolean;
  /** x̂ of every unit, at its visibleStart (the output unit's x̂ is written once the ensemble is done) */
  private readonly normalised: Float64Array;
  /** y of the unit being scored */
  private readonly hiddenActivation: Float64Array;
  /** z of the unit being scored */
  private readonly reconstruction: Float64Array;
  /** the ensemble's RMSEs: the output autoencoder's input */
  private readonly layer: Float64Array;
  /** RMSEs are written here rather than returned, so no double is boxed between units */
  private readonly result = new Float64Array(1);
  /** during explain(): (x̂ − z)² of every input slot is kept here (null while scoring) */
  private squaredErrors: Float64Array | null = null;
  /**
   * score(), scoreRows() and explain() in WebAssembly (table σ only: the kernel has no Math.exp for the exact one),
   * ~1.5× and ~3× faster; the exact σ runs the JavaScript below, which gives the same results bit for bit.
   */
  private readonly kernel: ScoreKernel | null;

  /** `useKernel: false` keeps every score in JavaScript (to test the kernel against). */
  constructor(ensemble: readonly Autoencoder[], output: Autoencoder, mapIndices: Int32Array, useKernel = true) {
    const all = [...ensemble, output];
    this.units = all.length;
    this.softClip = output.behaviour.softClip;
    this.exact = output.behaviour.sigmoid === 'exact';
    this.mapIndices = mapIndices;
    this.visibleStart = new Int32Array(this.units + 1);
    this.hiddenStart = new Int32Array(this.units + 1);
    this.weightStart = new Int32Array(this.units + 1);
    for (let u = 0; u < this.units; u++) {
      const ae = all[u]!;
      this.visibleStart[u + 1] = this.visibleStart[u]! + ae.visible;
      this.hiddenStart[u + 1] = this.hiddenStart[u]! + ae.hidden;
      this.weightStart[u + 1] = this.weightStart[u]! + ae.weights.length;
    }
    this.lo = new Float64Array(this.visibleStart[this.units]!);
    this.denominator = new Float64Array(this.lo.length);
    this.visibleBias = new Float64Array(this.lo.length);
    this.hiddenBias = new Float64Array(this.hiddenStart[this.units]!);
    this.weights = new Float64Array(this.weightStart[this.units]!);
    this.encoderWeights = new Float64Array(this.weights.length);
    let maxVisible = 0;
    let maxHidden = 0;
    for (let u = 0; u < this.units; u++) {
      const ae = all[u]!;
      const v0 = this.visibleStart[u]!;
      this.lo.set(ae.lo, v0);
      this.visibleBias.set(ae.visibleBias, v0);
      for (let i = 0; i < ae.visible; i++) this.denominator[v0 + i] = ae.rangeDenominator(i);
      this.hiddenBias.set(ae.hiddenBias, this.hiddenStart[u]!);
      const w0 = this.weightStart[u]!;
      this.weights.set(ae.weights, w0);
      for (let i = 0; i < ae.visible; i++) {
        for (let j = 0; j < ae.hidden; j++) this.encoderWeights[w0 + j * ae.visible + i] = ae.weights[i * ae.hidden + j]!;
      }
      maxVisible = Math.max(maxVisible, ae.visible);
      maxHidden = Math.max(maxHidden, ae.hidden);
    }
    this.normalised = new Float64Array(this.lo.length);
    this.hiddenActivation = new Float64Array(maxHidden);
    this.reconstruction = new Float64Array(maxVisible);
    this.layer = new Float64Array(ensemble.length);
    this.kernel = useKernel && !this.exact ? new ScoreKernel(this.packedModel(maxVisible, maxHidden)) : null;
  }

  private packedModel(maxVisible: number, maxHidden: number): PackedModel {
    return {
      softClip: this.softClip,
      mapIndices: this.mapIndices,
      visibleStart: this.visibleStart,
      hiddenStart: this.hiddenStart,
      weightStart: this.weightStart,
      lo: this.lo,
      denominator: this.denominator,
      visibleBias: this.visibleBias,
      hiddenBias: this.hiddenBias,
      weights: this.weights,
      encoderWeights: this.encoderWeights,
      maxVisible,
      maxHidden,
    };
  }

  /**
   * score(x), also keeping what made it: (x̂ − z)² of each ensemble input in map order (slot s is input
   * mapIndices[s]) into `squaredErrors`, and each ensemble autoencoder's RMSE into `autoencoderRmse`.
   */
  explain(x: ArrayLike<number>, squaredErrors: Float64Array, autoencoderRmse: Float64Array): number {
    if (this.kernel !== null) return this.kernel.explain(x, squaredErrors, autoencoderRmse);
    this.squaredErrors = squaredErrors;
    try {
      const score = this.scoreInJavaScript(x);
      autoencoderRmse.set(this.layer);
      return score;
    } finally {
      this.squaredErrors = null;
    }
  }

  /** Input slots of the ensemble (the length explain() wants for squaredErrors). */
  get ensembleSlots(): number {
    return this.visibleStart[this.units - 1]!;
  }

  /** The anomaly score of x (KitNET's execute); x must already be checked (length n, finite values). */
  score(x: ArrayLike<number>): number {
    return this.kernel !== null ? this.kernel.score(x) : this.scoreInJavaScript(x);
  }

  /** score() of `count` rows laid end to end in `rows`, into scores[0..count). */
  scoreRows(rows: Float64Array, count: number, scores: Float64Array): void {
    if (this.kernel !== null) {
      this.kernel.scoreRows(rows, count, scores);
      return;
    }
    const width = rows.length / count;
    for (let r = 0; r < count; r++) scores[r] = this.scoreInJavaScript(rows.subarray(r * width, (r + 1) * width));
  }

  private scoreInJavaScript(x: ArrayLike<number>): number {
    const { mapIndices, visibleStart, normalised, layer, lo, denominator, softClip } = this;
    const ensembleUnits = this.units - 1;
    // every ensemble input at once (the units' slots are consecutive), then each unit on its slice
    const ensembleSlots = visibleStart[ensembleUnits]!;
    for (let slot = 0; slot < ensembleSlots; slot++) normalised[slot] = (x[mapIndices[slot]!]! - lo[slot]!) / denominator[slot]!;
    if (softClip) softClipInPlace(normalised, 0, ensembleSlots);
    for (let u = 0; u < ensembleUnits; u++) this.reconstructionRmse(u, layer, u);
    const allSlots = visibleStart[this.units]!;
    for (let slot = ensembleSlots; slot < allSlots; slot++) normalised[slot] = (layer[slot - ensembleSlots]! - lo[slot]!) / denominator[slot]!;
    if (softClip) softClipInPlace(normalised, ensembleSlots, allSlots);
    this.reconstructionRmse(ensembleUnits, this.result, 0);
    return this.result[0]!;
  }

  /**
   * y = σ(x̂ W + h_b), z = σ(y Wᵀ + v_b), RMSE of x̂ − z into target[index], for unit u with x̂ in `normalised`.
   * Each sum runs in Autoencoder.forward's order (from 0, i or j ascending) so every rounding is the same. Plain
   * loops: the speed is in the kernel, which runs these sums in the same order, eight records side by side.
   */
  private reconstructionRmse(u: number, target: Float64Array, index: number): void {
    const { encoderWeights, weights, normalised, hiddenActivation, reconstruction, hiddenBias, visibleBias, exact } = this;
    const h0 = this.hiddenStart[u]!;
    const hidden = this.hiddenStart[u + 1]! - h0;
    const w0 = this.weightStart[u]!;
    const v0 = this.visibleStart[u]!;
    const visible = this.visibleStart[u + 1]! - v0;
    // encoder: hidden unit j from row j of Wᵀ; decoder: visible unit i from row i of W
    affineInto(normalised, v0, visible, encoderWeights, w0, hiddenBias, h0, hiddenActivation, hidden);
    sigmoidInPlace(hiddenActivation, hidden, exact);
    affineInto(hiddenActivation, 0, hidden, weights, w0, visibleBias, v0, reconstruction, visible);
    sigmoidInPlace(reconstruction, visible, exact);
    // added in i order, as Autoencoder.executeInto does
    let squaredError = 0;
    for (let i = 0; i < visible; i++) {
      const e = normalised[v0 + i]! - reconstruction[i]!;
      squaredError += e * e;
    }
    // explain(): the ensemble's errors per input (the output unit's slots lie past the array)
    const kept = this.squaredErrors;
    if (kept !== null && v0 < kept.length) {
      for (let i = 0; i < visible; i++) kept[v0 + i] = (normalised[v0 + i]! - reconstruction[i]!) ** 2;
    }
    target[index] = Math.sqrt(squaredError / visible);
  }
}

/**
 * out[o] = (0 + Σ_m input[inputStart + m]·matrix[matrixStart + o·inputCount + m], m ascending) + bias[biasStart + o]
 * for o < outCount: a matrix of outCount rows of inputCount weights, one row per output.
 */
function affineInto(
  input: Float64Array,
  inputStart: number,
  inputCount: number,
  matrix: Float64Array,
  matrixStart: number,
  bias: Float64Array,
  biasStart: number,
  out: Float64Array,
  outCount: number,
): void {
  for (let o = 0; o < outCount; o++) {
    const row = matrixStart + o * inputCount;
    let sum = 0;
    for (let m = 0; m < inputCount; m++) sum += input[inputStart + m]! * matrix[row + m]!;
    out[o] = sum + bias[biasStart + o]!;
  }
}
