// The WebAssembly twin of PackedScorer's scoring path (score-kernel.wat): one instance per scorer, with the packed
// model copied into its own memory. Same operations in the same order, so the same scores bit for bit.
import { readFileSync } from 'node:fs';
import { softClip, softClipInPlace } from './autoencoder.js';
import { exactSigmoid, SIGMOID_KNOTS } from './sigmoid.js';

/** What PackedScorer packs (see its fields); the kernel copies it. */
export interface PackedModel {
  softClip: boolean;
  mapIndices: Int32Array;
  visibleStart: Int32Array;
  hiddenStart: Int32Array;
  weightStart: Int32Array;
  lo: Float64Array;
  denominator: Float64Array;
  visibleBias: Float64Array;
  hiddenBias: Float64Array;
  weights: Float64Array;
  encoderWeights: Float64Array;
  maxVisible: number;
  maxHidden: number;
}

interface KernelExports {
  init(): void;
  score(): number;
  normaliseBlock(): void;
  ensembleBlock(): void;
  outputBlock(): void;
}

let compiled: WebAssembly.Module | undefined;

function kernelModule(): WebAssembly.Module {
  if (compiled === undefined) {
    const file = new URL('./score-kernel.wasm', import.meta.url);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new Error(`KitNET's scoring kernel ${file.pathname} is missing (${(err as Error).message}): build with npm run build`);
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/** Header slots, in the order score-kernel.wat's init reads them (i32 at byte 4·k). */
const HEADER_SLOTS = 27;
/** Rows the kernel scores at once (its lanes: four f64x2 per value). */
const BLOCK_ROWS = 8;

export class ScoreKernel {
  /** where each row to score is written */
  private readonly input: Float64Array;
  private readonly exports: KernelExports;
  private readonly softClip: boolean;
  private readonly ensembleSlots: number;
  private readonly allSlots: number;
  /** BLOCK_ROWS rows end to end, to score together */
  private readonly blockRows: Float64Array;
  /** x̂ of a block, slot-major: slot s of row r at BLOCK_ROWS·s + r */
  private readonly blockNormalised: Float64Array;
  private readonly blockScores: Float64Array;
  /** (x̂ − z)² of each ensemble input slot, and each ensemble autoencoder's RMSE, from the last score() */
  private readonly squaredErrors: Float64Array;
  private readonly layer: Float64Array;

  constructor(model: PackedModel) {
    const units = model.visibleStart.length - 1;
    const ensembleSlots = model.visibleStart[units - 1]!;
    const allSlots = model.visibleStart[units]!;
    const width = model.mapIndices.reduce((max, i) => Math.max(max, i + 1), 0);
    // byte offsets, every array 16-byte aligned (v128 loads)
    let end = 4 * HEADER_SLOTS;
    const place = (bytes: number): number => {
      const at = Math.ceil(end / 16) * 16;
      end = at + bytes;
      return at;
    };
    const at = {
      mapIndices: place(4 * model.mapIndices.length),
      visibleStart: place(4 * model.visibleStart.length),
      hiddenStart: place(4 * model.hiddenStart.length),
      weightStart: place(4 * model.weightStart.length),
      lo: place(8 * allSlots),
      denominator: place(8 * allSlots),
      visibleBias: place(8 * allSlots),
      hiddenBias: place(8 * model.hiddenBias.length),
      weights: place(8 * model.weights.length),
      encoderWeights: place(8 * model.encoderWeights.length),
      knots: place(8 * SIGMOID_KNOTS.length),
      x: place(8 * width),
      normalised: place(8 * allSlots),
      hiddenActivation: place(8 * model.maxHidden),
      reconstruction: place(8 * model.maxVisible),
      layer: place(8 * (units - 1)),
      blockRows: place(8 * BLOCK_ROWS * width),
      blockNormalised: place(8 * BLOCK_ROWS * allSlots),
      blockHidden: place(8 * BLOCK_ROWS * model.maxHidden),
      blockReconstruction: place(8 * BLOCK_ROWS * model.maxVisible),
      blockScores: place(8 * BLOCK_ROWS),
      squaredErrors: place(8 * allSlots),
    };
    const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
    const buffer = memory.buffer;
    new Int32Array(buffer, 0, HEADER_SLOTS).set([
      units, ensembleSlots, allSlots, model.softClip ? 1 : 0,
      at.mapIndices, at.visibleStart, at.hiddenStart, at.weightStart,
      at.lo, at.denominator, at.visibleBias, at.hiddenBias, at.weights, at.encoderWeights, at.knots,
      at.x, at.normalised, at.hiddenActivation, at.reconstruction, at.layer,
      width, at.blockRows, at.blockNormalised, at.blockHidden, at.blockReconstruction, at.blockScores, at.squaredErrors,
    ]);
    new Int32Array(buffer, at.mapIndices, model.mapIndices.length).set(model.mapIndices);
    new Int32Array(buffer, at.visibleStart, model.visibleStart.length).set(model.visibleStart);
    new Int32Array(buffer, at.hiddenStart, model.hiddenStart.length).set(model.hiddenStart);
    new Int32Array(buffer, at.weightStart, model.weightStart.length).set(model.weightStart);
    for (const name of ['lo', 'denominator', 'visibleBias', 'hiddenBias', 'weights', 'encoderWeights'] as const) {
      new Float64Array(buffer, at[name], model[name].length).set(model[name]);
    }
    new Float64Array(buffer, at.knots, SIGMOID_KNOTS.length).set(SIGMOID_KNOTS);
    this.input = new Float64Array(buffer, at.x, width);
    this.blockRows = new Float64Array(buffer, at.blockRows, BLOCK_ROWS * width);
    this.blockNormalised = new Float64Array(buffer, at.blockNormalised, BLOCK_ROWS * allSlots);
    this.blockScores = new Float64Array(buffer, at.blockScores, BLOCK_ROWS);
    this.squaredErrors = new Float64Array(buffer, at.squaredErrors, ensembleSlots);
    this.layer = new Float64Array(buffer, at.layer, units - 1);
    this.softClip = model.softClip;
    this.ensembleSlots = ensembleSlots;
    this.allSlots = allSlots;
    const instance = new WebAssembly.Instance(kernelModule(), { kitnet: { memory, softClip, exactSigmoid } });
    this.exports = instance.exports as unknown as KernelExports;
    this.exports.init();
  }

  /**
   * score() of `count` rows laid end to end in `rows`, into scores[0..count), eight at a time. In a block of
   * fewer rows, the lanes past them hold whatever the previous block left (lanes never mix): computed and ignored;
   * four rows or fewer left over are scored one by one.
   */
  scoreRows(rows: Float64Array, count: number, scores: Float64Array): void {
    const width = this.input.length;
    const { blockNormalised, blockScores } = this;
    for (let start = 0; start < count; start += BLOCK_ROWS) {
      const rowsInBlock = Math.min(BLOCK_ROWS, count - start);
      if (rowsInBlock <= BLOCK_ROWS / 2) {
        // a block costs about as much as four single rows, whatever its lanes hold
        for (let r = start; r < count; r++) scores[r] = this.score(rows.subarray(r * width, (r + 1) * width));
        break;
      }
      this.blockRows.set(rows.subarray(start * width, (start + rowsInBlock) * width));
      this.exports.normaliseBlock();
      if (this.softClip) softClipInPlace(blockNormalised, 0, BLOCK_ROWS * this.ensembleSlots);
      this.exports.ensembleBlock();
      if (this.softClip) softClipInPlace(blockNormalised, BLOCK_ROWS * this.ensembleSlots, BLOCK_ROWS * this.allSlots);
      this.exports.outputBlock();
      for (let r = 0; r < rowsInBlock; r++) scores[start + r] = blockScores[r]!;
    }
  }

  /** score(x), also keeping what made it (see PackedScorer.explain). */
  explain(x: ArrayLike<number>, squaredErrors: Float64Array, autoencoderRmse: Float64Array): number {
    const score = this.score(x);
    squaredErrors.set(this.squaredErrors);
    autoencoderRmse.set(this.layer);
    return score;
  }

  /** The anomaly score of x (length = the model's input width, already checked). */
  score(x: ArrayLike<number>): number {
    this.input.set(x);
    return this.exports.score();
  }
}
