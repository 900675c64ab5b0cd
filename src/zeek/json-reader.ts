// Reads one Zeek JSON value (a JSON log line or a live to_json string) into a flat, checked ZeekRecord.
import { ZeekLogParseError } from '../errors.js';
import { findMistypedField } from './known-fields.js';
import type { LogStream, RecordSource, ZeekRecord, ZeekValue } from './record.js';
import { decodeZeekEscapes, normaliseJsonTime } from './value-parsers.js';

/** Records nest `id` and little else; deeper nesting is not Zeek output. */
const MAX_NESTING = 8;

/** Writer metadata of the json-streaming-logs package; not part of the record. */
const WRITER_FIELDS = new Set(['_path', '_write_ts']);

/** A JSON log line after parsing: the record and the stream named by its `_path`, if any. */
export interface JsonLogLine {
  readonly record: ZeekRecord;
  readonly path: string | undefined;
}

/**
 * Parses one JSON log line (`LogAscii::use_json=T` or json-streaming-logs): dotted names kept, `ts` made epoch
 * seconds (see normaliseJsonTime), `_path`/`_write_ts` taken out, `\xNN` escapes decoded, nested objects
 * flattened with dots. Throws ZeekLogParseError (reasons `invalid-json`, `not-an-object`, `bad-ts`, `bad-value`).
 */
export function parseJsonLogLine(text: string, where: RecordSource): JsonLogLine {
  const writer = readWriterPrefix(text);
  let parsed: Record<string, unknown> | undefined;
  let path: unknown;
  if (writer !== undefined) {
    // json-streaming-logs lines: parse the record without the writer's leading fields, so the parsed object is
    // the record itself (copying a 20-field object cost as much as the parse). A later duplicate _path wins,
    // as it does in JSON.parse. If the rest does not parse, the whole line is parsed again for the exact error.
    try {
      parsed = parseJsonObject(`{${text.slice(writer.recordStart)}`, where);
      path = parsed._path !== undefined ? parsed._path : writer.path;
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === undefined) {
    parsed = parseJsonObject(text, where);
    path = parsed._path;
  }
  // Zeek's `\xNN` escapes reach a value only through a backslash in the line (JSON writes it `\\`, or `\u005c`):
  // a line without one needs no look into its strings
  const shape = jsonShape(parsed, text.indexOf('\\') !== -1);
  let record: ZeekRecord;
  if (shape === JsonShape.Normal) {
    // the common case (flat, no escapes, no writer fields): the parsed object is the record; copying it
    // would cost more than the parse
    record = parsed as ZeekRecord;
  } else if (shape === JsonShape.NormalWithWriterFields) {
    // json-streaming-logs writes _path and _write_ts on every line: a plain copy without them (what
    // flattenInto would give for such a record, at a fraction of its cost; `delete` would make a slow object)
    record = {};
    for (const key in parsed) {
      if (!isWriterField(key)) record[key] = parsed[key] as ZeekValue;
    }
  } else {
    record = {};
    flattenInto(record, parsed, '', 0, where, false, WRITER_FIELDS);
  }
  normaliseTs(record, where);
  return { record, path: typeof path === 'string' ? path : undefined };
}

const enum JsonShape {
  /** nested objects, escapes, nulls or odd names: needs flattenInto */
  Irregular,
  /** already a ZeekRecord */
  Normal,
  /** a ZeekRecord apart from the writer's _path/_write_ts */
  NormalWithWriterFields,
}

/** _path or _write_ts; the first character settles it for nearly every name, without a Set lookup. */
function isWriterField(key: string): boolean {
  return key.charCodeAt(0) === 95 /* _ */ && WRITER_FIELDS.has(key);
}

/**
 * Whether every value is already in normal form: flat primitives or arrays of them, no `\x` text (looked for only
 * when `backslashes`: the line had one), no nulls.
 * for…in: on JSON.parse's objects V8 walks the properties in place (Object.keys and a load per name cost ~0.3 µs).
 */
function jsonShape(parsed: Record<string, unknown>, backslashes: boolean): JsonShape {
  let writerFields = false;
  for (const key in parsed) {
    if (key === '__proto__') return JsonShape.Irregular;
    if (isWriterField(key)) {
      writerFields = true;
      continue;
    }
    const value = parsed[key];
    const kind = typeof value;
    if (kind === 'string') {
      if (backslashes && (value as string).indexOf('\\x') !== -1) return JsonShape.Irregular;
    } else if (kind === 'object') {
      if (!Array.isArray(value)) return JsonShape.Irregular;
      for (const item of value) {
        if (typeof item === 'string' ? backslashes && item.indexOf('\\x') !== -1 : typeof item !== 'number' && typeof item !== 'boolean') return JsonShape.Irregular;
      }
    } else if (kind !== 'number' && kind !== 'boolean') {
      return JsonShape.Irregular;
    }
  }
  return writerFields ? JsonShape.NormalWithWriterFields : JsonShape.Normal;
}

/** Where a line's leading `"_path":"…",` / `"_write_ts":"…",` fields end, and the _path they name. */
interface WriterPrefix {
  /** index of the `"` that opens the first record field */
  readonly recordStart: number;
  readonly path: string | undefined;
}

const PATH_KEY = '"_path":"';
const WRITE_TS_KEY = '"_write_ts":"';

/**
 * Reads json-streaming-logs' leading writer fields exactly as written (`{"_path":"conn","_write_ts":"…","ts":…`):
 * string values without escapes or control characters, each followed by `,"`. Anything else gives undefined
 * and the line is parsed whole; cutting only such fields keeps valid lines valid and invalid ones invalid.
 */
function readWriterPrefix(text: string): WriterPrefix | undefined {
  let position = 1;
  let path: string | undefined;
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  for (;;) {
    const isPath = text.startsWith(PATH_KEY, position);
    if (!isPath && !text.startsWith(WRITE_TS_KEY, position)) break;
    const valueStart = position + (isPath ? PATH_KEY.length : WRITE_TS_KEY.length);
    let end = valueStart;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      if (code === 34 /* " */) break;
      if (code === 92 /* \ */ || code < 0x20) return undefined;
    }
    if (text.charCodeAt(end + 1) !== 44 /* , */ || text.charCodeAt(end + 2) !== 34 /* " */) return undefined;
    if (isPath) path = text.slice(valueStart, end);
    position = end + 2;
  }
  return position === 1 ? undefined : { recordStart: position, path };
}

/** JSON.parse that only accepts an object, as a ZeekLogParseError otherwise. */
export function parseJsonObject(text: string, where: RecordSource): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ZeekLogParseError('invalid-json', (err as Error).message, where);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ZeekLogParseError('not-an-object', `expected a JSON object, got ${JSON.stringify(text.slice(0, 40))}`, where);
  }
  return parsed as Record<string, unknown>;
}

/** Replaces `ts` by epoch seconds; a record without a usable ts cannot be placed in time and is refused. */
export function normaliseTs(record: ZeekRecord, where: RecordSource): void {
  const ts = normaliseJsonTime(record.ts);
  if (ts === undefined) {
    throw new ZeekLogParseError('bad-ts', `ts ${JSON.stringify(record.ts ?? null)} is not epoch, millis or ISO 8601`, {
      ...where,
      field: 'ts',
    });
  }
  record.ts = ts;
}

/** Refuses a record whose known columns have the wrong JSON kind (e.g. a string duration). */
export function checkFieldKinds(record: ZeekRecord, stream: LogStream, where: RecordSource): void {
  const mistyped = findMistypedField(record, stream);
  if (mistyped) throw new ZeekLogParseError('bad-value', mistyped.detail, { ...where, field: mistyped.field });
}

/**
 * Copies `value`'s fields into `out` under dotted names. Port objects `{port, proto}` become the port number;
 * with `keepPortProto`, `id.orig_p`/`id.resp_p` objects also set `id.proto`. Null (unset, NaN) is dropped.
 * to_json renders tables as objects too; they cannot be told from records, so they are flattened the same way.
 */
export function flattenInto(
  out: ZeekRecord,
  value: Record<string, unknown>,
  prefix: string,
  depth: number,
  where: RecordSource,
  keepPortProto: boolean,
  skipTopLevel?: ReadonlySet<string>,
): void {
  if (depth > MAX_NESTING) throw new ZeekLogParseError('bad-value', 'nested too deeply', { ...where, field: prefix });
  // for…in rather than Object.keys: the same own keys in the same order on JSON.parse's plain objects, no array
  for (const key in value) {
    // skipped rather than deleted afterwards: `delete` would turn every record into a slow dictionary object
    if (skipTopLevel !== undefined && skipTopLevel.has(key)) continue;
    const name = prefix === '' ? key : dottedName(prefix, key);
    if (key === '__proto__') throw new ZeekLogParseError('bad-value', 'forbidden field name', { ...where, field: name });
    const item = value[key];
    switch (typeof item) {
      case 'string':
        out[name] = decodeZeekEscapes(item);
        break;
      case 'number':
      case 'boolean':
        out[name] = item;
        break;
      case 'object':
        if (item === null) break;
        if (Array.isArray(item)) {
          out[name] = normaliseArray(item, name, where);
        } else if (isPortObject(item)) {
          out[name] = checkedPort(item.port, name, where);
          if (keepPortProto && (name === 'id.orig_p' || name === 'id.resp_p')) out['id.proto'] = item.proto;
        } else {
          flattenInto(out, item as Record<string, unknown>, name, depth + 1, where, keepPortProto);
        }
        break;
      default:
        throw new ZeekLogParseError('bad-value', `unsupported ${typeof item}`, { ...where, field: name });
    }
  }
}

function isPortObject(item: object): item is { port: unknown; proto: string } {
  if (!('port' in item && 'proto' in item && typeof item.proto === 'string')) return false;
  let keys = 0;
  for (const _key in item) keys++;
  return keys === 2;
}

/** `prefix.key` names already made, by prefix: live records repeat the same few nested fields (`id.orig_h`, …). */
const dottedNames = new Map<string, Map<string, string>>();
/** Keys come from the network: past this many, names are made afresh rather than remembered. */
const MAX_DOTTED_NAMES = 4096;
let rememberedNames = 0;

function dottedName(prefix: string, key: string): string {
  let names = dottedNames.get(prefix);
  const known = names?.get(key);
  if (known !== undefined) return known;
  const name = `${prefix}.${key}`;
  if (rememberedNames < MAX_DOTTED_NAMES) {
    if (names === undefined) dottedNames.set(prefix, (names = new Map()));
    names.set(key, name);
    rememberedNames++;
  }
  return name;
}

function checkedPort(port: unknown, field: string, where: RecordSource): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ZeekLogParseError('bad-value', `invalid port ${JSON.stringify(port)}`, { ...where, field });
  }
  return port;
}

/** Sets and vectors: arrays of primitives (vector holes stay null; ports in a set become numbers). */
function normaliseArray(items: unknown[], field: string, where: RecordSource): ZeekValue[] {
  const out: ZeekValue[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'string') out[i] = decodeZeekEscapes(item);
    else if (typeof item === 'number' || typeof item === 'boolean' || item === null) out[i] = item;
    else if (typeof item === 'object' && !Array.isArray(item) && isPortObject(item)) out[i] = checkedPort(item.port, field, where);
    else throw new ZeekLogParseError('bad-value', 'array element is not a primitive', { ...where, field });
  }
  return out;
}
