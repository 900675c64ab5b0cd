// The original (Python) AutoZeekWatch's per-record features, for side-by-side evaluation: fixed
// one-hot column lists (a value not listed becomes all zeros), raw counts, no host context.
//
// Facts taken from the original's preprocessing (AutoZeekWatch/utils.py, preprocess_json_*): the
// final column lists below are the ones it selected. It also computed conn `duration` and the
// `history_has_*` letters but its final column selection dropped them, so they are absent here too.
// "Private" is Python's ipaddress `is_private` for IPv4 (RFC 1918 plus the other IANA special-purpose
// blocks); any IPv6 address makes the traffic direction `IPv6`.
import { FEATURE_SCHEMA_VERSION, parseLocalNets, type Featurizer, type FeaturizerState } from '../features/index.js';
import type { FeatureBlock } from '../features/feature-block.js';
import { makeSchema } from '../features/schema.js';
import type { LogModule, ZeekRecord } from '../zeek/record.js';

/** IPv4 blocks Python's `ipaddress.IPv4Address.is_private` accepts (Python 3.9–3.12). */
const PYTHON_PRIVATE_IPV4 = parseLocalNets([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/29',
  '192.0.0.170/31',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '240.0.0.0/4',
  '255.255.255.255/32',
]);

type Direction = 'IPv6' | 'internal' | 'outgoing' | 'incoming' | 'external';

/** The original's get_traffic_direction: IPv6 on either side wins, then private/public of each end. */
export function originalTrafficDirection(origH: string, respH: string): Direction {
  if (origH.includes(':') || respH.includes(':')) return 'IPv6';
  const origPrivate = PYTHON_PRIVATE_IPV4.contains(origH);
  const respPrivate = PYTHON_PRIVATE_IPV4.contains(respH);
  if (origPrivate) return respPrivate ? 'internal' : 'outgoing';
  return respPrivate ? 'incoming' : 'external';
}

interface Column {
  name: string;
  value: (record: ZeekRecord) => number;
}

function text(record: ZeekRecord, field: string): string | undefined {
  const v = record[field];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A raw number; unset or non-numeric → 0 (the original filled NaN with 0). */
function raw(field: string): Column {
  return { name: field, value: (r) => (typeof r[field] === 'number' && Number.isFinite(r[field]) ? (r[field] as number) : 0) };
}

/** A bool as 0/1; unset → 0. */
function flag(field: string, name = field): Column {
  return { name, value: (r) => (r[field] === true ? 1 : 0) };
}

function has(field: string): Column {
  return { name: `has_${field}`, value: (r) => (r[field] === undefined || r[field] === null ? 0 : 1) };
}

function setLength(field: string): Column {
  return { name: field, value: (r) => (Array.isArray(r[field]) ? (r[field] as unknown[]).length : 0) };
}

/** pandas get_dummies against a fixed list: one column per listed value, unlisted values all zero. */
function oneHot(field: string, values: readonly string[], read: (r: ZeekRecord) => string | undefined = (r) => text(r, field)): Column[] {
  return values.map((v) => ({ name: `${field}_${v}`, value: (r: ZeekRecord) => (read(r) === v ? 1 : 0) }));
}

function direction(values: readonly Direction[]): Column[] {
  return oneHot('traffic_direction', values, (r) => {
    const orig = text(r, 'id.orig_h');
    const resp = text(r, 'id.resp_h');
    return orig === undefined || resp === undefined ? undefined : originalTrafficDirection(orig, resp);
  });
}

const broadcast: Column = { name: 'is_destination_broadcast', value: (r) => ((text(r, 'id.resp_h') ?? '').slice(-3).includes('255') ? 1 : 0) };

const FOUR_DIRECTIONS: readonly Direction[] = ['external', 'incoming', 'internal', 'outgoing'];
const FIVE_DIRECTIONS: readonly Direction[] = ['IPv6', 'external', 'incoming', 'internal', 'outgoing'];
const SSL_HISTORY_LETTERS = 'HCSVTXKRNYGFWUABDOPMIJLQhcsvtxkrnygfwuabdopmijlq';

const ORIGINAL_COLUMNS: Readonly<Record<LogModule, readonly Column[]>> = {
  CONN: [
    ...oneHot('conn_state', ['OTH', 'REJ', 'RSTO', 'RSTOS0', 'RSTR', 'RSTRH', 'S0', 'S1', 'S2', 'S3', 'SF', 'SH', 'SHR']),
    ...oneHot('proto', ['tcp', 'udp']),
    ...oneHot('service', ['dhcp', 'dns', 'http', 'irc', 'ntp', 'other', 'ssh', 'ssl'], (r) => text(r, 'service') ?? 'other'),
    ...direction(FOUR_DIRECTIONS),
    flag('local_orig'),
    flag('local_resp'),
    raw('missed_bytes'),
    raw('orig_pkts'),
    raw('orig_ip_bytes'),
    raw('resp_pkts'),
    raw('resp_ip_bytes'),
  ],
  DNS: [
    raw('rtt'),
    flag('AA'),
    flag('TC'),
    flag('RD'),
    flag('RA'),
    flag('rejected'),
    has('rtt'),
    has('qclass_name'),
    has('qtype_name'),
    has('rcode_name'),
    broadcast,
    ...oneHot('proto', ['tcp', 'udp']),
    ...oneHot('qtype_name', ['*', 'A', 'AAAA', 'HTTPS', 'PTR']),
    ...oneHot('qclass_name', ['C_INTERNET', 'qclass-32769']),
    ...oneHot('rcode_name', ['NOERROR', 'NXDOMAIN']),
    ...direction(FIVE_DIRECTIONS),
  ],
  HTTP: [
    raw('trans_depth'),
    raw('request_body_len'),
    raw('response_body_len'),
    has('host'),
    broadcast,
    ...oneHot('method', ['CONNECT', 'GET']),
    ...oneHot('status_code', ['0', '200']),
    ...oneHot('version', ['0.9', '1.1']),
    ...direction(FIVE_DIRECTIONS),
  ],
  SSH: [
    flag('auth_success'),
    raw('auth_attempts'),
    { name: 'direction', value: (r) => (r['direction'] === 'OUTBOUND' ? 1 : 0) },
    broadcast,
    ...oneHot('version', ['2']),
    ...direction(FOUR_DIRECTIONS),
  ],
  SSL: [
    flag('resumed'),
    flag('established'),
    setLength('cert_chain_fps'),
    setLength('client_cert_chain_fps'),
    flag('sni_matches_cert'),
    has('version'),
    has('cert_chain_fps'),
    has('client_cert_chain_fps'),
    has('sni_matches_cert'),
    has('validation_status'),
    broadcast,
    ...oneHot('version', ['TLSv12', 'TLSv13']),
    ...direction(FOUR_DIRECTIONS),
    ...[...SSL_HISTORY_LETTERS].map((letter) => ({ name: `ssl_history_has_${letter}`, value: (r: ZeekRecord) => ((text(r, 'ssl_history') ?? '').includes(letter) ? 1 : 0) })),
  ],
};

/** The original feature set of `module` as a FeatureBlock (stateless: reset does nothing). */
export function originalFeatureBlock(module: LogModule): FeatureBlock {
  const columns = ORIGINAL_COLUMNS[module];
  const prefix = `original.${module.toLowerCase()}`;
  return {
    names: columns.map((c) => `${prefix}.${c.name}`),
    descriptions: columns.map((c) => `${c.name} (original feature set)`),
    write(record, out, offset) {
      for (let i = 0; i < columns.length; i++) out[offset + i] = columns[i]!.value(record);
    },
    display(_index, value) {
      return String(Number.isInteger(value) ? value : Number(value.toPrecision(4)));
    },
    reset() {},
  };
}

/**
 * A Featurizer over the original feature set. It learns nothing, so its state only names the schema;
 * featurizerFromState cannot rebuild it (it is for `eval`, which keeps the featurizer in memory).
 */
export function createOriginalFeaturizer(module: LogModule): Featurizer {
  const block = originalFeatureBlock(module);
  // a schema version well away from the real featurizers' so the hashes can never be confused
  const schema = makeSchema(module, 1000 + FEATURE_SCHEMA_VERSION[module], block.names);
  const width = block.names.length;
  const checkIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= width) throw new RangeError(`${module} original feature index ${index} is outside 0..${width - 1}`);
  };
  return {
    module,
    schema,
    width,
    featurize(record, out) {
      block.write(record, out, 0);
    },
    describe(index) {
      checkIndex(index);
      return block.descriptions[index]!;
    },
    valueText: () => undefined,
    display(index, value) {
      checkIndex(index);
      return block.display(index, value);
    },
    reset() {},
    toState(): FeaturizerState {
      return { format: 'autozeekwatch.featurizer', module, version: schema.version, hash: schema.hash, localNets: [], hostContext: false, vocabularySize: 0, vocabularies: {}, seenValues: {} };
    },
  };
}

/** What trainFromSource's first pass needs: here nothing is learned, `build` returns the fixed featurizer. */
export function originalFeatureLearner(module: LogModule): { observe(record: ZeekRecord): void; build(): Featurizer } {
  return {
    observe() {},
    build: () => createOriginalFeaturizer(module),
  };
}
