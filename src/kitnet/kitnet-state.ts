// KitNET's plain-data snapshot (for msgpackr model files) and the checks that make a restored one safe to use.
import { AutoZeekWatchError, ModelFormatError } from '../errors.js';
import type { AutoencoderState } from './autoencoder.js';

export type { AutoencoderState } from './autoencoder.js';

/** Asked for a score before KitNET has a feature map (or, in the default mode, any trained autoencoder). */
export class KitNETNotReadyError extends AutoZeekWatchError {
  constructor(message: string) {
    super('KITNET_NOT_READY', message);
  }
}

/** The feature mapper's running sums, kept only while the map is still being learned. */
export interface FeatureMapperState {
  rows: number;
  sum: Float64Array;
  residualSquares: Float64Array;
  /** n×n row-major; only the upper triangle (j ≥ i) is used */
  residualProducts: Float64Array;
}

/** Everything a KitNET is: options, counters, map and every autoencoder. Numbers, strings, arrays, Float64Array. */
export type KitNETState = {
  format: 'autozeekwatch-kitnet';
  version: 1;
  n: number;
  options: {
    maxAutoencoderSize: number;
    fmGrace: number;
    adGrace: number;
    learningRate: number;
    hiddenRatio: number;
    reference: 'kitnet-py' | 'improved';
    /** the map given at construction, if any (null: learned) */
    featureMap: number[][] | null;
  };
  rowsSeen: number;
  /** the map in use, or null while it is still being learned */
  featureMap: number[][] | null;
  featureMapper: FeatureMapperState | null;
  ensemble: AutoencoderState[];
  output: AutoencoderState | null;
};

const WHERE = '(kitnet state)';

function fail(message: string): never {
  throw new ModelFormatError('KITNET_STATE', WHERE, message);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Coerces a decoded array to a Float64Array of the expected length. Accepts a Float64Array, a plain number
 * array, or raw little-endian float64 bytes (what msgpackr's default encoder turns a Float64Array into).
 */
function floats(v: unknown, length: number, what: string): Float64Array {
  let out: Float64Array;
  if (v instanceof Float64Array) out = v;
  else if (Array.isArray(v) && v.every((e) => typeof e === 'number')) out = Float64Array.from(v as number[]);
  else if (v instanceof Uint8Array) {
    if (v.byteLength !== length * 8) fail(`${what} has ${v.byteLength} bytes, expected ${length * 8}`);
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
  } else fail(`${what} is not an array of numbers`);
  if (out.length !== length) fail(`${what} has ${out.length} values, expected ${length}`);
  return out;
}

function checkAutoencoder(ae: unknown, visible: number, what: string): AutoencoderState {
  if (typeof ae !== 'object' || ae === null) fail(`${what} is missing`);
  const s = ae as Record<string, unknown>;
  if (s.visible !== visible) fail(`${what} has ${String(s.visible)} inputs, expected ${visible}`);
  if (!isCount(s.hidden) || s.hidden < 1) fail(`${what} hidden size ${String(s.hidden)} is invalid`);
  if (typeof s.learningRate !== 'number' || !(s.learningRate > 0)) fail(`${what} learning rate is invalid`);
  if (!isCount(s.trainedRows)) fail(`${what} trainedRows is invalid`);
  const hidden = s.hidden;
  return {
    visible,
    hidden,
    learningRate: s.learningRate,
    weights: floats(s.weights, visible * hidden, `${what} weights`),
    hiddenBias: floats(s.hiddenBias, hidden, `${what} hiddenBias`),
    visibleBias: floats(s.visibleBias, visible, `${what} visibleBias`),
    lo: floats(s.lo, visible, `${what} lo`),
    hi: floats(s.hi, visible, `${what} hi`),
    trainedRows: s.trainedRows,
  };
}

/** Validates a state's shape and internal consistency; returns it with every array as a Float64Array. */
export function restoreKitNETState(state: KitNETState): KitNETState {
  if (typeof state !== 'object' || state === null) fail('not an object');
  if (state.format !== 'autozeekwatch-kitnet') fail(`format is ${String(state.format)}, expected autozeekwatch-kitnet`);
  if (state.version !== 1) fail(`version ${String(state.version)} is not supported (this build reads version 1)`);
  const n = state.n;
  if (!isCount(n) || n < 1) fail(`n is ${String(n)}`);
  if (typeof state.options !== 'object' || state.options === null) fail('options are missing');
  if (state.options.reference !== 'kitnet-py' && state.options.reference !== 'improved') fail(`options.reference is ${String(state.options.reference)}`);
  if (!isCount(state.rowsSeen)) fail(`rowsSeen is ${String(state.rowsSeen)}`);
  let featureMapper: FeatureMapperState | null = null;
  if (state.featureMapper) {
    if (state.featureMap) fail('has both a feature map and feature-mapper statistics');
    if (state.rowsSeen > state.options.fmGrace) fail('feature-mapper statistics past the feature-mapping grace period');
    const m = state.featureMapper;
    featureMapper = {
      rows: isCount(m.rows) ? m.rows : fail('featureMapper.rows is invalid'),
      sum: floats(m.sum, n, 'featureMapper.sum'),
      residualSquares: floats(m.residualSquares, n, 'featureMapper.residualSquares'),
      residualProducts: floats(m.residualProducts, n * n, 'featureMapper.residualProducts'),
    };
  } else if (!state.featureMap) {
    fail('has neither a feature map nor feature-mapper statistics');
  }
  let ensemble: AutoencoderState[] = [];
  let output: AutoencoderState | null = null;
  if (state.featureMap) {
    const map = state.featureMap;
    if (!Array.isArray(map) || map.length === 0) fail('featureMap is empty');
    const seen = new Set<number>();
    for (const group of map) {
      if (!Array.isArray(group) || group.length === 0) fail('featureMap has an empty group');
      for (const index of group) {
        if (!isCount(index) || index >= n || seen.has(index)) fail(`featureMap index ${String(index)} is invalid or repeated`);
        seen.add(index);
      }
    }
    if (!Array.isArray(state.ensemble) || state.ensemble.length !== map.length) fail(`ensemble has ${state.ensemble?.length} autoencoders, map has ${map.length} groups`);
    ensemble = map.map((group, a) => checkAutoencoder(state.ensemble[a], group.length, `ensemble[${a}]`));
    output = checkAutoencoder(state.output, map.length, 'output');
  }
  return { ...state, featureMapper, ensemble, output };
}
