// The JavaScript kind each default column of the five streams must have (spec §5.4), to check JSON input,
// which unlike TSV carries no #types header.
import type { LogStream, ZeekValue } from './record.js';

export type FieldKind = 'number' | 'string' | 'boolean' | 'array';

const CONNECTION_ID: Record<string, FieldKind> = {
  ts: 'number',
  uid: 'string',
  'id.orig_h': 'string',
  'id.orig_p': 'number',
  'id.resp_h': 'string',
  'id.resp_p': 'number',
  'id.proto': 'string',
};

const BY_STREAM: Record<LogStream, Record<string, FieldKind>> = {
  conn: {
    ...CONNECTION_ID,
    proto: 'string', service: 'string', duration: 'number', orig_bytes: 'number', resp_bytes: 'number',
    conn_state: 'string', local_orig: 'boolean', local_resp: 'boolean', missed_bytes: 'number', history: 'string',
    orig_pkts: 'number', orig_ip_bytes: 'number', resp_pkts: 'number', resp_ip_bytes: 'number',
    tunnel_parents: 'array', ip_proto: 'number',
  },
  http: {
    ...CONNECTION_ID,
    trans_depth: 'number', method: 'string', host: 'string', uri: 'string', referrer: 'string', version: 'string',
    user_agent: 'string', origin: 'string', request_body_len: 'number', response_body_len: 'number',
    status_code: 'number', status_msg: 'string', info_code: 'number', info_msg: 'string', tags: 'array',
    username: 'string', password: 'string', proxied: 'array', orig_fuids: 'array', orig_filenames: 'array',
    orig_mime_types: 'array', resp_fuids: 'array', resp_filenames: 'array', resp_mime_types: 'array',
  },
  dns: {
    ...CONNECTION_ID,
    proto: 'string', trans_id: 'number', rtt: 'number', query: 'string', qclass: 'number', qclass_name: 'string',
    qtype: 'number', qtype_name: 'string', rcode: 'number', rcode_name: 'string', AA: 'boolean', TC: 'boolean',
    RD: 'boolean', RA: 'boolean', Z: 'number', answers: 'array', TTLs: 'array', rejected: 'boolean',
    opcode: 'number', opcode_name: 'string',
  },
  ssh: {
    ...CONNECTION_ID,
    version: 'number', auth_success: 'boolean', auth_attempts: 'number', direction: 'string', client: 'string',
    server: 'string', cipher_alg: 'string', mac_alg: 'string', compression_alg: 'string', kex_alg: 'string',
    host_key_alg: 'string', host_key_fingerprint: 'string', host_key: 'string',
  },
  ssl: {
    ...CONNECTION_ID,
    version: 'string', cipher: 'string', curve: 'string', server_name: 'string', resumed: 'boolean',
    last_alert: 'string', next_protocol: 'string', established: 'boolean', ssl_history: 'string',
    cert_chain_fps: 'array', client_cert_chain_fps: 'array', sni_matches_cert: 'boolean', subject: 'string',
    issuer: 'string', client_subject: 'string', client_issuer: 'string',
  },
};

/** Per stream, the known fields and their kinds as two lists (walked by index: this runs once per JSON record). */
const KNOWN_FIELD_LISTS = Object.fromEntries(
  Object.entries(BY_STREAM).map(([stream, kinds]) => [stream, { fields: Object.keys(kinds), kinds: Object.values(kinds) }]),
) as Record<LogStream, { fields: string[]; kinds: FieldKind[] }>;

function kindOf(value: ZeekValue): FieldKind | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as FieldKind;
}

/**
 * A record's keys in for…in order and, per key, the kind its value must have (undefined: a field we do not
 * check). Lines of one JSON log nearly all have the keys of a recent line in the same order (94 % of a real
 * conn log's lines have the previous line's), so such an order settles most records by position, without a
 * lookup by name per known field.
 */
interface KeyOrder {
  readonly keys: string[];
  readonly kinds: (FieldKind | undefined)[];
}

/** Key orders remembered per stream, most recently fitted first: a log's few shapes (unset fields omitted) recur. */
const MAX_KEY_ORDERS = 4;
const recentKeyOrders = new Map<LogStream, KeyOrder[]>();

/** The first known field of `stream` whose value has the wrong kind, with a description; undefined if all fit. */
export function findMistypedField(
  record: Readonly<Record<string, ZeekValue>>,
  stream: LogStream,
): { field: string; detail: string } | undefined {
  let orders = recentKeyOrders.get(stream);
  if (orders === undefined) recentKeyOrders.set(stream, (orders = []));
  for (let i = 0; i < orders.length; i++) {
    if (!fitsKeyOrder(record, orders[i]!)) continue;
    if (i > 0) orders.unshift(orders.splice(i, 1)[0]!);
    return undefined;
  }
  const mistyped = firstMistypedField(record, stream);
  if (mistyped === undefined) {
    orders.unshift(keyOrderOf(record, stream));
    if (orders.length > MAX_KEY_ORDERS) orders.pop();
  }
  return mistyped;
}

/** True when `record` has exactly `order`'s keys, in its order, each value of the kind its key needs. */
function fitsKeyOrder(record: Readonly<Record<string, ZeekValue>>, order: KeyOrder): boolean {
  const { keys, kinds } = order;
  let i = 0;
  for (const key in record) {
    if (key !== keys[i]) return false;
    const expected = kinds[i++];
    if (expected === undefined) continue;
    const value = record[key];
    if (expected === 'array' ? !Array.isArray(value) : typeof value !== expected) return false;
  }
  return i === keys.length;
}

function keyOrderOf(record: Readonly<Record<string, ZeekValue>>, stream: LogStream): KeyOrder {
  const known = BY_STREAM[stream];
  const keys: string[] = [];
  const kinds: (FieldKind | undefined)[] = [];
  for (const key in record) {
    keys.push(key);
    kinds.push(Object.hasOwn(known, key) ? known[key] : undefined);
  }
  return { keys, kinds };
}

/** The check by name, in the order of the known fields (so the first mistyped field named is always the same). */
function firstMistypedField(
  record: Readonly<Record<string, ZeekValue>>,
  stream: LogStream,
): { field: string; detail: string } | undefined {
  const { fields, kinds } = KNOWN_FIELD_LISTS[stream];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = record[field];
    if (value === undefined) continue;
    const expected = kinds[i]!;
    // the usual case settled by typeof alone; kindOf names arrays and null apart
    if (typeof value === expected) continue;
    const actual = kindOf(value);
    if (actual !== expected) return { field, detail: `expected ${expected}, got ${actual}` };
  }
  return undefined;
}
