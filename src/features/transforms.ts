// Numeric transforms and field readers used on the featurize hot path: log scaling, string shape
// (entropy, digit share), and tolerant reads of untrusted record fields. None of them allocate.
import type { ZeekRecord } from '../zeek/record.js';

/**
 * ln(1 + x) for a count or byte total; negatives, NaN and ±Infinity (bad input) give 0 so a
 * corrupt field can never put a non-finite value into a feature vector.
 */
export function log1pCount(value: number): number {
  // packet counts, small byte totals and ports are mostly small whole numbers: their logarithms come from a table
  if (value >= 0 && value < SMALL_COUNTS && (value | 0) === value) return LOG1P_OF_SMALL_COUNTS[value]!;
  return value > 0 && value < Number.POSITIVE_INFINITY ? Math.log1p(value) : 0;
}

const SMALL_COUNTS = 1024;
/** Math.log1p(n) for n = 0 … SMALL_COUNTS − 1, so the table gives exactly what the call would. */
const LOG1P_OF_SMALL_COUNTS = Float64Array.from({ length: SMALL_COUNTS }, (_, n) => Math.log1p(n));

/** Inverse of log1pCount, for showing a feature in its original unit. */
export function expm1Count(scaled: number): number {
  return Math.expm1(scaled);
}

/**
 * A duration or round-trip time in seconds, log-scaled as ln(1 + seconds × 1000): ln of
 * milliseconds for long values, linear below a millisecond, 0 at 0. DNS rtt and TCP durations
 * span 1e-5 … 1e4 s, and plain ln(1 + seconds) would squeeze every sub-second value to ~0.
 */
export function logSeconds(seconds: number): number {
  return seconds > 0 && seconds < Number.POSITIVE_INFINITY ? Math.log1p(seconds * 1000) : 0;
}

/** Inverse of logSeconds: seconds. */
export function secondsFromLog(scaled: number): number {
  return Math.expm1(scaled) / 1000;
}

/** Character counts for characterEntropy (every slot back to 0 after each call), and the slots one call touched. */
const characterCounts = new Int32Array(128);
const touchedCharacters = new Int32Array(128);

/**
 * Shannon entropy of the characters of `text`, in bits per character: H = −Σ p_c·log2 p_c with p_c = count(c) /
 * length. Code units past ASCII share one bucket (Zeek mostly escapes them as `\xNN` anyway). With `foldCase`
 * letters count without their case: DNS resolvers randomise it (0x20), so a query name's case says nothing.
 * Random base32/hex labels of tunnels score ≈ 4–5; ordinary names ≈ 2.5–3.5.
 */
export function characterEntropy(text: string, foldCase: boolean): number {
  const length = text.length;
  if (length === 0) return 0;
  let distinct = 0;
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128) c = 127;
    else if (foldCase && c >= 65 && c <= 90) c |= 0x20;
    if (characterCounts[c]!++ === 0) touchedCharacters[distinct++] = c;
  }
  let entropy = 0;
  // only the touched slots are read and cleared: no 128-slot pass per call
  for (let i = 0; i < distinct; i++) {
    const c = touchedCharacters[i]!;
    const p = characterCounts[c]! / length;
    entropy -= p * Math.log2(p);
    characterCounts[c] = 0;
  }
  return entropy;
}

/** Share of ASCII digits among the characters of `text` (0 for the empty string). */
export function digitShare(text: string): number {
  const length = text.length;
  if (length === 0) return 0;
  let digits = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits / length;
}

/** How many times `code` occurs in `text`. */
export function countCharacter(text: string, code: number): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === code) count++;
  return count;
}

/** A numeric field, or NaN when it is unset or not a finite number (absent means unset). */
export function readNumber(record: ZeekRecord, field: string): number {
  const value = record[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}

/** A string field, or undefined when unset or not a string. */
export function readString(record: ZeekRecord, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}

/** A bool field as 1 (true), 0 (false) or -1 (unset or not a boolean). */
export function readFlag(record: ZeekRecord, field: string): number {
  const value = record[field];
  return value === true ? 1 : value === false ? 0 : -1;
}

/** Number of elements of a set/vector field, or -1 when unset. */
export function readLength(record: ZeekRecord, field: string): number {
  const value = record[field];
  return Array.isArray(value) ? value.length : -1;
}

/** Whether a string field is set and non-empty. */
export function hasText(record: ZeekRecord, field: string): boolean {
  const value = record[field];
  return typeof value === 'string' && value.length > 0;
}
