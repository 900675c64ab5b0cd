// Test helpers for host-context features: small synthetic Zeek records, a seeded random source,
// and a reader for the live `to_json` samples in ../shared/data (nested `id`, port objects).
import { readFileSync } from 'node:fs';
import type { ZeekRecord, ZeekValue } from '../../src/zeek/record.js';
import type { FeatureBlock } from '../../src/features/feature-block.js';

/** mulberry32: a tiny deterministic generator so synthetic traffic is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function connRecord(fields: {
  ts: number;
  orig: string;
  resp: string;
  port: number;
  state?: string;
  bytes?: number;
  duration?: number;
}): ZeekRecord {
  const record: ZeekRecord = {
    ts: fields.ts,
    uid: 'C' + Math.floor(fields.ts * 1000).toString(36),
    'id.orig_h': fields.orig,
    'id.orig_p': 40000,
    'id.resp_h': fields.resp,
    'id.resp_p': fields.port,
    proto: 'tcp',
    conn_state: fields.state ?? 'SF',
  };
  if (fields.bytes !== undefined) {
    record.orig_bytes = Math.floor(fields.bytes / 3);
    record.resp_bytes = fields.bytes - Math.floor(fields.bytes / 3);
  }
  if (fields.duration !== undefined) record.duration = fields.duration;
  return record;
}

export function dnsRecord(ts: number, orig: string, query: string, rcodeName = 'NOERROR'): ZeekRecord {
  return { ts, 'id.orig_h': orig, 'id.orig_p': 5353, 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', query, rcode_name: rcodeName };
}

/** Runs `records` through `block`, returning one feature row per record. */
export function featureRows(block: FeatureBlock, records: readonly ZeekRecord[]): Float64Array[] {
  return records.map((record) => {
    const row = new Float64Array(block.names.length);
    block.write(record, row, 0);
    return row;
  });
}

/** The value of the feature named `name` in `row`. */
export function feature(block: FeatureBlock, row: Float64Array, name: string): number {
  const index = block.names.indexOf(name);
  if (index < 0) throw new Error(`no feature ${name} in [${block.names.join(', ')}]`);
  return row[index]!;
}

/** Flattens one live `to_json` record (nested `id`, `{port, proto}` objects) into the dotted ZeekRecord shape. */
export function flattenLiveRecord(nested: Record<string, unknown>): ZeekRecord {
  const flat: ZeekRecord = {};
  const visit = (value: unknown, key: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      if (typeof object.port === 'number' && typeof object.proto === 'string') {
        flat[key] = object.port;
        flat['id.proto'] = object.proto;
        return;
      }
      for (const [name, inner] of Object.entries(object)) visit(inner, key === '' ? name : `${key}.${name}`);
      return;
    }
    flat[key] = value as ZeekValue;
  };
  visit(nested, '');
  return flat;
}

/** The records of `stream` in a `live-records.ndjson` sample, in file order. */
export function readLiveRecords(file: string, stream: string): ZeekRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { stream: string; record: Record<string, unknown> })
    .filter((entry) => entry.stream === stream)
    .map((entry) => flattenLiveRecord(entry.record));
}
