// Converters from Zeek's text forms (TSV columns by #types, ISO 8601 times, \xNN escapes) to ZeekRecord values.
import type { ZeekValue } from './record.js';

/** A value that does not fit its declared type; the reader turns it into a counted ZeekLogParseError. */
export class BadValueError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** Turns one TSV column's text into its normal form; `undefined` means unset (field absent). */
export type ColumnConverter = (text: string) => ZeekValue | undefined;

/** The TSV header settings a converter depends on. */
export interface TsvMarkers {
  readonly setSeparator: string;
  readonly emptyField: string;
  readonly unsetField: string;
}

const HEX_ESCAPE = /\\x([0-9a-fA-F]{2})/g;

/**
 * Decodes Zeek's `\xNN` escapes to the character U+00NN. Zeek writes bytes it cannot print (control bytes,
 * invalid UTF-8, separators inside values) this way in TSV, and as the literal text `\xNN` in JSON and to_json;
 * decoding all three the same way makes a record read from any source identical.
 */
export function decodeZeekEscapes(text: string): string {
  if (text.indexOf('\\x') === -1) return text;
  return text.replace(HEX_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;

function parseDecimal(text: string): number {
  if (!DECIMAL.test(text)) throw new BadValueError(`not a number: ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

/** Digits an integer may have for the digit loop below to be exact (< 2^53); longer ones go through Number(). */
const EXACT_INTEGER_DIGITS = 15;

function parseInteger(text: string): number {
  // counts and ports are most columns of a conn line; a digit loop is several times faster than regex + Number()
  // and gives the same double (every integer below 10^15 is exact)
  const length = text.length;
  let i = 0;
  let sign = 1;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */) {
    sign = -1;
    i = 1;
  } else if (first === 43 /* + */) {
    i = 1;
  }
  if (i < length && length - i <= EXACT_INTEGER_DIGITS) {
    let value = 0;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === length) return sign * value;
  }
  if (!INTEGER.test(text)) throw new BadValueError(`not an integer: ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

function parsePort(text: string): number {
  const port = parseInteger(text);
  if (port < 0 || port > 65535) throw new BadValueError(`port out of range: ${text}`);
  return port;
}

function parseBool(text: string): boolean {
  if (text === 'T') return true;
  if (text === 'F') return false;
  throw new BadValueError(`not a bool (T/F): ${JSON.stringify(text.slice(0, 40))}`);
}

/** Element converters by Zeek base type; anything unknown (pattern, func, new types) is kept as text. */
function elementParser(type: string): (text: string) => ZeekValue {
  switch (type) {
    case 'time':
    case 'interval':
    case 'double':
      return parseDecimal;
    case 'count':
    case 'int':
      return parseInteger;
    case 'port':
      return parsePort;
    case 'bool':
      return parseBool;
    default:
      return decodeZeekEscapes;
  }
}

/**
 * How a TSV reader may parse a column in place, without cutting it out of the line first: numbers and bools
 * are most columns of a conn line, and their substrings were a large share of the reader's allocation.
 * `text` columns (and every container) go through their ColumnConverter.
 */
export const enum InPlaceKind {
  Text = 0,
  Decimal = 1,
  Integer = 2,
  Port = 3,
  Bool = 4,
}

export function inPlaceKind(type: string): InPlaceKind {
  switch (type) {
    case 'time':
    case 'interval':
    case 'double':
      return InPlaceKind.Decimal;
    case 'count':
    case 'int':
      return InPlaceKind.Integer;
    case 'port':
      return InPlaceKind.Port;
    case 'bool':
      return InPlaceKind.Bool;
    default:
      return InPlaceKind.Text;
  }
}

/** Exact powers of ten: every 10^k with k <= 22 is a double without rounding. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const TWO_TO_53 = 2 ** 53;

/**
 * The value of an unsigned decimal `ddd[.ddd]` in text[start, end), or NaN when it is not that simple form
 * (sign, exponent, too many digits): the caller then falls back to the full parser. With the digits read as an
 * integer M < 2^53 (exact) and k <= 22 fraction digits, M / 10^k is one correctly rounded division of two exact
 * doubles, so it is the same double Number(text) gives (Clinger's fast path).
 */
export function parseSimpleDecimalAt(text: string, start: number, end: number): number {
  let mantissa = 0;
  let fractionDigits = -1;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* . */ && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    mantissa = mantissa * 10 + digit;
    digits++;
    if (fractionDigits >= 0) fractionDigits++;
  }
  if (digits === 0 || !(mantissa < TWO_TO_53) || fractionDigits > 22) return Number.NaN;
  return fractionDigits > 0 ? mantissa / EXACT_POWERS_OF_TEN[fractionDigits]! : mantissa;
}

/** The value of an unsigned integer of 1–15 digits in text[start, end) (exact), or NaN for any other form. */
export function parseSimpleIntegerAt(text: string, start: number, end: number): number {
  if (end <= start || end - start > EXACT_INTEGER_DIGITS) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

const CONTAINER = /^(set|vector|table)\[(.+)\]$/;

/**
 * Builds the converter for one `#types` entry, once per header, so the per-line work is a switch-free call.
 * Unset (`-`) is absent for every type; `(empty)` is "" for text types and [] for containers. Zeek escapes a
 * string that equals either marker, so comparing before decoding escapes is exact.
 */
export function columnConverter(type: string, markers: TsvMarkers): ColumnConverter {
  const { setSeparator, emptyField, unsetField } = markers;
  const container = CONTAINER.exec(type);
  if (container) {
    // table[a,b] has composite keys; they are kept as text, the element type being ambiguous
    const element = container[2]!.includes(',') ? decodeZeekEscapes : elementParser(container[2]!);
    return (text) => {
      if (text === unsetField) return undefined;
      if (text === emptyField) return [];
      const parts = text.split(setSeparator);
      const values: ZeekValue[] = new Array(parts.length);
      for (let i = 0; i < parts.length; i++) values[i] = parts[i] === unsetField ? null : element(parts[i]!);
      return values;
    };
  }
  const parse = elementParser(type);
  if (parse === decodeZeekEscapes) {
    return (text) => (text === unsetField ? undefined : text === emptyField ? '' : decodeZeekEscapes(text));
  }
  return (text) => {
    if (text === unsetField) return undefined;
    if (text === emptyField) throw new BadValueError(`empty value for type ${type}`);
    return parse(text);
  };
}

/** Decodes the value of a `#separator` directive (`\x09`), the only header written with escapes. */
export function decodeSeparator(text: string): string {
  return decodeZeekEscapes(text.trim() === '' ? text : text.trim());
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch seconds from an ISO 8601 time as Zeek writes it (`2018-03-24T17:15:20.865716Z`) with full microsecond
 * precision (Date.parse keeps only milliseconds). No zone means UTC, as Zeek writes UTC. Undefined if not ISO.
 */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const millis = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(millis)) return undefined;
  let seconds = millis / 1000;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    seconds -= sign * (+digits.slice(0, 2) * 3600 + +digits.slice(2) * 60);
  }
  // parse "seconds.fraction" as one decimal so the result is the same double the TSV text gives
  if (!m[7]) return seconds;
  return seconds >= 0 ? Number(`${seconds}.${m[7]}`) : seconds + Number(`0.${m[7]}`);
}

/**
 * `ts` from a JSON log as epoch seconds. Rule: a string is ISO 8601 (LogAscii::json_timestamps=TS_ISO8601);
 * an integer above 1e11 is milliseconds (TS_MILLIS; 1e11 s would be the year 5138, 1e11 ms is March 1973);
 * any other finite number is epoch seconds (TS_EPOCH, also the relative times of some captures).
 */
export function normaliseJsonTime(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return Number.isInteger(value) && Math.abs(value) > 1e11 ? value / 1000 : value;
  }
  if (typeof value === 'string') return parseIsoTime(value);
  return undefined;
}
