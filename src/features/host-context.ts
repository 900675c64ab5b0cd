// Host-context features: per-originator statistics that decay with record time (Kitsune's AfterImage
// idea, specs/kitnet.md §9, applied to Zeek records), so a record is scored together with its host's recent behaviour.
import type { LogModule, ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import { dampedMean, dampedRatePerSecond, dampedStd, windowLabel } from './damped-stats.js';
import { clearDistinct, DISTINCT_WINDOW_STATE, estimateDistinct, linearCountingTable, markDistinct } from './damped-distinct.js';
import { HOST_CONTEXT_PROFILES, type HostContextProfile, type HostReadout } from './host-profiles.js';
import { HostTable, type HostTableStats } from './host-table.js';

export interface HostContextOptions {
  /** cap on tracked originators; the least recently seen are evicted first */
  maxHosts: number;
  /**
   * Half-lives of the windows, seconds, ascending. Default 10 s (bursts: a scan or guessing run in
   * progress), 1 min (sessions; beacons of a few seconds), 10 min (slow scans; minute beacons),
   * 1 h (slow beacons, the host's hourly habit). Sliding distinct counts use the same lengths.
   */
  halfLivesSeconds?: readonly number[];
  /** buckets per distinct-count sketch (power of two); error ≈ 11 % at as many keys as buckets */
  distinctBuckets?: number;
  /** responders (pairs) tracked per originator for regularity; the weakest is replaced */
  pairSlots?: number;
  /** a host idle for this many of the longest half-lives is forgotten (its weights are < 2^−n) */
  expiryHalfLives?: number;
}

export const DEFAULT_HOST_CONTEXT_OPTIONS: Readonly<Required<HostContextOptions>> = {
  maxHosts: 100_000,
  halfLivesSeconds: [10, 60, 600, 3600],
  distinctBuckets: 64,
  pairSlots: 4,
  expiryHalfLives: 8,
};

/** Counters for what the block did with its input and its memory. */
export interface HostContextStats extends HostTableStats {
  /** records older than their host's latest record (treated as Δt = 0) */
  outOfOrder: number;
  /** records without a usable `ts` (treated as Δt = 0 at the latest time seen) */
  invalidTimes: number;
  /** records without `id.orig_h` (given neutral values) */
  unattributed: number;
}

/** Pair-regularity prior: CV is shrunk towards 1 (Poisson) by this many pseudo-intervals. */
const REGULARITY_PRIOR_WEIGHT = 2;
/** CV is clamped here; beyond it "very bursty" is all there is to say. */
const MAX_INTERARRIVAL_CV = 100;
/** Per-pair damped statistics per window: interval weight, sum, sum of squares. */
const PAIR_STATS = 3;
/** Per host: direct-mapped table of pairs seen once and not tracked, so their second arrival is recognised. */
const SEEN_ONCE_SLOTS = 16;

const READOUT_CODES = {
  rate: 0,
  share: 1,
  logMean: 2,
  logSpread: 3,
  mean: 4,
  distinct: 5,
  distinctRatio: 6,
  pairRegularity: 7,
  pairRepeats: 8,
} as const;

/**
 * The host-context feature block of one log type. Columns are feature-major: every window of
 * the first feature, then every window of the next. State lives in typed arrays indexed by host
 * slot; a record costs one map lookup and a fixed amount of arithmetic.
 */
export class HostContextBlock implements FeatureBlock {
  readonly module: LogModule;
  readonly names: readonly string[];
  readonly descriptions: readonly string[];
  private readonly profile: HostContextProfile;
  private readonly readouts: readonly HostReadout[];
  private readonly columnCode: Uint8Array;
  private readonly columnWindow: Uint8Array;
  private readonly columnA: Int32Array;
  private readonly columnB: Int32Array;
  private readonly halfLives: Float64Array;
  /** ln2 / h per window: decay e^(−Δt·ln2/h) = 2^(−Δt/h) */
  private readonly decayRates: Float64Array;
  private readonly windowCount: number;
  private readonly sumCount: number;
  private readonly sketchCount: number;
  private readonly bucketCount: number;
  private readonly pairSlots: number;
  private readonly table: HostTable;

  // per-slot state, grown by the table
  private sums = new Float64Array(0);
  private sketches = new Float32Array(0);
  private sketchWindows = new Float64Array(0);
  private pairKeys = new Float64Array(0);
  private pairTimes = new Float64Array(0);
  private pairStats = new Float64Array(0);
  private seenOnceKeys = new Float64Array(0);
  private seenOnceTimes = new Float64Array(0);

  // per-record scratch
  private readonly values: Float64Array;
  private readonly sketchKeys: Float64Array;
  private readonly decay: Float64Array;
  /** log1p of each sketch's distinct estimate per window, as the features use it */
  private readonly distinctLogEstimates: Float64Array;
  /** log1p(linear-counting estimate) by number of hit buckets: the logarithms made once */
  private readonly logEstimateByCount: Float64Array;

  /** record times are kept relative to the first one seen, so Float32 sketch times stay precise */
  private epoch = Number.NaN;
  private clock = 0;
  private outOfOrder = 0;
  private invalidTimes = 0;
  private unattributed = 0;

  constructor(module: LogModule, options: HostContextOptions = DEFAULT_HOST_CONTEXT_OPTIONS) {
    const settings = { ...DEFAULT_HOST_CONTEXT_OPTIONS, ...options };
    const halfLives = [...settings.halfLivesSeconds];
    if (halfLives.length === 0 || halfLives.length > 255 || halfLives.some((h, i) => !(h > 0 && h < Infinity) || (i > 0 && h <= halfLives[i - 1]!))) {
      throw new RangeError(`halfLivesSeconds must be 1–255 ascending positive numbers, got [${halfLives.join(', ')}]`);
    }
    const buckets = settings.distinctBuckets;
    if (!Number.isInteger(buckets) || buckets < 8 || buckets > 65536 || (buckets & (buckets - 1)) !== 0) {
      throw new RangeError(`distinctBuckets must be a power of two in 8…65536, got ${buckets}`);
    }
    if (!Number.isInteger(settings.pairSlots) || settings.pairSlots < 1) {
      throw new RangeError(`pairSlots must be a positive integer, got ${settings.pairSlots}`);
    }
    this.module = module;
    this.profile = HOST_CONTEXT_PROFILES[module];
    this.windowCount = halfLives.length;
    this.halfLives = Float64Array.from(halfLives);
    this.decayRates = Float64Array.from(halfLives, (h) => Math.LN2 / h);
    this.sumCount = this.profile.sums.length;
    this.sketchCount = this.profile.sketches.length;
    this.bucketCount = buckets;
    this.pairSlots = this.profile.pairs ? settings.pairSlots : 0;

    const names: string[] = [];
    const descriptions: string[] = [];
    const readouts: HostReadout[] = [];
    const windowsOfColumns: number[] = [];
    for (const feature of this.profile.features) {
      halfLives.forEach((h, k) => {
        const window = windowLabel(h);
        names.push(`${feature.name}_${window.label}`);
        descriptions.push(
          feature.description.replace('{last}', `in the last ${window.last}`).replace('{decay}', `(half-life ${window.span})`),
        );
        readouts.push(feature.readout);
        windowsOfColumns.push(k);
      });
    }
    this.names = names;
    this.descriptions = descriptions;
    this.readouts = readouts;
    this.columnCode = Uint8Array.from(readouts, (r) => READOUT_CODES[r.kind]);
    this.columnWindow = Uint8Array.from(windowsOfColumns);
    this.columnA = Int32Array.from(readouts, (r) => firstOperand(r));
    this.columnB = Int32Array.from(readouts, (r) => secondOperand(r));

    this.values = new Float64Array(this.sumCount);
    this.sketchKeys = new Float64Array(this.sketchCount);
    this.decay = new Float64Array(this.windowCount);
    this.distinctLogEstimates = new Float64Array(this.sketchCount * this.windowCount);
    this.logEstimateByCount = linearCountingTable(buckets).map(Math.log1p);

    const longest = halfLives[halfLives.length - 1]!;
    this.table = new HostTable(
      { maxHosts: settings.maxHosts, expiryAgeSeconds: settings.expiryHalfLives * longest },
      { resize: (capacity) => this.resize(capacity), clear: (slot) => this.clearSlot(slot) },
    );
  }

  /** Hosts tracked, evicted at the cap, expired when idle, and odd records seen. */
  get stats(): HostContextStats {
    return { ...this.table.stats, outOfOrder: this.outOfOrder, invalidTimes: this.invalidTimes, unattributed: this.unattributed };
  }

  /** Updates the originator's state with `record`, then writes the features (this record included). */
  write(record: ZeekRecord, out: Float64Array, offset: number): void {
    const host = record['id.orig_h'];
    if (typeof host !== 'string' || host.length === 0) {
      this.unattributed++;
      this.writeNeutral(out, offset);
      return;
    }
    const ts = record.ts;
    let time: number;
    if (typeof ts === 'number' && Number.isFinite(ts)) {
      if (Number.isNaN(this.epoch)) this.epoch = ts;
      time = ts - this.epoch;
      if (time > this.clock) this.clock = time;
    } else {
      this.invalidTimes++;
      time = Number.NaN;
    }

    const table = this.table;
    const slot = table.lookup(host, Number.isNaN(time) ? this.clock : time);
    const previous = table.lastSeen[slot]!;
    let hostTime = previous;
    if (time > previous) hostTime = time;
    else if (time < previous) this.outOfOrder++;
    table.lastSeen[slot] = hostTime;
    const elapsed = hostTime - previous;

    const windows = this.windowCount;
    const decay = this.decay;
    for (let k = 0; k < windows; k++) decay[k] = elapsed > 0 ? Math.exp(-elapsed * this.decayRates[k]!) : 1;

    const values = this.values;
    const sketchKeys = this.sketchKeys;
    const pairKey = this.profile.observe(record, values, sketchKeys);

    // damped sums: S ← d·S + v (spec §9.2, one clock per host)
    const sumCount = this.sumCount;
    const sums = this.sums;
    let base = slot * windows * sumCount;
    for (let k = 0; k < windows; k++, base += sumCount) {
      const d = decay[k]!;
      for (let j = 0; j < sumCount; j++) sums[base + j] = sums[base + j]! * d + values[j]!;
    }

    const buckets = this.bucketCount;
    for (let d = 0; d < this.sketchCount; d++) {
      const sketch = slot * this.sketchCount + d;
      const bucketOffset = sketch * buckets;
      const stateOffset = sketch * windows * DISTINCT_WINDOW_STATE;
      const key = sketchKeys[d]!;
      if (key >= 0) markDistinct(this.sketches, bucketOffset, buckets, this.sketchWindows, stateOffset, windows, key, hostTime);
      estimateDistinct(this.sketches, bucketOffset, buckets, this.sketchWindows, stateOffset, this.halfLives, hostTime, this.distinctLogEstimates, d * windows, this.logEstimateByCount);
    }

    const pair = this.pairSlots > 0 && pairKey >= 0 ? this.updatePair(slot, pairKey, time) : -1;
    this.readOut(slot, pair, out, offset);
  }

  /** A feature value in the analyst's unit, e.g. `412`, `35 %`, `1.2 kB`, `3.4 /min`. */
  display(index: number, value: number): string {
    const readout = this.readouts[index];
    if (readout === undefined) throw new RangeError(`${this.module} host context has no feature ${index}`);
    switch (readout.kind) {
      case 'rate':
        return `${formatQuantity(Math.expm1(value))} /min`;
      case 'share':
        return `${formatQuantity(value * 100)} %`;
      case 'logMean':
        return readout.unit === 'bytes' ? formatBytes(Math.expm1(value)) : formatSeconds(Math.expm1(value));
      case 'logSpread':
        return `×${Math.exp(value).toFixed(2)}`;
      case 'mean':
        return `${value.toFixed(readout.digits)} ${readout.unit}`;
      case 'distinct':
        return formatQuantity(Math.expm1(value));
      case 'distinctRatio':
        return `${Math.exp(value).toFixed(1)} ${readout.unit}`;
      case 'pairRegularity':
        return `CV ${value.toFixed(2)}`;
      case 'pairRepeats':
        return formatQuantity(Math.expm1(value));
    }
  }

  /** Forgets every host and counter (the next record starts a fresh epoch). */
  reset(): void {
    this.table.clear();
    this.epoch = Number.NaN;
    this.clock = 0;
    this.outOfOrder = 0;
    this.invalidTimes = 0;
    this.unattributed = 0;
  }

  /**
   * Finds this host's tracked pair for `pairKey` and adds the inter-arrival time since the pair's
   * previous record. An out-of-order record (not after the pair's latest) adds no interval: it has no
   * well-defined predecessor. Returns the pair's index, or −1 when the pair is not tracked (yet).
   *
   * Admission: with a free slot a new pair takes it. Otherwise a new pair is only noted in a small
   * direct-mapped "seen once" table (key, time); on its second arrival it replaces the tracked pair
   * with the least damped interval weight, starting with that one interval. So a host that talks
   * to hundreds of one-off responders cannot push out the one it contacts every minute.
   */
  private updatePair(slot: number, pairKey: number, time: number): number {
    const first = slot * this.pairSlots;
    const last = first + this.pairSlots;
    const keys = this.pairKeys;
    let pair = -1;
    let free = -1;
    for (let p = first; p < last; p++) {
      if (keys[p] === pairKey) {
        pair = p;
        break;
      }
      if (free < 0 && keys[p]! < 0) free = p;
    }
    const at = Number.isNaN(time) ? this.table.lastSeen[slot]! : time;
    if (pair < 0 && free >= 0) {
      this.startPair(free, pairKey, at, 0);
      return free;
    }
    if (pair < 0) {
      const seen = slot * SEEN_ONCE_SLOTS + (pairKey % SEEN_ONCE_SLOTS);
      const interval = at - this.seenOnceTimes[seen]!;
      if (this.seenOnceKeys[seen] !== pairKey || !(interval > 0)) {
        this.seenOnceKeys[seen] = pairKey;
        this.seenOnceTimes[seen] = at;
        return -1;
      }
      this.seenOnceKeys[seen] = -1;
      pair = this.weakestPair(first, last, at);
      this.startPair(pair, pairKey, at, interval);
      return pair;
    }
    const interval = time - this.pairTimes[pair]!;
    if (!(interval > 0)) return pair;
    this.pairTimes[pair] = time;
    const stats = this.pairStats;
    const windows = this.windowCount;
    let base = pair * windows * PAIR_STATS;
    for (let k = 0; k < windows; k++, base += PAIR_STATS) {
      const d = Math.exp(-interval * this.decayRates[k]!);
      stats[base] = stats[base]! * d + 1;
      stats[base + 1] = stats[base + 1]! * d + interval;
      stats[base + 2] = stats[base + 2]! * d + interval * interval;
    }
    return pair;
  }

  /** Claims pair slot `pair` for `pairKey` at `time`, with one first interval when `interval` > 0. */
  private startPair(pair: number, pairKey: number, time: number, interval: number): void {
    this.pairKeys[pair] = pairKey;
    this.pairTimes[pair] = time;
    const stats = this.pairStats;
    const windows = this.windowCount;
    for (let k = 0, base = pair * windows * PAIR_STATS; k < windows; k++, base += PAIR_STATS) {
      stats[base] = interval > 0 ? 1 : 0;
      stats[base + 1] = interval > 0 ? interval : 0;
      stats[base + 2] = interval > 0 ? interval * interval : 0;
    }
  }

  /** The tracked pair with the least damped interval weight at the longest window, as of `time`. */
  private weakestPair(first: number, last: number, time: number): number {
    const windows = this.windowCount;
    const longest = windows - 1;
    const rate = this.decayRates[longest]!;
    let weakest = first;
    let weakestWeight = Infinity;
    for (let p = first; p < last; p++) {
      const age = time - this.pairTimes[p]!;
      const weight = this.pairStats[(p * windows + longest) * PAIR_STATS]! * (age > 0 ? Math.exp(-age * rate) : 1);
      if (weight < weakestWeight) {
        weakestWeight = weight;
        weakest = p;
      }
    }
    return weakest;
  }

  private readOut(slot: number, pair: number, out: Float64Array, offset: number): void {
    const windows = this.windowCount;
    const sumCount = this.sumCount;
    const sums = this.sums;
    const logEstimates = this.distinctLogEstimates;
    const stats = this.pairStats;
    const slotBase = slot * windows * sumCount;
    const columns = this.columnCode.length;
    for (let c = 0; c < columns; c++) {
      const k = this.columnWindow[c]!;
      const a = this.columnA[c]!;
      const b = this.columnB[c]!;
      const s = slotBase + k * sumCount;
      let value: number;
      switch (this.columnCode[c]) {
        case READOUT_CODES.rate:
          value = Math.log1p(dampedRatePerSecond(sums[s + a]!, this.halfLives[k]!) * 60);
          break;
        case READOUT_CODES.share:
          value = sums[s + b]! > 0 ? Math.min(1, sums[s + a]! / sums[s + b]!) : 0;
          break;
        case READOUT_CODES.logMean:
        case READOUT_CODES.mean:
          value = dampedMean(sums[s + b]!, sums[s + a]!);
          break;
        case READOUT_CODES.logSpread:
          value = dampedStd(sums[s + 0]!, sums[s + a]!, sums[s + b]!);
          break;
        case READOUT_CODES.distinct:
          value = logEstimates[a * windows + k]!;
          break;
        case READOUT_CODES.distinctRatio:
          value = logEstimates[a * windows + k]! - logEstimates[b * windows + k]!;
          break;
        case READOUT_CODES.pairRegularity:
          value = pair < 0 ? 1 : this.shrunkRegularity(stats, (pair * windows + k) * PAIR_STATS);
          break;
        default: // pairRepeats
          value = pair < 0 ? 0 : Math.log1p(stats[(pair * windows + k) * PAIR_STATS]!);
      }
      out[offset + c] = value;
    }
  }

  /**
   * CV = σ/μ of the pair's damped inter-arrival times, shrunk towards 1 (what random, Poisson
   * arrivals give) by a prior of REGULARITY_PRIOR_WEIGHT intervals: (w·CV + 2·1)/(w + 2). A handful of
   * intervals cannot look like a beacon; hundreds of near-equal ones go to ≈ 0.
   */
  private shrunkRegularity(stats: Float64Array, base: number): number {
    const weight = stats[base]!;
    if (!(weight > 0)) return 1;
    const mean = stats[base + 1]! / weight;
    const cv = mean > 0 ? Math.min(MAX_INTERARRIVAL_CV, dampedStd(weight, stats[base + 1]!, stats[base + 2]!) / mean) : 1;
    return (weight * cv + REGULARITY_PRIOR_WEIGHT) / (weight + REGULARITY_PRIOR_WEIGHT);
  }

  private writeNeutral(out: Float64Array, offset: number): void {
    for (let c = 0; c < this.columnCode.length; c++) {
      out[offset + c] = this.columnCode[c] === READOUT_CODES.pairRegularity ? 1 : 0;
    }
  }

  private resize(capacity: number): void {
    const grow = <T extends Float64Array | Float32Array>(old: T, make: (n: number) => T, perSlot: number): T => {
      const next = make(capacity * perSlot);
      next.set(old);
      return next;
    };
    const f64 = (n: number) => new Float64Array(n);
    this.sums = grow(this.sums, f64, this.windowCount * this.sumCount);
    this.sketches = grow(this.sketches, (n) => new Float32Array(n), this.sketchCount * this.bucketCount);
    this.sketchWindows = grow(this.sketchWindows, f64, this.sketchCount * this.windowCount * DISTINCT_WINDOW_STATE);
    this.pairKeys = grow(this.pairKeys, f64, this.pairSlots);
    this.pairTimes = grow(this.pairTimes, f64, this.pairSlots);
    this.pairStats = grow(this.pairStats, f64, this.pairSlots * this.windowCount * PAIR_STATS);
    const seenOnce = this.pairSlots > 0 ? SEEN_ONCE_SLOTS : 0;
    this.seenOnceKeys = grow(this.seenOnceKeys, f64, seenOnce);
    this.seenOnceTimes = grow(this.seenOnceTimes, f64, seenOnce);
  }

  private clearSlot(slot: number): void {
    const sumSpan = this.windowCount * this.sumCount;
    this.sums.fill(0, slot * sumSpan, (slot + 1) * sumSpan);
    for (let d = 0; d < this.sketchCount; d++) {
      const sketch = slot * this.sketchCount + d;
      clearDistinct(this.sketches, sketch * this.bucketCount, this.bucketCount, this.sketchWindows, sketch * this.windowCount * DISTINCT_WINDOW_STATE, this.windowCount);
    }
    this.pairKeys.fill(-1, slot * this.pairSlots, (slot + 1) * this.pairSlots);
    if (this.pairSlots > 0) this.seenOnceKeys.fill(-1, slot * SEEN_ONCE_SLOTS, (slot + 1) * SEEN_ONCE_SLOTS);
  }
}

function firstOperand(readout: HostReadout): number {
  switch (readout.kind) {
    case 'rate':
      return readout.count;
    case 'share':
      return readout.part;
    case 'logMean':
    case 'mean':
    case 'logSpread':
      return readout.sum;
    case 'distinct':
    case 'distinctRatio':
      return readout.sketch;
    default:
      return 0;
  }
}

function secondOperand(readout: HostReadout): number {
  switch (readout.kind) {
    case 'share':
    case 'logMean':
    case 'mean':
      return readout.count;
    case 'logSpread':
      return readout.squares;
    case 'distinctRatio':
      return readout.per;
    default:
      return 0;
  }
}

/** Up to three significant digits, no exponent: `0.42`, `3.5`, `412`, `12345`. */
function formatQuantity(x: number): string {
  const v = Math.max(0, x);
  if (v >= 100) return String(Math.round(v));
  if (v >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return v.toFixed(2).replace(/\.?0+$/, '') || '0';
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = Math.max(0, bytes);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${formatQuantity(v)} ${units[u]}`;
}

function formatSeconds(seconds: number): string {
  const v = Math.max(0, seconds);
  if (v < 1) return `${formatQuantity(v * 1000)} ms`;
  if (v < 120) return `${formatQuantity(v)} s`;
  if (v < 7200) return `${formatQuantity(v / 60)} min`;
  return `${formatQuantity(v / 3600)} h`;
}

/** The host-context block for `module` (every log type has one). */
export function createHostContextBlock(module: LogModule, options: HostContextOptions = DEFAULT_HOST_CONTEXT_OPTIONS): HostContextBlock {
  return new HostContextBlock(module, options);
}
