// Per-record features of conn.log: volumes, timing, TCP history letters, state, service, ports and
// traffic direction.
import type { ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import {
  ComposedBlock,
  directionBlock,
  learnedCategorical,
  letterFlagsBlock,
  numericBlock,
  responderPortClassBlock,
  responderPortKey,
  type CategoricalField,
  type RecordFeatureContext,
  type RecordFeatureModule,
} from './feature-parts.js';
import { log1pCount, logSeconds, readNumber, readString } from './transforms.js';

const PREFIX = 'conn';

/** Learned categoricals of conn.log, with the most values each keeps (K). */
export const CONN_CATEGORICALS: readonly CategoricalField[] = [
  { name: 'proto', label: 'transport protocol', cap: 3, novelty: true, key: (r) => readString(r, 'proto') },
  { name: 'service', label: 'application protocol Zeek detected', cap: 6, novelty: true, key: (r) => readString(r, 'service') },
  { name: 'conn_state', label: 'connection state', cap: 8, novelty: true, key: (r) => readString(r, 'conn_state') },
  { name: 'resp_port', label: 'responder port', cap: 6, novelty: true, key: responderPortKey },
];

/** Zeek's history letters kept as flags: upper case is the originator, lower case the responder. */
const HISTORY_LETTERS = [
  { letter: 'S', name: 'orig_syn', description: 'originator sent a SYN' },
  { letter: 'H', name: 'orig_synack', description: 'originator sent a SYN-ACK' },
  { letter: 'A', name: 'orig_ack', description: 'originator sent a pure ACK' },
  { letter: 'D', name: 'orig_data', description: 'originator sent payload' },
  { letter: 'F', name: 'orig_fin', description: 'originator sent a FIN' },
  { letter: 'R', name: 'orig_rst', description: 'originator sent a RST' },
  { letter: 's', name: 'resp_syn', description: 'responder sent a SYN' },
  { letter: 'h', name: 'resp_synack', description: 'responder sent a SYN-ACK' },
  { letter: 'a', name: 'resp_ack', description: 'responder sent a pure ACK' },
  { letter: 'd', name: 'resp_data', description: 'responder sent payload' },
  { letter: 'f', name: 'resp_fin', description: 'responder sent a FIN' },
  { letter: 'r', name: 'resp_rst', description: 'responder sent a RST' },
];

/** A count field, log1p-scaled; unset → 0. */
function count(field: string) {
  return (record: ZeekRecord) => log1pCount(readNumber(record, field));
}

/** True when either payload byte count is unset (Zeek leaves them unset when it saw no TCP stream). */
function payloadBytesMissing(record: ZeekRecord): number {
  return Number.isNaN(readNumber(record, 'orig_bytes')) || Number.isNaN(readNumber(record, 'resp_bytes')) ? 1 : 0;
}

/**
 * conn.log numerics. Defaults when unset: duration 0 with duration_missing = 1; payload bytes 0
 * with payload_bytes_missing = 1; every other count 0.
 */
const CONN_NUMERICS = [
  { name: 'duration_log', description: 'connection duration', unit: 'seconds', value: (r: ZeekRecord) => logSeconds(readNumber(r, 'duration')) },
  { name: 'duration_missing', description: 'duration unset (single packet or no reply)', unit: 'flag', value: (r: ZeekRecord) => (Number.isNaN(readNumber(r, 'duration')) ? 1 : 0) },
  { name: 'orig_bytes_log1p', description: 'payload bytes sent by the originator', unit: 'bytes', value: count('orig_bytes') },
  { name: 'resp_bytes_log1p', description: 'payload bytes sent by the responder', unit: 'bytes', value: count('resp_bytes') },
  { name: 'payload_bytes_missing', description: 'payload byte counts unset', unit: 'flag', value: payloadBytesMissing },
  {
    name: 'orig_resp_byte_ratio_log',
    description: 'ratio of originator to responder payload bytes',
    unit: 'ratio',
    value: (r: ZeekRecord) => log1pCount(readNumber(r, 'orig_bytes')) - log1pCount(readNumber(r, 'resp_bytes')),
  },
  { name: 'orig_pkts_log1p', description: 'packets sent by the originator', unit: 'count', value: count('orig_pkts') },
  { name: 'resp_pkts_log1p', description: 'packets sent by the responder', unit: 'count', value: count('resp_pkts') },
  { name: 'orig_ip_bytes_log1p', description: 'IP-level bytes sent by the originator', unit: 'bytes', value: count('orig_ip_bytes') },
  { name: 'resp_ip_bytes_log1p', description: 'IP-level bytes sent by the responder', unit: 'bytes', value: count('resp_ip_bytes') },
  { name: 'missed_bytes_log1p', description: 'bytes missed in content gaps (packet loss)', unit: 'bytes', value: count('missed_bytes') },
] as const;

/** The conn.log per-record block for a learned context. */
export function featuresForConn(context: RecordFeatureContext): FeatureBlock {
  return new ComposedBlock([
    numericBlock(PREFIX, CONN_NUMERICS),
    letterFlagsBlock(PREFIX, 'history', HISTORY_LETTERS),
    directionBlock(PREFIX, context.localNetworks),
    responderPortClassBlock(PREFIX),
    ...CONN_CATEGORICALS.map((field) => learnedCategorical(PREFIX, field, context)),
  ]);
}

export const CONN_FEATURES: RecordFeatureModule = { categoricals: CONN_CATEGORICALS, build: featuresForConn };
