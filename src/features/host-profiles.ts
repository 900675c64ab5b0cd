// What host context means for each log type: which per-record values are accumulated per originator,
// which keys are counted as distinct, which key identifies a "pair" for regularity, and the features read out.
import type { LogModule, ZeekRecord } from '../zeek/record.js';
import { combineHashes, hashInteger, hashText, hashTextRange } from './host-hash.js';
import { nameEnd, registeredDomainStart } from './host-dns-name.js';
import { characterEntropy } from './transforms.js';

/** How a feature is computed from one window's state, and so how it is displayed. */
export type HostReadout =
  /** log1p(events per minute) from a damped count (sums[count]) */
  | { readonly kind: 'rate'; readonly count: number }
  /** sums[part] / sums[count], in [0, 1] */
  | { readonly kind: 'share'; readonly part: number; readonly count: number }
  /** damped mean of log1p(x) values; displayed as expm1 in `unit` */
  | { readonly kind: 'logMean'; readonly sum: number; readonly count: number; readonly unit: 'bytes' | 'seconds' }
  /** damped std of log1p(x) values (weight: sums[0], the record count); displayed as the spread factor e^σ */
  | { readonly kind: 'logSpread'; readonly sum: number; readonly squares: number }
  /** damped mean of plain values */
  | { readonly kind: 'mean'; readonly sum: number; readonly count: number; readonly unit: string; readonly digits: number }
  /** log1p(distinct keys of sketch `sketch` in the sliding window) */
  | { readonly kind: 'distinct'; readonly sketch: number }
  /** ln((distinct in `sketch` + 1) / (distinct in `per` + 1)) */
  | { readonly kind: 'distinctRatio'; readonly sketch: number; readonly per: number; readonly unit: string }
  /** shrunk coefficient of variation of inter-arrival times of this record's pair */
  | { readonly kind: 'pairRegularity' }
  /** log1p(damped number of repeat arrivals of this record's pair) */
  | { readonly kind: 'pairRepeats' };

/** One feature, instantiated once per window. */
export interface HostFeatureTemplate {
  /** machine name without the window suffix, e.g. `conn.host.distinct_resp_ports` */
  readonly name: string;
  /**
   * Plain words; `{last}` becomes "in the last minute" (sliding windows) and `{decay}`
   * becomes "(half-life 1 minute)" (damped statistics).
   */
  readonly description: string;
  readonly readout: HostReadout;
}

export interface HostContextProfile {
  readonly module: LogModule;
  /** damped accumulators per window, by meaning (values[j] is added to sums[j]) */
  readonly sums: readonly string[];
  /** distinct-count sketches, by meaning */
  readonly sketches: readonly string[];
  /** whether records have a pair key (originator → responder) for regularity features */
  readonly pairs: boolean;
  readonly features: readonly HostFeatureTemplate[];
  /**
   * Reads one record: values[j] for every sum, sketchKeys[d] a 32-bit hash (or −1 when the record
   * lacks that key). Returns the pair key hash, or −1. Never throws on odd field types.
   */
  observe(record: ZeekRecord, values: Float64Array, sketchKeys: Float64Array): number;
}

/** A non-negative finite number, or 0 (fields from Zeek are untrusted). */
function amount(value: unknown): number {
  return typeof value === 'number' && value > 0 && value < Infinity ? value : 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Connection states in which the connection never completed normally (Zeek conn.log `conn_state`). */
const FAILED_CONN_STATES: ReadonlySet<string> = new Set(['S0', 'REJ', 'RSTO', 'RSTOS0', 'RSTR', 'RSTRH', 'SH', 'SHR', 'OTH']);

const PROTOCOL_CODES: Readonly<Record<string, number>> = { tcp: 1, udp: 2, icmp: 3 };

const rate = (name: string, what: string): HostFeatureTemplate => ({
  name,
  description: `${what} per minute {decay}`,
  readout: { kind: 'rate', count: 0 },
});
const share = (name: string, what: string, part: number): HostFeatureTemplate => ({
  name,
  description: `share of ${what} {decay}`,
  readout: { kind: 'share', part, count: 0 },
});
const distinct = (name: string, what: string, sketch: number): HostFeatureTemplate => ({
  name,
  description: `distinct ${what} {last}`,
  readout: { kind: 'distinct', sketch },
});
const regularity = (prefix: string, what: string): HostFeatureTemplate[] => [
  {
    name: `${prefix}.pair.interarrival_cv`,
    description: `irregularity (coefficient of variation) of the times between ${what}; near 0 = beaconing {decay}`,
    readout: { kind: 'pairRegularity' },
  },
  { name: `${prefix}.pair.repeats`, description: `repeated ${what} {decay}`, readout: { kind: 'pairRepeats' } },
];

const CONN: HostContextProfile = {
  module: 'CONN',
  sums: ['connections', 'failed', 'log bytes', 'log bytes²', 'log duration', 'log duration²'],
  sketches: ['responders', 'responder ports'],
  pairs: true,
  features: [
    rate('conn.host.conn_rate', 'connections'),
    distinct('conn.host.distinct_resp', 'responders', 0),
    distinct('conn.host.distinct_resp_ports', 'responder ports', 1),
    share('conn.host.failed_share', 'failed or rejected connections (S0, REJ, RST*, SH, OTH)', 1),
    {
      name: 'conn.host.bytes_log_mean',
      description: 'typical bytes per connection (geometric mean, both directions) {decay}',
      readout: { kind: 'logMean', sum: 2, count: 0, unit: 'bytes' },
    },
    {
      name: 'conn.host.bytes_log_std',
      description: 'spread of bytes per connection (geometric factor) {decay}',
      readout: { kind: 'logSpread', sum: 2, squares: 3 },
    },
    {
      name: 'conn.host.duration_log_mean',
      description: 'typical connection duration (geometric mean) {decay}',
      readout: { kind: 'logMean', sum: 4, count: 0, unit: 'seconds' },
    },
    {
      name: 'conn.host.duration_log_std',
      description: 'spread of connection durations (geometric factor) {decay}',
      readout: { kind: 'logSpread', sum: 4, squares: 5 },
    },
    ...regularity('conn', 'connections to this responder and port'),
  ],
  observe(record, values, sketchKeys) {
    const responder = text(record['id.resp_h']);
    const port = amount(record['id.resp_p']);
    const protocol = PROTOCOL_CODES[String(record.proto ?? record['id.proto'])] ?? 0;
    const state = record.conn_state;
    const logBytes = Math.log1p(amount(record.orig_bytes) + amount(record.resp_bytes));
    const logDuration = Math.log1p(amount(record.duration));
    values[0] = 1;
    values[1] = typeof state === 'string' && FAILED_CONN_STATES.has(state) ? 1 : 0;
    values[2] = logBytes;
    values[3] = logBytes * logBytes;
    values[4] = logDuration;
    values[5] = logDuration * logDuration;
    const responderHash = responder === undefined ? -1 : hashText(responder);
    sketchKeys[0] = responderHash;
    sketchKeys[1] = hashInteger(port * 4 + protocol);
    return responderHash < 0 ? -1 : combineHashes(responderHash, hashInteger(port));
  },
};

const DNS: HostContextProfile = {
  module: 'DNS',
  sums: ['queries', 'NXDOMAIN answers', 'query length', 'query entropy'],
  sketches: ['query names', 'registered domains'],
  pairs: false,
  features: [
    rate('dns.host.query_rate', 'DNS queries'),
    share('dns.host.nxdomain_share', 'queries answered NXDOMAIN', 1),
    {
      name: 'dns.host.query_length_mean',
      description: 'mean query name length {decay}',
      readout: { kind: 'mean', sum: 2, count: 0, unit: 'characters', digits: 1 },
    },
    {
      name: 'dns.host.query_entropy_mean',
      description: 'mean character entropy of query names {decay}',
      readout: { kind: 'mean', sum: 3, count: 0, unit: 'bits per character', digits: 2 },
    },
    distinct('dns.host.distinct_queries', 'query names', 0),
    distinct('dns.host.distinct_domains', 'registered domains (second-level)', 1),
    {
      name: 'dns.host.names_per_domain',
      description: 'distinct query names per registered domain; tunnels put many unique names under one domain {last}',
      readout: { kind: 'distinctRatio', sketch: 0, per: 1, unit: 'names per domain' },
    },
  ],
  observe(record, values, sketchKeys) {
    const query = text(record.query);
    const rcodeName = record.rcode_name;
    values[0] = 1;
    values[1] = rcodeName === 'NXDOMAIN' || (rcodeName === undefined && record.rcode === 3) ? 1 : 0;
    if (query === undefined) {
      values[2] = 0;
      values[3] = 0;
      sketchKeys[0] = -1;
      sketchKeys[1] = -1;
      return -1;
    }
    const end = nameEnd(query);
    values[2] = end;
    values[3] = characterEntropy(query, true);
    sketchKeys[0] = hashTextRange(query, 0, end);
    sketchKeys[1] = hashTextRange(query, registeredDomainStart(query, end), end);
    return -1;
  },
};

const SSH: HostContextProfile = {
  module: 'SSH',
  sums: ['sessions', 'failed authentications'],
  sketches: ['responders'],
  pairs: true,
  features: [
    rate('ssh.host.attempt_rate', 'SSH sessions'),
    share('ssh.host.auth_failed_share', 'SSH sessions with failed authentication', 1),
    distinct('ssh.host.distinct_resp', 'SSH servers', 0),
    ...regularity('ssh', 'SSH sessions to this server'),
  ],
  observe(record, values, sketchKeys) {
    const responder = text(record['id.resp_h']);
    values[0] = 1;
    values[1] = record.auth_success === false ? 1 : 0;
    const responderHash = responder === undefined ? -1 : hashText(responder);
    sketchKeys[0] = responderHash;
    return responderHash < 0 ? -1 : combineHashes(responderHash, hashInteger(amount(record['id.resp_p'])));
  },
};

const HTTP: HostContextProfile = {
  module: 'HTTP',
  sums: ['requests', 'error responses'],
  sketches: ['hosts'],
  pairs: true,
  features: [
    rate('http.host.request_rate', 'HTTP requests'),
    share('http.host.error_share', 'HTTP requests answered 4xx or 5xx', 1),
    distinct('http.host.distinct_hosts', 'HTTP hosts (Host header, else responder address)', 0),
    ...regularity('http', 'requests to this HTTP host'),
  ],
  observe(record, values, sketchKeys) {
    const host = text(record.host) ?? text(record['id.resp_h']);
    const status = amount(record.status_code);
    values[0] = 1;
    values[1] = status >= 400 && status < 600 ? 1 : 0;
    const hostHash = host === undefined ? -1 : hashText(host);
    sketchKeys[0] = hostHash;
    return hostHash;
  },
};

const SSL: HostContextProfile = {
  module: 'SSL',
  sums: ['handshakes', 'not established'],
  sketches: ['server names'],
  pairs: true,
  features: [
    rate('ssl.host.handshake_rate', 'TLS handshakes'),
    share('ssl.host.not_established_share', 'TLS handshakes not established', 1),
    distinct('ssl.host.distinct_server_names', 'TLS server names (SNI, else responder address)', 0),
    ...regularity('ssl', 'TLS connections to this server name'),
  ],
  observe(record, values, sketchKeys) {
    const server = text(record.server_name) ?? text(record['id.resp_h']);
    values[0] = 1;
    values[1] = record.established === false ? 1 : 0;
    const serverHash = server === undefined ? -1 : hashText(server);
    sketchKeys[0] = serverHash;
    return serverHash;
  },
};

/** The host-context profile of every log type. */
export const HOST_CONTEXT_PROFILES: Readonly<Record<LogModule, HostContextProfile>> = { CONN, DNS, SSH, HTTP, SSL };
