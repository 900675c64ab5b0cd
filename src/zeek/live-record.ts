// Turns a live record (Zeek's to_json(rec, T, /^_/, T) string, nested `id`, port objects) into a flat ZeekRecord.
import { ZeekLogParseError } from '../errors.js';
import { checkFieldKinds, flattenInto, normaliseTs, parseJsonObject } from './json-reader.js';
import type { LogStream, RecordSource, ZeekRecord } from './record.js';

/** A UTF-16 surrogate without its partner: what invalid UTF-8 (or a crafted `\ud800`) leaves in a JS string. */
const LONE_SURROGATE = /\p{Cs}/u;

/** String.prototype.isWellFormed (Node ≥ 20, V8 11.3): no lone surrogate; ~20 ns where the regex took up to 300. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Longest live record accepted; to_json strings of the five streams are well under this. */
export const MAX_LIVE_RECORD_CHARS = 1 << 20;

/**
 * Parses one to_json string from the network (untrusted). `id` is flattened to `id.orig_h`, … ; port objects
 * become numbers and their protocol is kept as `id.proto`; `ctx:{}` and nulls vanish; `ts` must be a time.
 * With `stream`, the known columns of that stream are also checked for the right kind.
 * Throws ZeekLogParseError (`line-too-long`, `invalid-utf8`, `invalid-json`, `not-an-object`, `bad-ts`, `bad-value`).
 */
export function parseLiveRecord(json: string, where: RecordSource, stream?: LogStream): ZeekRecord {
  if (typeof json !== 'string') throw new ZeekLogParseError('bad-value', `expected a string, got ${typeof json}`, where);
  if (json.length > MAX_LIVE_RECORD_CHARS) {
    throw new ZeekLogParseError('line-too-long', `record longer than ${MAX_LIVE_RECORD_CHARS} characters`, where);
  }
  if (!isWellFormed(json)) throw new ZeekLogParseError('invalid-utf8', 'string holds a lone surrogate', where);
  const parsed = parseJsonObject(json, where);
  const record: ZeekRecord = {};
  flattenInto(record, parsed, '', 0, where, true);
  // a crafted "\ud800" escape survives the text check above and only shows after parsing; without a `\u`
  // escape in the text, every parsed character was already in the checked text (a third of the parse time)
  if (json.indexOf('\\u') !== -1) checkNoLoneSurrogate(record, where);
  normaliseTs(record, where);
  if (stream !== undefined) checkFieldKinds(record, stream, where);
  return record;
}

function checkNoLoneSurrogate(record: ZeekRecord, where: RecordSource): void {
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) {
      throw new ZeekLogParseError('invalid-utf8', 'value holds a lone surrogate', { ...where, field: key });
    }
  }
}
