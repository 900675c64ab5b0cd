// KitNET's scoring path (spec §5.5, §6) over one packed copy of every autoencoder: the same arithmetic in the same
// order as Autoencoder.executeInto, so scores are bit-identical, without per-autoencoder calls, fills and buffers.
import type { Autoencoder } from './autoencoder.js';

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
  private readonly weights: Float64Array;
  /** x̂ of the unit being scored */
  private readonly normalised: Float64Array;
  /** y of the unit being scored */
  private readonly hiddenActivation: Float64Array;
  /** the ensemble's RMSEs: the output autoencoder's input */
  private readonly layer: Float64Array;
  /** RMSEs are written here rather than returned, so no double is boxed between units */
  private readonly result = new Float64Array(1);

  constructor(ensemble: readonly Autoencoder[], output: Autoencoder, mapIndices: Int32Array, softClip: boolean) {
    const all = [...ensemble, output];
    this.units = all.length;
    this.softClip = softClip;
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
    let maxVisible = 0;
    let maxHidden = 0;
    for (let u = 0; u < this.units; u++) {
      const ae = all[u]!;
      const v0 = this.visibleStart[u]!;
      this.lo.set(ae.lo, v0);
      this.visibleBias.set(ae.visibleBias, v0);
      for (let i = 0; i < ae.visible; i++) this.denominator[v0 + i] = ae.rangeDenominator(i);
      this.hiddenBias.set(ae.hiddenBias, this.hiddenStart[u]!);
      this.weights.set(ae.weights, this.weightStart[u]!);
      maxVisible = Math.max(maxVisible, ae.visible);
      maxHidden = Math.max(maxHidden, ae.hidden);
    }
    this.normalised = new Float64Array(maxVisible);
    this.hiddenActivation = new Float64Array(maxHidden);
    this.layer = new Float64Array(ensemble.length);
  }

  /** The anomaly score of x (KitNET's execute); x must already be checked (length n, finite values). */
  score(x: ArrayLike<number>): number {
    const { mapIndices, visibleStart, normalised, layer, lo, denominator, softClip } = this;
    const ensembleUnits = this.units - 1;
    for (let u = 0; u < ensembleUnits; u++) {
      const v0 = visibleStart[u]!;
      const visible = visibleStart[u + 1]! - v0;
      for (let i = 0; i < visible; i++) {
        const slot = v0 + i;
        const v = (x[mapIndices[slot]!]! - lo[slot]!) / denominator[slot]!;
        normalised[i] = softClip ? softClipped(v) : v;
      }
      this.reconstructionRmse(u, visible, layer, u);
    }
    const v0 = visibleStart[ensembleUnits]!;
    for (let i = 0; i < ensembleUnits; i++) {
      const v = (layer[i]! - lo[v0 + i]!) / denominator[v0 + i]!;
      normalised[i] = softClip ? softClipped(v) : v;
    }
    this.reconstructionRmse(ensembleUnits, ensembleUnits, this.result, 0);
    return this.result[0]!;
  }

  /**
   * y = σ(x̂ W + h_b), z = σ(y Wᵀ + v_b), RMSE of x̂ − z into target[index], for unit u with x̂ in `normalised`.
   * Sums run in Autoencoder.forward's order (i outer, j inner, from 0) so every rounding is the same.
   */
  private reconstructionRmse(u: number, visible: number, target: Float64Array, index: number): void {
    const { weights, normalised, hiddenActivation, hiddenBias, visibleBias } = this;
    const h0 = this.hiddenStart[u]!;
    const hidden = this.hiddenStart[u + 1]! - h0;
    const w0 = this.weightStart[u]!;
    const v0 = this.visibleStart[u]!;
    for (let j = 0; j < hidden; j++) hiddenActivation[j] = 0;
    for (let i = 0; i < visible; i++) {
      const xi = normalised[i]!;
      const row = w0 + i * hidden;
      for (let j = 0; j < hidden; j++) hiddenActivation[j] = hiddenActivation[j]! + xi * weights[row + j]!;
    }
    for (let j = 0; j < hidden; j++) hiddenActivation[j] = 1 / (1 + Math.exp(-(hiddenActivation[j]! + hiddenBias[h0 + j]!)));
    let squaredError = 0;
    for (let i = 0; i < visible; i++) {
      const row = w0 + i * hidden;
      let sum = 0;
      for (let j = 0; j < hidden; j++) sum += hiddenActivation[j]! * weights[row + j]!;
      const e = normalised[i]! - 1 / (1 + Math.exp(-(sum + visibleBias[v0 + i]!)));
      squaredError += e * e;
    }
    target[index] = Math.sqrt(squaredError / visible);
  }
}

/** Autoencoder's softClip of a normalised input, repeated here so it inlines into the loop. */
function softClipped(v: number): number {
  if (v > 1) return 1 + Math.log(Math.min(v, Number.MAX_VALUE));
  if (v < 0) return -Math.log1p(Math.min(-v, Number.MAX_VALUE));
  if (v !== v) return 0.5;
  return v;
}
