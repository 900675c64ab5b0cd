// Broker JSON v1, the text encoding of Zeek's WebSocket API: every data type, events and message framing.
// Spec: ../shared/specs/zeek-integration.md §2–§3, checked against a real Zeek 8.2.2 (real-zeek-8.2.2/).
import { isIP } from 'node:net';
import { AutoZeekWatchError } from '../errors.js';

/** Why a Broker JSON text or value was refused; a short key for counters and messages. */
export type BrokerJsonReason =
  | 'not-json'
  | 'control-character'
  | 'not-an-object'
  | 'unknown-data-type'
  | 'wrong-type'
  | 'bad-value'
  | 'missing-field'
  | 'not-an-event'
  | 'not-encodable';

/** A Broker JSON text or value that cannot be read or written; `path` says where inside the value. */
export class BrokerJsonError extends AutoZeekWatchError {
  readonly reason: BrokerJsonReason;
  readonly path: string;
  constructor(reason: BrokerJsonReason, path: string, detail: string) {
    super('BROKER_JSON', `${path || '(message)'}: ${reason}: ${detail}`);
    this.reason = reason;
    this.path = path;
  }
}

export type PortProtocol = 'tcp' | 'udp' | 'icmp' | '?';
export interface PortValue {
  readonly port: number;
  readonly proto: PortProtocol;
}

/**
 * A Broker value. Times are epoch seconds, timespans seconds, so the sidecar does arithmetic on plain numbers.
 * count/integer are JS numbers: Zeek counts above 2^53 lose precision (none cross our contract).
 */
export type BrokerData =
  | { readonly type: 'none' }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'count'; readonly value: number }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'real'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'timestamp'; readonly value: number }
  | { readonly type: 'timespan'; readonly value: number }
  | { readonly type: 'enum-value'; readonly value: string }
  | { readonly type: 'address'; readonly value: string }
  | { readonly type: 'subnet'; readonly value: string }
  | { readonly type: 'port'; readonly value: PortValue }
  | { readonly type: 'vector'; readonly value: readonly BrokerData[] }
  | { readonly type: 'set'; readonly value: readonly BrokerData[] }
  | { readonly type: 'table'; readonly value: ReadonlyArray<readonly [BrokerData, BrokerData]> };

export type BrokerDataType = BrokerData['type'];
export const BROKER_DATA_TYPES: readonly BrokerDataType[] = [
  'none', 'boolean', 'count', 'integer', 'real', 'string', 'timestamp', 'timespan', 'enum-value',
  'address', 'subnet', 'port', 'vector', 'set', 'table',
];

// Builders: the one place that checks a value is representable before it goes on the wire.
export const none = (): BrokerData => ({ type: 'none' });
export const boolean = (value: boolean): BrokerData => ({ type: 'boolean', value });
export const count = (value: number): BrokerData => ({ type: 'count', value });
export const integer = (value: number): BrokerData => ({ type: 'integer', value });
export const real = (value: number): BrokerData => ({ type: 'real', value });
export const string = (value: string): BrokerData => ({ type: 'string', value });
export const timestamp = (epochSeconds: number): BrokerData => ({ type: 'timestamp', value: epochSeconds });
export const timespan = (seconds: number): BrokerData => ({ type: 'timespan', value: seconds });
export const enumValue = (value: string): BrokerData => ({ type: 'enum-value', value });
export const address = (value: string): BrokerData => ({ type: 'address', value });
export const subnet = (value: string): BrokerData => ({ type: 'subnet', value });
export const port = (value: PortValue | string): BrokerData => ({
  type: 'port',
  value: typeof value === 'string' ? parsePort(value, 'port') : value,
});
export const vector = (value: readonly BrokerData[]): BrokerData => ({ type: 'vector', value });
export const set = (value: readonly BrokerData[]): BrokerData => ({ type: 'set', value });
export const table = (value: ReadonlyArray<readonly [BrokerData, BrokerData]>): BrokerData => ({ type: 'table', value });

// ---------------------------------------------------------------------------------------------------------
// Scalars as text

const PORT_PATTERN = /^(\d{1,5})\/(tcp|udp|icmp|\?)$/;

/** `80/tcp` → { port: 80, proto: 'tcp' }. */
export function parsePort(text: string, path = ''): PortValue {
  const m = PORT_PATTERN.exec(text);
  if (m === null || Number(m[1]) > 65535) throw new BrokerJsonError('bad-value', path, `not a port: ${JSON.stringify(text)}`);
  return { port: Number(m[1]), proto: m[2] as PortProtocol };
}

export function formatPort(value: PortValue): string {
  return `${value.port}/${value.proto}`;
}

function checkAddress(text: string, path: string): string {
  if (isIP(text) === 0) throw new BrokerJsonError('bad-value', path, `not an IP address: ${JSON.stringify(text)}`);
  return text;
}

function checkSubnet(text: string, path: string): string {
  const slash = text.lastIndexOf('/');
  const family = slash > 0 ? isIP(text.slice(0, slash)) : 0;
  const bits = text.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
    throw new BrokerJsonError('bad-value', path, `not a subnet: ${JSON.stringify(text)}`);
  }
  return text;
}

const TIMESPAN_UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86400 };
const TIMESPAN_PATTERN = /^(-?\d+(?:\.\d+)?)(ns|us|ms|s|min|h|d)$/;

/** `1500ms`, `1.5s`, `-43200s`, `10min` → seconds. */
export function parseTimespan(text: string, path = ''): number {
  const m = TIMESPAN_PATTERN.exec(text);
  if (m === null) throw new BrokerJsonError('bad-value', path, `not a timespan: ${JSON.stringify(text)}`);
  // scale in nanoseconds first so `1500ms` is exactly 1.5, not 1.5000000000000002
  const nanos = Math.round(Number(m[1]) * (TIMESPAN_UNIT_SECONDS[m[2]!]! * 1e9));
  return nanos / 1e9;
}

/** Zeek's rule: the largest of ns, us, ms, s that writes the value as an integer; zero is `0s`. */
export function formatTimespan(seconds: number, path = ''): string {
  if (!Number.isFinite(seconds)) throw new BrokerJsonError('not-encodable', path, `timespan ${seconds}`);
  const nanos = Math.round(seconds * 1e9);
  if (nanos % 1e9 === 0) return `${nanos / 1e9}s`;
  if (nanos % 1e6 === 0) return `${nanos / 1e6}ms`;
  if (nanos % 1e3 === 0) return `${nanos / 1e3}us`;
  return `${nanos}ns`;
}

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO 8601 date-time; fraction and zone optional; no zone means UTC (Zeek ≥ 8.0). */
export function parseTimestamp(text: string, path = ''): number {
  const m = TIMESTAMP_PATTERN.exec(text);
  if (m === null) throw new BrokerJsonError('bad-value', path, `not a timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  let millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(millis) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    throw new BrokerJsonError('bad-value', path, `not a timestamp: ${JSON.stringify(text)}`);
  }
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return millis / 1000 + (fraction !== undefined ? Number(fraction) : 0);
}

/** `YYYY-MM-DDThh:mm:ss.mmm`, UTC, no zone, truncated to milliseconds as Zeek writes it. */
export function formatTimestamp(epochSeconds: number, path = ''): string {
  if (!Number.isFinite(epochSeconds)) throw new BrokerJsonError('not-encodable', path, `timestamp ${epochSeconds}`);
  // round to microseconds first so 1700000000.123 does not truncate to .122
  const millis = Math.floor(Math.round(epochSeconds * 1e6) / 1e3);
  return new Date(millis).toISOString().slice(0, 23);
}

/**
 * A real as JSON text. Zeek rejects a real written without `.` or an exponent (`5`), and JSON.stringify
 * writes 5.0 as `5`, so reals are always written here. `fixed6` is Zeek's own `%f` output.
 */
export function formatReal(value: number, style: RealStyle = 'shortest', path = ''): string {
  if (!Number.isFinite(value)) throw new BrokerJsonError('not-encodable', path, `real ${value} (NaN/Infinity are not JSON)`);
  if (style === 'fixed6') return value.toFixed(6);
  const text = String(value);
  if (text.includes('.')) return text;
  const e = text.indexOf('e');
  return e < 0 ? `${text}.0` : `${text.slice(0, e)}.0${text.slice(e)}`;
}

export type RealStyle = 'shortest' | 'fixed6';

// ---------------------------------------------------------------------------------------------------------
// Encoding

export interface EncodeOptions {
  /** `shortest` (default, what the sidecar sends) or `fixed6` (Zeek's `%f`, what the emulator sends) */
  readonly realStyle?: RealStyle;
  /**
   * `json` (default): JSON.stringify's escapes. `zeek`: only the eight escapes Zeek writes, so control bytes
   * go out raw and `\v` as backslash-v, exactly the frames that break naive clients (spec §3.2).
   */
  readonly stringStyle?: 'json' | 'zeek';
}

const ZEEK_STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\', '"': '\\"', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
};

/** Where Zeek's escaping and JSON.stringify's differ: control characters and (escaped by JSON only) surrogates. */
// eslint-disable-next-line no-control-regex
const ZEEK_DIFFERS_FROM_JSON = /[\u0000-\u001f\ud800-\udfff]/;

function encodeString(text: string, style: 'json' | 'zeek'): string {
  // to_json strings are full of quotes: the native encoder beats a callback per match several times over
  if (style === 'json' || !ZEEK_DIFFERS_FROM_JSON.test(text)) return JSON.stringify(text);
  return `"${text.replace(/[\\"\b\f\n\r\t\v]/g, (c) => ZEEK_STRING_ESCAPES[c]!)}"`;
}


function checkInteger(value: number, min: number, path: string, type: string): number {
  if (!Number.isSafeInteger(value) || value < min) throw new BrokerJsonError('not-encodable', path, `${type} ${value}`);
  return value;
}

/** One Broker value as compact JSON text (`{"@data-type":…,"data":…}`). */
export function encodeBrokerData(value: BrokerData, options: EncodeOptions = {}, path = ''): string {
  return `{"@data-type":"${value.type}","data":${encodePayload(value, options, path)}}`;
}

function encodePayload(value: BrokerData, options: EncodeOptions, path: string): string {
  const strings = options.stringStyle ?? 'json';
  switch (value.type) {
    case 'none': return '{}';
    case 'boolean': return value.value ? 'true' : 'false';
    case 'count': return String(checkInteger(value.value, 0, path, 'count'));
    case 'integer': return String(checkInteger(value.value, Number.MIN_SAFE_INTEGER, path, 'integer'));
    case 'real': return formatReal(value.value, options.realStyle, path);
    case 'string': return encodeString(value.value, strings);
    case 'timestamp': return `"${formatTimestamp(value.value, path)}"`;
    case 'timespan': return `"${formatTimespan(value.value, path)}"`;
    case 'enum-value': return encodeString(value.value, 'json');
    case 'address': return `"${checkAddress(value.value, path)}"`;
    case 'subnet': return `"${checkSubnet(value.value, path)}"`;
    case 'port': return `"${formatPort(value.value)}"`;
    case 'vector':
    case 'set':
      return encodeElements(value.value, options, path);
    case 'table':
      return `[${value.value
        .map(([k, v], i) => `{"key":${encodeBrokerData(k, options, `${path}[${i}].key`)},"value":${encodeBrokerData(v, options, `${path}[${i}].value`)}}`)
        .join(',')}]`;
  }
}

/**
 * One Broker string value as JSON text, exactly as encodeBrokerData writes it. A replay encodes its records
 * once with this before it starts the clock, as Zeek's own encoding costs the sidecar's cores nothing.
 */
export function encodeStringElement(text: string, style: 'json' | 'zeek' = 'json'): string {
  return `{"@data-type":"string","data":${encodeString(text, style)}}`;
}

/** Elements of a vector or set; a batch of strings (log_records) skips the per-element path text. */
function encodeElements(elements: readonly BrokerData[], options: EncodeOptions, path: string): string {
  const strings = options.stringStyle ?? 'json';
  let out = '[';
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i]!;
    if (i > 0) out += ',';
    out += element.type === 'string' ? encodeStringElement(element.value, strings) : encodeBrokerData(element, options, `${path}[${i}]`);
  }
  return `${out}]`;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing JSON text defensively

/**
 * A number as it was written. Zeek tells `5` (count/integer) from `5.0` (real) by the literal, which
 * JSON.parse forgets; parseJsonKeepingNumbers keeps it so the emulator can refuse reals like Zeek does.
 */
export class JsonNumber {
  constructor(readonly value: number, readonly literal: string) {}
  get isIntegerLiteral(): boolean {
    return !/[.eE]/.test(this.literal);
  }
}

/** JSON text → value, or a BrokerJsonError that says whether raw control characters were the cause. */
export function parseJsonText(text: string, path = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw classifyJsonFailure(text, path, err);
  }
}

function classifyJsonFailure(text: string, path: string, err: unknown): BrokerJsonError {
  const detail = err instanceof Error ? err.message : String(err);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(text.replace(/[\t\n\r ]/g, '')) || /(^|[^\\])(\\\\)*\\v/.test(text)) {
    return new BrokerJsonError('control-character', path, `raw control character or \\v in a string (${detail})`);
  }
  return new BrokerJsonError('not-json', path, detail);
}

/**
 * Escapes raw control characters and Zeek's invalid `\v` inside strings, so a frame Zeek wrote with a
 * control byte in a string argument can still be read (spec §3.2's "tolerant pre-processor").
 */
export function repairZeekJson(text: string): string {
  let out = '';
  let inString = false;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString) {
      if (c === 0x22) inString = true;
      continue;
    }
    if (c === 0x5c) {
      if (text.charCodeAt(i + 1) === 0x76) {
        out += `${text.slice(last, i)}\\u000b`;
        last = i + 2;
      }
      i++;
      continue;
    }
    if (c === 0x22) inString = false;
    else if (c < 0x20) {
      out += `${text.slice(last, i)}\\u${c.toString(16).padStart(4, '0')}`;
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** A JSON number literal exactly at lastIndex (sticky: no copy of the rest of the text per number). */
const JSON_NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Like JSON.parse, but numbers become JsonNumber (so `5` and `5.0` differ). Throws BrokerJsonError. */
export function parseJsonKeepingNumbers(text: string): unknown {
  let i = 0;
  const fail = (detail: string): never => {
    throw classifyJsonFailure(text, '', new Error(`${detail} at position ${i}`));
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const parseString = (): string => {
    const start = i;
    let escaped = false;
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) escaped = true;
      i += c === 0x5c ? 2 : 1;
    }
    i++;
    // escapes are checked by the native parser; a string without any is its own text
    return escaped ? JSON.parse(text.slice(start, i)) as string : text.slice(start + 1, i - 1);
  };
  const value = (depth: number): unknown => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = parseString();
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail('expected , or ]');
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    JSON_NUMBER.lastIndex = i;
    const m = JSON_NUMBER.exec(text);
    if (m === null) return fail('unexpected character');
    i += m[0].length;
    return new JsonNumber(Number(m[0]), m[0]);
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

function describe(json: unknown): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'array';
  if (json instanceof JsonNumber) return `number ${json.literal}`;
  return typeof json;
}

function asNumber(json: unknown, path: string, kind: 'count' | 'integer' | 'real'): number {
  if (json instanceof JsonNumber) {
    if (kind !== 'real' && !json.isIntegerLiteral) throw new BrokerJsonError('wrong-type', path, `${kind} written as ${json.literal}`);
    if (kind === 'real' && json.isIntegerLiteral) throw new BrokerJsonError('wrong-type', path, `real written without a decimal point: ${json.literal}`);
    json = json.value;
  }
  if (typeof json !== 'number' || !Number.isFinite(json)) throw new BrokerJsonError('wrong-type', path, `${kind} payload is ${describe(json)}`);
  if (kind === 'count' && (!Number.isInteger(json) || json < 0)) throw new BrokerJsonError('bad-value', path, `count ${json}`);
  if (kind === 'integer' && !Number.isInteger(json)) throw new BrokerJsonError('bad-value', path, `integer ${json}`);
  return json;
}

function asString(json: unknown, path: string, type: string): string {
  if (typeof json !== 'string') throw new BrokerJsonError('wrong-type', path, `${type} payload is ${describe(json)}`);
  return json;
}

function asArray(json: unknown, path: string, type: string): unknown[] {
  if (!Array.isArray(json)) throw new BrokerJsonError('wrong-type', path, `${type} payload is ${describe(json)}`);
  return json;
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && !(json instanceof JsonNumber);
}

/**
 * A parsed `{"@data-type":…,"data":…}` → BrokerData. Numbers may be plain (from JSON.parse: lenient about
 * `5` vs `5.0`) or JsonNumber (from parseJsonKeepingNumbers: strict like Zeek). Throws BrokerJsonError.
 */
export function decodeBrokerData(json: unknown, path = ''): BrokerData {
  if (!isObject(json)) throw new BrokerJsonError('not-an-object', path, `a Broker value must be an object, got ${describe(json)}`);
  const tag = json['@data-type'];
  if (typeof tag !== 'string') throw new BrokerJsonError('missing-field', path, 'no @data-type');
  if (!('data' in json)) throw new BrokerJsonError('missing-field', path, 'no data');
  const data = json.data;
  switch (tag) {
    case 'none': return { type: 'none' };
    case 'boolean':
      if (typeof data !== 'boolean') throw new BrokerJsonError('wrong-type', path, `boolean payload is ${describe(data)}`);
      return { type: 'boolean', value: data };
    case 'count': return { type: 'count', value: asNumber(data, path, 'count') };
    case 'integer': return { type: 'integer', value: asNumber(data, path, 'integer') };
    case 'real': return { type: 'real', value: asNumber(data, path, 'real') };
    case 'string': return { type: 'string', value: asString(data, path, tag) };
    case 'timestamp': return { type: 'timestamp', value: parseTimestamp(asString(data, path, tag), path) };
    case 'timespan': return { type: 'timespan', value: parseTimespan(asString(data, path, tag), path) };
    case 'enum-value': return { type: 'enum-value', value: asString(data, path, tag) };
    case 'address': return { type: 'address', value: checkAddress(asString(data, path, tag), path) };
    case 'subnet': return { type: 'subnet', value: checkSubnet(asString(data, path, tag), path) };
    case 'port': return { type: 'port', value: parsePort(asString(data, path, tag), path) };
    case 'vector':
    case 'set':
      return { type: tag, value: decodeElements(asArray(data, path, tag), path) };
    case 'table':
      return {
        type: 'table',
        value: asArray(data, path, tag).map((entry, i): readonly [BrokerData, BrokerData] => {
          if (!isObject(entry)) throw new BrokerJsonError('wrong-type', `${path}[${i}]`, `table entry is ${describe(entry)}`);
          return [decodeBrokerData(entry.key, `${path}[${i}].key`), decodeBrokerData(entry.value, `${path}[${i}].value`)];
        }),
      };
    default:
      throw new BrokerJsonError('unknown-data-type', path, `@data-type ${JSON.stringify(tag).slice(0, 60)}`);
  }
}

/**
 * Elements of a vector or set. A string element (every record of a log_records batch) is decoded in place:
 * the same checks as decodeBrokerData, without building its path text unless it is refused.
 */
function decodeElements(elements: unknown[], path: string): BrokerData[] {
  const out = new Array<BrokerData>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    if (isObject(element) && element['@data-type'] === 'string' && typeof element.data === 'string') {
      out[i] = { type: 'string', value: element.data };
    } else {
      out[i] = decodeBrokerData(element, `${path}[${i}]`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Events: vector[count 1, count 1, vector[string name, vector args (, vector metadata)]]

export interface BrokerEvent {
  /** fully qualified event name, e.g. `AutoZeekWatch::anomaly` */
  readonly name: string;
  readonly args: readonly BrokerData[];
  /** optional metadata pairs `[count key, value]` (Zeek 6.0–7.x always, 8.0+ only on request) */
  readonly metadata?: ReadonlyArray<readonly [number, BrokerData]>;
}

/** The Broker value of an event. Metadata is written only when given. */
export function eventToBroker(event: BrokerEvent): BrokerData {
  const inner: BrokerData[] = [string(event.name), vector(event.args)];
  if (event.metadata !== undefined) inner.push(vector(event.metadata.map(([key, value]) => vector([count(key), value]))));
  return vector([count(1), count(1), vector(inner)]);
}

/** A Broker value → event; 2 or 3 inner elements (metadata tolerated). Throws BrokerJsonError('not-an-event'). */
export function brokerToEvent(data: BrokerData, path = 'data'): BrokerEvent {
  const bad = (detail: string): never => {
    throw new BrokerJsonError('not-an-event', path, detail);
  };
  if (data.type !== 'vector' || data.value.length !== 3) return bad('an event is a vector of 3 elements');
  const [version, kind, body] = data.value;
  if (version!.type !== 'count' || version!.value !== 1) bad('format version is not count 1');
  if (kind!.type !== 'count' || kind!.value !== 1) bad('message type is not count 1 (event)');
  if (body!.type !== 'vector' || body!.value.length < 2 || body!.value.length > 3) return bad('event body is not [name, args(, metadata)]');
  const [name, args, meta] = body!.value;
  if (name!.type !== 'string') return bad('event name is not a string');
  if (args!.type !== 'vector') return bad('event arguments are not a vector');
  let metadata: Array<readonly [number, BrokerData]> | undefined;
  if (meta !== undefined) {
    if (meta.type !== 'vector') return bad('event metadata is not a vector');
    metadata = meta.value.map((pair) => {
      if (pair.type !== 'vector' || pair.value.length !== 2 || pair.value[0]!.type !== 'count') return bad('metadata entry is not [count, value]');
      return [pair.value[0]!.value as number, pair.value[1]!] as const;
    });
  }
  return { name: name!.value, args: args!.value, ...(metadata !== undefined ? { metadata } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// Message framing

/** What a Zeek WebSocket server sends: the ack, an error, or a data message. */
export type ServerMessage =
  | { readonly type: 'ack'; readonly endpoint: string; readonly version: string }
  | { readonly type: 'error'; readonly code: string; readonly context: string }
  | { readonly type: 'data-message'; readonly topic: string; readonly data: BrokerData };

/** The client's first message: the topic prefixes it subscribes to. */
export function encodeHandshake(topics: readonly string[]): string {
  return JSON.stringify(topics);
}

export function encodeAck(endpoint: string, version: string): string {
  return `{"type":"ack","endpoint":${JSON.stringify(endpoint)},"version":${JSON.stringify(version)}}`;
}

/** An error message; Zeek 7.2.0/7.2.1 used the key `message` instead of `context`. */
export function encodeError(code: string, context: string, key: 'context' | 'message' = 'context'): string {
  return `{"type":"error","code":${JSON.stringify(code)},"${key}":${JSON.stringify(context)}}`;
}

/** A data message, key order `type, topic, @data-type, data` as Zeek writes it. */
export function encodeDataMessage(topic: string, data: BrokerData, options: EncodeOptions = {}): string {
  return `{"type":"data-message","topic":${JSON.stringify(topic)},"@data-type":"${data.type}","data":${encodePayload(data, options, 'data')}}`;
}

export function encodeEventMessage(topic: string, event: BrokerEvent, options: EncodeOptions = {}): string {
  return encodeDataMessage(topic, eventToBroker(event), options);
}

export interface ParseMessageOptions {
  /** escape raw control characters and `\v` in strings instead of refusing the frame (default false) */
  readonly repairControlCharacters?: boolean;
}

/** A frame from a Zeek server → ServerMessage. Never throws anything but BrokerJsonError. */
export function parseServerMessage(text: string, options: ParseMessageOptions = {}): ServerMessage {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    if (!(options.repairControlCharacters && err instanceof BrokerJsonError && err.reason === 'control-character')) throw err;
    json = parseJsonText(repairZeekJson(text));
  }
  if (!isObject(json)) throw new BrokerJsonError('not-an-object', '', `message is ${describe(json)}`);
  switch (json.type) {
    case 'ack':
      return { type: 'ack', endpoint: asString(json.endpoint, 'endpoint', 'ack endpoint'), version: asString(json.version, 'version', 'ack version') };
    case 'error': {
      const context = json.context ?? json.message;
      return { type: 'error', code: asString(json.code, 'code', 'error code'), context: asString(context, 'context', 'error context') };
    }
    case 'data-message':
      return { type: 'data-message', topic: asString(json.topic, 'topic', 'topic'), data: decodeBrokerData(json, '') };
    default:
      throw new BrokerJsonError('wrong-type', 'type', `unknown message type ${JSON.stringify(json.type)?.slice(0, 40)}`);
  }
}
