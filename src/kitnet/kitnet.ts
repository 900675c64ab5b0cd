// KitNET (spec §3–§6): feature mapper → ensemble of small autoencoders → output autoencoder → anomaly score.
// Two behaviours, chosen by options.reference:
//
// reference: 'kitnet-py' reproduces KitNET-py (V1, commit 02eb5e8) value for value: same feature map, scores
// equal to a relative 1e-9 (3e-15 measured on the pinned case in test/kitnet). It keeps V1's scalar-mean
// bias update, the (hi − lo + 1e-16) divisor, unbounded normalised inputs, non-finite distances refused like
// scipy's linkage, and no checks on input values.
// Deliberate departures even here: a supplied featureMap works (V1's constructor crashes; V2 fixed that), and
// rows of the wrong length are refused with InvalidInputError (numpy would broadcast-fail or index out of range).
//
// The default ("improved") mode departs from the reference, each for a stated reason:
// 1. Bias update per unit (Kitsune-py V2, fixed upstream in 2020): V1 moves a whole bias vector by one
//    scalar, so the biases cannot learn per-feature offsets; V2 scored better on the spec's synthetic set.
// 2. Range floor: the normalisation divisor is max(hi − lo, 1e-6·max(1, |lo|, |hi|)) instead of hi − lo + 1e-16.
//    A feature constant during training no longer turns any later change into a 10¹⁶-scale score (§12.5).
// 3. Soft clip at scoring time: x̂ stays as is in [0, 1] and grows logarithmically outside (see softClip), so
//    one out-of-range feature raises its group's error without swamping every other group, and the score stays
//    finite and ordered. Training inputs are always inside [0, 1] so training is unaffected.
// 4. Input checks: rows of the wrong length, or holding NaN or ±∞, throw InvalidInputError before touching
//    any state, so a bad row can neither poison the model nor produce a NaN score.
// 5. A non-finite correlation distance (scale overflow in C/P) counts as "uncorrelated" (distance 1)
//    instead of aborting the feature-mapping phase.
// 6. σ comes from a table (tableSigmoid: cubic Hermite between knots 1/64 apart, within 3e-11 of 1/(1 + e^{−t}))
//    in training and scoring alike: a conn record needs ~250 of them and Math.exp was a third of its cost.
// Both modes share the phases and counters of §3, MT19937 weight initialisation (§5.2) and the scipy-exact map.
import { InvalidInputError, UsageError } from '../errors.js';
import { Autoencoder, type AutoencoderBehaviour, type AutoencoderState } from './autoencoder.js';
import { CorrelationFeatureMapper } from './correlation-clustering.js';
import { KitNETNotReadyError, restoreKitNETState, type KitNETState } from './kitnet-state.js';
import { PackedScorer } from './packed-scorer.js';

export type { KitNETState } from './kitnet-state.js';

/** Construction options; every field except reference and featureMap has a default. */
export interface KitNETOptions {
  /** m: most inputs per ensemble autoencoder */
  maxAutoencoderSize: number;
  /** rows (plus one) that learn the feature map */
  fmGrace: number;
  /** rows that train the autoencoders after the map exists */
  adGrace: number;
  learningRate: number;
  /** hidden units per visible unit, n_h = ⌈n_v·β⌉ */
  hiddenRatio: number;
  /** exact KitNET-py behaviour; absent = improved default */
  reference?: 'kitnet-py';
  /** a fixed map (groups of feature indices): skips the feature-mapping phase */
  featureMap?: number[][];
}

export const DEFAULT_KITNET_OPTIONS: Readonly<KitNETOptions> = Object.freeze({
  maxAutoencoderSize: 10,
  fmGrace: 5000,
  adGrace: 50000,
  learningRate: 0.1,
  hiddenRatio: 0.75,
});

/** What made a row's score high: per-autoencoder errors and the inputs that reconstructed worst. */
export interface ScoreExplanation {
  score: number;
  /** RMSE of each ensemble autoencoder, in feature-map order */
  autoencoderRmse: number[];
  /**
   * Inputs by descending squared reconstruction error (x̂ − z)² within their autoencoder. `normalised` is
   * (value − lo)/(hi − lo) before any clipping: 0..1 is the training range, 3 means three ranges above lo.
   */
  topFeatures: { index: number; name: string; error: number; normalised: number; value: number; lo: number; hi: number }[];
}

const REFERENCE_BEHAVIOUR: AutoencoderBehaviour = Object.freeze({ biasUpdate: 'scalar-mean', rangeFloor: false, softClip: false, sigmoid: 'exact' });
const IMPROVED_BEHAVIOUR: AutoencoderBehaviour = Object.freeze({ biasUpdate: 'per-unit', rangeFloor: true, softClip: true, sigmoid: 'table' });

/** The KitNET online anomaly detector. */
export class KitNET {
  readonly n: number;
  readonly options: Readonly<KitNETOptions>;
  private trainedCount = 0;
  private mapper: CorrelationFeatureMapper | null;
  private map: number[][] | null = null;
  private ensemble: Autoencoder[] = [];
  private output: Autoencoder | null = null;
  /** map flattened: ensemble AE a reads x[mapIndices[mapOffsets[a] .. mapOffsets[a+1])] */
  private mapIndices = new Int32Array(0);
  private mapOffsets = new Int32Array(1);
  private readonly behaviour: AutoencoderBehaviour;
  /** the output autoencoder writes its RMSE here, so no double is boxed on the way */
  private readonly result = new Float64Array(1);
  /** the trained autoencoders packed for scoring; dropped by every training step, rebuilt by the next score */
  private packed: PackedScorer | null = null;
  /** explain()'s buffers; their sizes are fixed once the feature map exists */
  private explainScratch: { squaredErrors: Float64Array; autoencoderRmse: Float64Array } | null = null;

  /**
   * @param n number of input features
   * @param options overrides of DEFAULT_KITNET_OPTIONS; throws UsageError when one is out of range
   */
  constructor(n: number, options: Partial<KitNETOptions> = {}) {
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`KitNET: n must be a positive integer, got ${n}`);
    const resolved: KitNETOptions = { ...DEFAULT_KITNET_OPTIONS };
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
    }
    validateOptions(n, resolved);
    if (resolved.featureMap) resolved.featureMap = resolved.featureMap.map((group) => [...group]);
    this.n = n;
    this.options = Object.freeze(resolved);
    this.behaviour = resolved.reference === 'kitnet-py' ? REFERENCE_BEHAVIOUR : IMPROVED_BEHAVIOUR;
    if (resolved.featureMap) {
      this.mapper = null;
      this.buildAutoencoders(resolved.featureMap);
    } else {
      this.mapper = new CorrelationFeatureMapper(n);
    }
  }

  /** T: rows handed to training so far (process during the grace periods, fit, learn). */
  get rowsSeen(): number {
    return this.trainedCount;
  }

  /** T > FM + AD: both grace periods are complete and process() now scores. */
  get isTrained(): boolean {
    return this.trainedCount > this.options.fmGrace + this.options.adGrace;
  }

  /** true in reference (KitNET-py) mode */
  get isReference(): boolean {
    return this.options.reference === 'kitnet-py';
  }

  /**
   * KitNET-py's process(x): while T ≤ FM + AD, train on x and return 0; afterwards return x's score
   * without learning. The first non-zero score is therefore row FM + AD + 1 (0-based).
   */
  process(x: ArrayLike<number>): number {
    if (this.isTrained) return this.score(x);
    this.learn(x);
    return 0;
  }

  /** Trains on every row in order (feature mapping first, then the autoencoders). Rows past the grace periods keep training. */
  fit(rows: Iterable<ArrayLike<number>>): void {
    for (const row of rows) this.learn(row);
  }

  /**
   * One training step on x, whatever the phase (KitNET-py's train): updates the feature-mapper statistics
   * while T ≤ FM and there is no map, otherwise one SGD step of every autoencoder. Returns the output
   * autoencoder's training RMSE (before its update; 0 in the feature-mapping phase). Not comparable to score().
   */
  learn(x: ArrayLike<number>): number {
    this.checkInput(x);
    this.packed = null;
    let outputRmse = 0;
    if (this.mapper !== null && this.trainedCount <= this.options.fmGrace) {
      this.mapper.update(x);
      if (this.trainedCount === this.options.fmGrace) {
        const map = this.mapper.cluster(this.options.maxAutoencoderSize, this.isReference ? 'throw' : 'uncorrelated');
        this.mapper = null;
        this.buildAutoencoders(map);
      }
    } else {
      const output = this.output!;
      this.gather(x);
      const layerRmse = output.input;
      for (let a = 0; a < this.ensemble.length; a++) this.ensemble[a]!.trainInto(layerRmse, a);
      output.trainInto(this.result, 0);
      outputRmse = this.result[0]!;
    }
    this.trainedCount += 1;
    return outputRmse;
  }

  /**
   * The anomaly score of x (KitNET-py's execute): RMSE of the output autoencoder on the ensemble's RMSEs.
   * Allocates nothing. Throws KitNETNotReadyError before a feature map exists (and, in the default mode,
   * before the autoencoders have trained on at least one row, when the score would be NaN).
   */
  score(x: ArrayLike<number>): number {
    this.checkInput(x);
    this.checkReady();
    return this.packedScorer().score(x);
  }

  /**
   * score(x) written to target[index]. For callers that must not allocate at all: returning a double from
   * score() makes V8 box it (16 bytes) unless the call is inlined.
   */
  scoreInto(x: ArrayLike<number>, target: Float64Array, index: number): void {
    this.checkInput(x);
    this.checkReady();
    target[index] = this.packedScorer().score(x);
  }

  /**
   * score() of `count` rows laid end to end in `rows` (n values each), into scores[0..count): eight rows at a time,
   * about twice as fast per row as score(). Where score() would throw InvalidInputError (a value that is not
   * finite), rejected[r] is set to 1 and scores[r] is NaN; every other rejected[r] is set to 0.
   */
  scoreRows(rows: Float64Array, count: number, scores: Float64Array, rejected: Uint8Array): void {
    if (rows.length < count * this.n) throw new InvalidInputError(`KitNET: ${rows.length} values hold fewer than ${count} rows of ${this.n}`);
    this.checkReady();
    if (count === 0) return;
    this.packedScorer().scoreRows(rows.subarray(0, count * this.n), count, scores);
    for (let r = 0; r < count; r++) {
      rejected[r] = 0;
      if (this.isReference) continue;
      const end = (r + 1) * this.n;
      for (let i = r * this.n; i < end; i++) {
        const v = rows[i]!;
        if (!(v - v === 0)) {
          rejected[r] = 1;
          scores[r] = Number.NaN;
          break;
        }
      }
    }
  }

  /** score() for each row, in order. */
  scoreBatch(rows: Iterable<ArrayLike<number>>): Float64Array {
    const list = Array.isArray(rows) ? (rows as ArrayLike<number>[]) : [...rows];
    const scores = new Float64Array(list.length);
    for (let t = 0; t < list.length; t++) this.scoreInto(list[t]!, scores, t);
    return scores;
  }

  /**
   * The score of x with its reasons: each ensemble autoencoder's RMSE and the `top` inputs with the largest
   * squared reconstruction error, with their raw value and training range (for "feature X: value, typical lo..hi").
   */
  explain(x: ArrayLike<number>, names?: readonly string[], top = 5): ScoreExplanation {
    this.checkInput(x);
    this.checkReady();
    const packed = this.packedScorer();
    // scratch kept between calls: a fresh Float64Array of this size costs 2–3 µs (its memory lives outside the heap)
    this.explainScratch ??= { squaredErrors: new Float64Array(packed.ensembleSlots), autoencoderRmse: new Float64Array(this.ensemble.length) };
    const { squaredErrors } = this.explainScratch;
    const score = packed.explain(x, squaredErrors, this.explainScratch.autoencoderRmse);
    // copied by hand: Array.from walks a typed array through its iterator, ~2 µs for 37 values
    const rmse = this.explainScratch.autoencoderRmse;
    const autoencoderRmse = new Array<number>(rmse.length);
    for (let a = 0; a < rmse.length; a++) autoencoderRmse[a] = rmse[a]!;
    // the `top` worst inputs, kept in order as they are found (slots run autoencoder by autoencoder): objects are
    // built for those only, and most slots are passed over with one comparison
    const keep = Math.max(0, top);
    const worst: { slot: number; index: number; error: number }[] = [];
    for (let slot = 0; slot < squaredErrors.length && keep > 0; slot++) {
      const error = squaredErrors[slot]!;
      if (worst.length === keep && error < worst[keep - 1]!.error) continue;
      const index = this.mapIndices[slot]!;
      let at = worst.length;
      // larger error first, then lower index (a stable order for ties)
      while (at > 0 && (worst[at - 1]!.error < error || (worst[at - 1]!.error === error && worst[at - 1]!.index > index))) at--;
      if (at >= keep) continue;
      // insert at `at`, the last one falling off when all `keep` places are taken
      const found = { slot, index, error };
      if (worst.length < keep) worst.push(found);
      for (let i = worst.length - 1; i > at; i--) worst[i] = worst[i - 1]!;
      worst[at] = found;
    }
    const topFeatures = worst.map(({ slot, index, error }) => {
      let a = 0;
      while (this.mapOffsets[a + 1]! <= slot) a++;
      const ae = this.ensemble[a]!;
      const inUnit = slot - this.mapOffsets[a]!;
      const lo = ae.lo[inUnit]!;
      const hi = ae.hi[inUnit]!;
      const value = x[index]!;
      const range = hi - lo;
      const normalised = range > 0 ? (value - lo) / range : value === lo ? 0 : (value - lo) / ae.rangeDenominator(inUnit);
      return { index, name: names?.[index] ?? `f${index}`, error, normalised, value, lo, hi };
    });
    return { score, autoencoderRmse, topFeatures };
  }

  /** The feature map (a copy): groups of input indices, one per ensemble autoencoder. Empty before it exists. */
  featureMap(): number[][] {
    return this.map ? this.map.map((group) => [...group]) : [];
  }

  /** Each input's training range (lo = +∞, hi = −∞ until it has been seen in the autoencoder phase). */
  inputRange(): { lo: Float64Array; hi: Float64Array } {
    const lo = new Float64Array(this.n).fill(Infinity);
    const hi = new Float64Array(this.n).fill(-Infinity);
    for (let a = 0; a < this.ensemble.length; a++) {
      const ae = this.ensemble[a]!;
      for (let slot = 0; slot < ae.visible; slot++) {
        const index = this.mapIndices[this.mapOffsets[a]! + slot]!;
        lo[index] = ae.lo[slot]!;
        hi[index] = ae.hi[slot]!;
      }
    }
    return { lo, hi };
  }

  /** A plain-data snapshot (numbers, strings, arrays, Float64Array) that fromState restores bit for bit. */
  toState(): KitNETState {
    const { featureMap, reference, ...numbers } = this.options;
    return {
      format: 'autozeekwatch-kitnet',
      version: 1,
      n: this.n,
      options: { ...numbers, reference: reference ?? 'improved', featureMap: featureMap ? featureMap.map((g) => [...g]) : null },
      rowsSeen: this.trainedCount,
      featureMap: this.map ? this.map.map((g) => [...g]) : null,
      featureMapper: this.mapper
        ? {
            rows: this.mapper.rows,
            sum: Float64Array.from(this.mapper.sum),
            residualSquares: Float64Array.from(this.mapper.residualSquares),
            residualProducts: Float64Array.from(this.mapper.residualProducts),
          }
        : null,
      ensemble: this.ensemble.map((ae) => ae.toState()),
      output: this.output ? this.output.toState() : null,
    };
  }

  /** Restores a model from toState(); throws ModelFormatError when the state is inconsistent. */
  static fromState(state: KitNETState): KitNET {
    const checked = restoreKitNETState(state);
    const options: Partial<KitNETOptions> = {
      maxAutoencoderSize: checked.options.maxAutoencoderSize,
      fmGrace: checked.options.fmGrace,
      adGrace: checked.options.adGrace,
      learningRate: checked.options.learningRate,
      hiddenRatio: checked.options.hiddenRatio,
    };
    if (checked.options.reference === 'kitnet-py') options.reference = 'kitnet-py';
    if (checked.options.featureMap) options.featureMap = checked.options.featureMap;
    const kitnet = new KitNET(checked.n, options);
    kitnet.trainedCount = checked.rowsSeen;
    if (checked.featureMapper) {
      const mapper = new CorrelationFeatureMapper(checked.n);
      mapper.rows = checked.featureMapper.rows;
      mapper.sum.set(checked.featureMapper.sum);
      mapper.residualSquares.set(checked.featureMapper.residualSquares);
      mapper.residualProducts.set(checked.featureMapper.residualProducts);
      kitnet.mapper = mapper;
    } else {
      kitnet.mapper = null;
    }
    if (checked.featureMap) {
      kitnet.setMap(checked.featureMap);
      kitnet.ensemble = checked.ensemble.map((ae: AutoencoderState) => Autoencoder.fromState(ae, kitnet.behaviour));
      kitnet.output = Autoencoder.fromState(checked.output!, kitnet.behaviour);
    }
    return kitnet;
  }

  private buildAutoencoders(map: number[][]): void {
    const { hiddenRatio, learningRate } = this.options;
    this.setMap(map);
    this.ensemble = map.map((group) => Autoencoder.create(group.length, hiddenRatio, learningRate, this.behaviour));
    this.output = Autoencoder.create(map.length, hiddenRatio, learningRate, this.behaviour);
  }

  private setMap(map: number[][]): void {
    this.map = map.map((group) => [...group]);
    this.mapOffsets = new Int32Array(map.length + 1);
    for (let a = 0; a < map.length; a++) this.mapOffsets[a + 1] = this.mapOffsets[a]! + map[a]!.length;
    this.mapIndices = Int32Array.from(map.flat());
  }

  /** Copies x[G_a] into each ensemble autoencoder's input buffer. */
  private gather(x: ArrayLike<number>): void {
    const { ensemble, mapIndices, mapOffsets } = this;
    for (let a = 0; a < ensemble.length; a++) {
      const input = ensemble[a]!.input;
      const start = mapOffsets[a]!;
      for (let slot = 0; slot < input.length; slot++) input[slot] = x[mapIndices[start + slot]!]!;
    }
  }

  /**
   * score(x) the slow way, through each Autoencoder object in turn (executeInto), as KitNET-py computes it. Kept as
   * the reference the packed scorer is tested against, bit for bit; not for production use.
   */
  scoreUnpacked(x: ArrayLike<number>): number {
    this.checkInput(x);
    this.checkReady();
    return this.executeGathered(x);
  }

  private executeGathered(x: ArrayLike<number>): number {
    this.gather(x);
    const output = this.output!;
    const layerRmse = output.input;
    for (let a = 0; a < this.ensemble.length; a++) this.ensemble[a]!.executeInto(layerRmse, a);
    output.executeInto(this.result, 0);
    return this.result[0]!;
  }

  private packedScorer(): PackedScorer {
    this.packed ??= new PackedScorer(this.ensemble, this.output!, this.mapIndices);
    return this.packed;
  }

  private checkReady(): void {
    if (this.output === null) {
      throw new KitNETNotReadyError(`KitNET: no feature map yet (${this.trainedCount} of ${this.options.fmGrace + 1} feature-mapping rows seen)`);
    }
    if (!this.isReference && this.output.trainedRows === 0) {
      throw new KitNETNotReadyError('KitNET: the autoencoders have not trained on any row yet');
    }
  }

  /** Length always; finiteness too unless in reference mode. Runs before any state changes. */
  private checkInput(x: ArrayLike<number>): void {
    if (x.length !== this.n) throw new InvalidInputError(`KitNET: row has ${x.length} values, expected ${this.n}`);
    if (this.isReference) return;
    for (let i = 0; i < this.n; i++) {
      const v = x[i]!;
      if (!(v - v === 0)) throw new InvalidInputError(`KitNET: feature ${i} is ${v} (must be a finite number)`);
    }
  }
}

function validateOptions(n: number, o: KitNETOptions): void {
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new UsageError(`KitNET option ${what}`);
  };
  check(Number.isInteger(o.maxAutoencoderSize), `maxAutoencoderSize must be an integer, got ${o.maxAutoencoderSize}`);
  check(Number.isInteger(o.fmGrace) && o.fmGrace >= 0, `fmGrace must be an integer ≥ 0, got ${o.fmGrace}`);
  check(Number.isInteger(o.adGrace) && o.adGrace >= 0, `adGrace must be an integer ≥ 0, got ${o.adGrace}`);
  check(Number.isFinite(o.learningRate) && o.learningRate > 0, `learningRate must be a positive number, got ${o.learningRate}`);
  check(Number.isFinite(o.hiddenRatio) && o.hiddenRatio > 0, `hiddenRatio must be a positive number, got ${o.hiddenRatio}`);
  check(o.reference === undefined || o.reference === 'kitnet-py', `reference must be 'kitnet-py' or absent, got ${String(o.reference)}`);
  if (o.featureMap !== undefined) {
    const seen = new Set<number>();
    check(Array.isArray(o.featureMap) && o.featureMap.length > 0, 'featureMap must be a non-empty array of index arrays');
    for (const group of o.featureMap) {
      check(Array.isArray(group) && group.length > 0, 'featureMap groups must be non-empty arrays');
      for (const index of group) {
        check(Number.isInteger(index) && index >= 0 && index < n, `featureMap index ${index} is not in 0..${n - 1}`);
        check(!seen.has(index), `featureMap lists feature ${index} twice`);
        seen.add(index);
      }
    }
  }
}
