// KitNET's scoring path (spec §5.5, §6) over one packed copy of every autoencoder: the same arithmetic in the same
// order as Autoencoder.executeInto, so scores are bit-identical, without per-autoencoder calls, fills and buffers.
// Scoring itself runs in the WebAssembly twin of this code (score-kernel.ts) wherever the model allows.
import { softClipInPlace, type Autoencoder } from './autoencoder.js';
import { ScoreKernel, type PackedModel } from './score-kernel.js';
import { exactSigmoid, sigmoidInPlace, tableSigmoid } from './sigmoid.js';

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
  /** per unit: 1 when it has one input and one hidden unit (see singletonRmse) */
  private readonly singleton: Uint8Array;
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
    this.singleton = Uint8Array.from(all, (ae) => (ae.visible === 1 && ae.hidden === 1 ? 1 : 0));
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
    const { singleton } = this;
    for (let u = 0; u < ensembleUnits; u++) {
      if (singleton[u] === 1) this.singletonRmse(u, layer, u);
      else this.reconstructionRmse(u, layer, u);
    }
    const allSlots = visibleStart[this.units]!;
    for (let slot = ensembleSlots; slot < allSlots; slot++) normalised[slot] = (layer[slot - ensembleSlots]! - lo[slot]!) / denominator[slot]!;
    if (softClip) softClipInPlace(normalised, ensembleSlots, allSlots);
    this.reconstructionRmse(ensembleUnits, this.result, 0);
    return this.result[0]!;
  }

  /**
   * reconstructionRmse for a unit of one input and one hidden unit, written out: models of sparse log types are
   * mostly such units (inputs correlated with nothing), and the general loops cost more than their arithmetic.
   * The same operations in the same order, so the result is bit-identical.
   */
  private singletonRmse(u: number, target: Float64Array, index: number): void {
    const v0 = this.visibleStart[u]!;
    const w = this.weights[this.weightStart[u]!]!;
    const x = this.normalised[v0]!;
    let encoded = 0;
    encoded += x * w;
    const y = this.sigmoid(encoded + this.hiddenBias[this.hiddenStart[u]!]!);
    let decoded = 0;
    decoded += y * w;
    const e = x - this.sigmoid(decoded + this.visibleBias[v0]!);
    let squaredError = 0;
    squaredError += e * e;
    if (this.squaredErrors !== null) this.squaredErrors[v0] = e * e;
    target[index] = Math.sqrt(squaredError / 1);
  }

  private sigmoid(t: number): number {
    return this.exact ? exactSigmoid(t) : tableSigmoid(t);
  }

  /**
   * y = σ(x̂ W + h_b), z = σ(y Wᵀ + v_b), RMSE of x̂ − z into target[index], for unit u with x̂ in `normalised`.
   * Each sum runs in Autoencoder.forward's order (from 0, i or j ascending) so every rounding is the same; four
   * sums run side by side only so that the CPU can overlap them (one sum is a chain of dependent additions).
   * The two halves are written out rather than sharing a matrix-times-vector function: that measured 8–15%
   * slower per conn record (two calls per unit, not inlined).
   */
  private reconstructionRmse(u: number, target: Float64Array, index: number): void {
    const { encoderWeights, weights, normalised, hiddenActivation, reconstruction, hiddenBias, visibleBias, exact } = this;
    const h0 = this.hiddenStart[u]!;
    const hidden = this.hiddenStart[u + 1]! - h0;
    const w0 = this.weightStart[u]!;
    const v0 = this.visibleStart[u]!;
    const visible = this.visibleStart[u + 1]! - v0;
    // encoder: hidden unit j is the dot product of x̂ with row j of Wᵀ
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const r0 = w0 + j * visible;
      const r1 = r0 + visible;
      const r2 = r1 + visible;
      const r3 = r2 + visible;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < visible; i++) {
        const xi = normalised[v0 + i]!;
        s0 += xi * encoderWeights[r0 + i]!;
        s1 += xi * encoderWeights[r1 + i]!;
        s2 += xi * encoderWeights[r2 + i]!;
        s3 += xi * encoderWeights[r3 + i]!;
      }
      hiddenActivation[j] = s0 + hiddenBias[h0 + j]!;
      hiddenActivation[j + 1] = s1 + hiddenBias[h0 + j + 1]!;
      hiddenActivation[j + 2] = s2 + hiddenBias[h0 + j + 2]!;
      hiddenActivation[j + 3] = s3 + hiddenBias[h0 + j + 3]!;
    }
    for (; j < hidden; j++) {
      const r = w0 + j * visible;
      let sum = 0;
      for (let i = 0; i < visible; i++) sum += normalised[v0 + i]! * encoderWeights[r + i]!;
      hiddenActivation[j] = sum + hiddenBias[h0 + j]!;
    }
    sigmoidInPlace(hiddenActivation, hidden, exact);
    // decoder: visible unit i is the dot product of y with row i of W
    let i = 0;
    for (; i + 4 <= visible; i += 4) {
      const r0 = w0 + i * hidden;
      const r1 = r0 + hidden;
      const r2 = r1 + hidden;
      const r3 = r2 + hidden;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < hidden; k++) {
        const yk = hiddenActivation[k]!;
        s0 += yk * weights[r0 + k]!;
        s1 += yk * weights[r1 + k]!;
        s2 += yk * weights[r2 + k]!;
        s3 += yk * weights[r3 + k]!;
      }
      reconstruction[i] = s0 + visibleBias[v0 + i]!;
      reconstruction[i + 1] = s1 + visibleBias[v0 + i + 1]!;
      reconstruction[i + 2] = s2 + visibleBias[v0 + i + 2]!;
      reconstruction[i + 3] = s3 + visibleBias[v0 + i + 3]!;
    }
    for (; i < visible; i++) {
      const r = w0 + i * hidden;
      let sum = 0;
      for (let k = 0; k < hidden; k++) sum += hiddenActivation[k]! * weights[r + k]!;
      reconstruction[i] = sum + visibleBias[v0 + i]!;
    }
    sigmoidInPlace(reconstruction, visible, exact);
    // added in i order, as Autoencoder.executeInto does
    let squaredError = 0;
    for (i = 0; i < visible; i++) {
      const e = normalised[v0 + i]! - reconstruction[i]!;
      squaredError += e * e;
    }
    // explain(): the ensemble's errors per input (the output unit's slots lie past the array)
    const kept = this.squaredErrors;
    if (kept !== null && v0 < kept.length) {
      for (i = 0; i < visible; i++) kept[v0 + i] = (normalised[v0 + i]! - reconstruction[i]!) ** 2;
    }
    target[index] = Math.sqrt(squaredError / visible);
  }
}
