// Renders a flat ZeekRecord back into the string Zeek's `to_json(rec, T, /^_/, T)` publishes: the inverse of
// the live reader, so a replay of log files looks on the wire like the package running in Zeek.
import type { LogStream, ZeekRecord, ZeekValue } from '../zeek/record.js';

/** Fields of type time, interval or double: Zeek writes them with a decimal point even when whole (`60.0`). */
const DOUBLE_FIELDS = new Set(['ts', 'duration', 'rtt', 'TTLs']);

/** The transport protocol of a stream's ports when the record does not say (`id.proto` or `proto`). */
const DEFAULT_PROTO: Record<LogStream, string> = { conn: 'tcp', http: 'tcp', dns: 'udp', ssh: 'tcp', ssl: 'tcp' };

const PORT_FIELDS = new Set(['id.orig_p', 'id.resp_p']);

function renderDouble(value: number): string {
  if (!Number.isFinite(value)) return 'null'; // to_json writes NaN/Inf as null
  const text = String(value);
  return Number.isInteger(value) && !text.includes('e') ? `${text}.0` : text;
}

/** Zeek's to_json keeps printable text and writes control bytes as the literal text `\xNN`. */
function renderString(value: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return JSON.stringify(escaped);
}

function renderValue(value: ZeekValue, asDouble: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => renderValue(v, asDouble)).join(',')}]`;
  switch (typeof value) {
    case 'number': return asDouble ? renderDouble(value) : Number.isFinite(value) ? String(value) : 'null';
    case 'boolean': return value ? 'true' : 'false';
    default: return renderString(value);
  }
}

interface JsonObject {
  readonly fields: Map<string, string | JsonObject>;
}

function render(object: JsonObject): string {
  const parts: string[] = [];
  for (const [key, value] of object.fields) parts.push(`${JSON.stringify(key)}:${typeof value === 'string' ? value : render(value)}`);
  return `{${parts.join(',')}}`;
}

/**
 * `to_json(rec, T, /^_/, T)` of a flat record: dotted names nested (`id` gains Zeek 8's empty `ctx`), ports
 * as `{"port":n,"proto":p}` with the protocol from `id.proto`, times and intervals as doubles, fields in
 * the record's order. `id.proto` itself is not a logged field and is not written.
 */
export function toLiveJson(record: ZeekRecord, stream: LogStream): string {
  const root: JsonObject = { fields: new Map() };
  const protoValue = record['id.proto'] ?? record.proto;
  const proto = typeof protoValue === 'string' ? protoValue : DEFAULT_PROTO[stream];
  for (const [key, value] of Object.entries(record)) {
    if (key === 'id.proto' || value === undefined) continue;
    const path = key.split('.');
    let parent = root;
    for (const segment of path.slice(0, -1)) {
      let child = parent.fields.get(segment);
      if (child === undefined || typeof child === 'string') {
        child = { fields: new Map() };
        parent.fields.set(segment, child);
      }
      parent = child;
    }
    const leaf = path[path.length - 1]!;
    if (PORT_FIELDS.has(key) && typeof value === 'number') {
      parent.fields.set(leaf, `{"port":${value},"proto":${JSON.stringify(proto)}}`);
    } else {
      parent.fields.set(leaf, renderValue(value, DOUBLE_FIELDS.has(key)));
    }
  }
  const id = root.fields.get('id');
  if (id !== undefined && typeof id !== 'string' && !id.fields.has('ctx')) id.fields.set('ctx', '{}');
  return render(root);
}
