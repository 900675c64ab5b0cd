// Compact forms of what crosses the thread boundary of the scoring pool: a batch's record strings and
// its anomalies as one string plus typed arrays, because cloning many small strings and objects costs more.

import type { LogStream } from '../zeek/record.js';
import type { Contribution, ScoredRecord } from './record-scorer.js';

/** Strings laid end to end; `lengths[i]` is the length of string i, NULL_LENGTH for null. */
export interface PackedStrings {
  text: string;
  lengths: Uint32Array;
}

/** The length that stands for a null string (a real string this long cannot exist in V8). */
const NULL_LENGTH = 0xffffffff;

export function packStrings(strings: readonly (string | null)[]): PackedStrings {
  const lengths = new Uint32Array(strings.length);
  let text = '';
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i];
    if (s === null || s === undefined) lengths[i] = NULL_LENGTH;
    else {
      lengths[i] = s.length;
      text += s;
    }
  }
  return { text, lengths };
}

export function unpackStrings(packed: PackedStrings): (string | null)[] {
  const out = new Array<string | null>(packed.lengths.length);
  let at = 0;
  for (let i = 0; i < packed.lengths.length; i++) {
    const length = packed.lengths[i]!;
    if (length === NULL_LENGTH) out[i] = null;
    else {
      out[i] = packed.text.slice(at, at + length);
      at += length;
    }
  }
  return out;
}

/** Record strings (never null) → one string and their lengths. */
export function packRecords(records: readonly string[]): PackedStrings {
  return packStrings(records);
}

export function unpackRecords(packed: PackedStrings): string[] {
  const out = new Array<string>(packed.lengths.length);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    const length = packed.lengths[i]!;
    out[i] = length === NULL_LENGTH ? '' : packed.text.slice(at, at + length);
    if (length !== NULL_LENGTH) at += length;
  }
  return out;
}

/**
 * Anomalies as columns. Per anomaly, `numbers` holds ts, origP, respP, score, threshold, probability
 * (NUMBERS_PER_ANOMALY) and `strings` holds uid, stream, origH, respH, proto, model, then per contribution
 * feature and says; `topCounts[i]` is anomaly i's number of contributions, whose errors follow in `errors`.
 */
export interface PackedAnomalies {
  count: number;
  numbers: Float64Array;
  /** bit k set: the k-th nullable number (ts, origP, respP) is null */
  nullNumbers: Uint8Array;
  strings: PackedStrings;
  topCounts: Uint32Array;
  errors: Float64Array;
}

const NUMBERS_PER_ANOMALY = 6;

export function packAnomalies(anomalies: readonly ScoredRecord[]): PackedAnomalies {
  const n = anomalies.length;
  const numbers = new Float64Array(n * NUMBERS_PER_ANOMALY);
  const nullNumbers = new Uint8Array(n);
  const topCounts = new Uint32Array(n);
  const strings: (string | null)[] = [];
  const errors: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = anomalies[i]!;
    const o = i * NUMBERS_PER_ANOMALY;
    numbers[o] = a.ts ?? 0;
    numbers[o + 1] = a.origP ?? 0;
    numbers[o + 2] = a.respP ?? 0;
    numbers[o + 3] = a.score;
    numbers[o + 4] = a.threshold;
    numbers[o + 5] = a.probability;
    nullNumbers[i] = (a.ts === null ? 1 : 0) | (a.origP === null ? 2 : 0) | (a.respP === null ? 4 : 0);
    strings.push(a.uid, a.stream, a.origH, a.respH, a.proto, a.model);
    topCounts[i] = a.top.length;
    for (const t of a.top) {
      strings.push(t.feature, t.says);
      errors.push(t.error);
    }
  }
  return { count: n, numbers, nullNumbers, strings: packStrings(strings), topCounts, errors: Float64Array.from(errors) };
}

export function unpackAnomalies(packed: PackedAnomalies): ScoredRecord[] {
  const strings = unpackStrings(packed.strings);
  const out: ScoredRecord[] = new Array<ScoredRecord>(packed.count);
  let s = 0;
  let e = 0;
  for (let i = 0; i < packed.count; i++) {
    const o = i * NUMBERS_PER_ANOMALY;
    const nulls = packed.nullNumbers[i]!;
    const uid = strings[s++]!;
    const stream = strings[s++] as LogStream;
    const origH = strings[s++]!;
    const respH = strings[s++]!;
    const proto = strings[s++] ?? '';
    const model = strings[s++] ?? '';
    const top: Contribution[] = [];
    for (let k = 0; k < packed.topCounts[i]!; k++) {
      top.push({ feature: strings[s++] ?? '', says: strings[s++] ?? '', error: packed.errors[e++]! });
    }
    out[i] = {
      ts: nulls & 1 ? null : packed.numbers[o]!,
      uid,
      stream,
      origH,
      origP: nulls & 2 ? null : packed.numbers[o + 1]!,
      respH,
      respP: nulls & 4 ? null : packed.numbers[o + 2]!,
      proto,
      score: packed.numbers[o + 3]!,
      threshold: packed.numbers[o + 4]!,
      probability: packed.numbers[o + 5]!,
      anomalous: true,
      top,
      model,
    };
  }
  return out;
}

/** The typed arrays of packed anomalies, to transfer instead of copy. */
export function anomalyBuffers(packed: PackedAnomalies): ArrayBuffer[] {
  return [packed.numbers.buffer, packed.nullNumbers.buffer, packed.strings.lengths.buffer, packed.topCounts.buffer, packed.errors.buffer] as ArrayBuffer[];
}
