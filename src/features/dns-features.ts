// Per-record features of dns.log: query shape (length, labels, entropy, digits), query type and
// class, response code and flags, answers and TTLs, round-trip time, direction.
import type { ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import {
  ComposedBlock,
  directionBlock,
  groupBlock,
  learnedCategorical,
  numericBlock,
  numberKey,
  responderPortKey,
  stringShapeBlock,
  type CategoricalField,
  type GroupColumn,
  type RecordFeatureContext,
  type RecordFeatureModule,
} from './feature-parts.js';
import { characterEntropy, digitShare, log1pCount, logSeconds, readFlag, readNumber, readString } from './transforms.js';

const PREFIX = 'dns';

/** A name field if set, else the numeric code as a number (old or odd logs lack the *_name column). */
function nameOrCode(nameField: string, codeField: string) {
  return (record: ZeekRecord) => {
    return readString(record, nameField) ?? numberKey(record, codeField);
  };
}

/**
 * Learned categoricals of dns.log, with the most values each keeps (K). `opcode` is unset in
 * logs before Zeek 8.1 (and with disable-opcode-log-fields): those records land in its missing slot.
 */
export const DNS_CATEGORICALS: readonly CategoricalField[] = [
  { name: 'proto', label: 'transport protocol', cap: 2, novelty: true, key: (r) => readString(r, 'proto') },
  { name: 'qtype', label: 'query type', cap: 10, novelty: true, key: nameOrCode('qtype_name', 'qtype') },
  { name: 'qclass', label: 'query class', cap: 2, novelty: true, key: nameOrCode('qclass_name', 'qclass') },
  { name: 'rcode', label: 'response code', cap: 5, novelty: true, key: nameOrCode('rcode_name', 'rcode') },
  { name: 'opcode', label: 'DNS opcode', cap: 2, novelty: true, key: nameOrCode('opcode_name', 'opcode') },
  { name: 'resp_port', label: 'responder port', cap: 3, novelty: true, key: responderPortKey },
];

/** A bool field as 0/1; unset → 0 (Zeek leaves the flags unset only when it saw no reply). */
function flag(field: string) {
  return (record: ZeekRecord) => (readFlag(record, field) === 1 ? 1 : 0);
}

const DNS_NUMERICS = [
  { name: 'rtt_log', description: 'time until the reply', unit: 'seconds', value: (r: ZeekRecord) => logSeconds(readNumber(r, 'rtt')) },
  { name: 'rtt_missing', description: 'no reply seen (rtt unset)', unit: 'flag', value: (r: ZeekRecord) => (Number.isNaN(readNumber(r, 'rtt')) ? 1 : 0) },
  { name: 'AA', description: 'authoritative answer', unit: 'flag', value: flag('AA') },
  { name: 'TC', description: 'truncated reply', unit: 'flag', value: flag('TC') },
  { name: 'RD', description: 'recursion desired', unit: 'flag', value: flag('RD') },
  { name: 'RA', description: 'recursion available', unit: 'flag', value: flag('RA') },
  { name: 'Z_nonzero', description: 'reserved Z bits set', unit: 'flag', value: (r: ZeekRecord) => (readNumber(r, 'Z') > 0 ? 1 : 0) },
  { name: 'rejected', description: 'server rejected the query', unit: 'flag', value: flag('rejected') },
] as const;

const QUERY_COLUMNS: readonly GroupColumn[] = [
  { name: 'query_length_log1p', description: 'length of the queried name', unit: 'count' },
  { name: 'query_labels_log1p', description: 'labels in the queried name', unit: 'count' },
  { name: 'query_longest_label_log1p', description: 'longest label of the queried name', unit: 'count' },
  { name: 'query_entropy', description: 'character entropy of the queried name (case ignored)', unit: 'bits' },
  { name: 'query_digit_share', description: 'share of digits in the queried name', unit: 'share' },
];
const QUERY_MISSING: GroupColumn = { name: 'query_missing', description: 'no query name', unit: 'flag' };

/** Shape of a query name. A trailing dot is not a label. */
function measureQuery(query: string, out: Float64Array, offset: number): void {
  let labels = 0;
  let longest = 0;
  let current = 0;
  for (let i = 0; i < query.length; i++) {
    if (query.charCodeAt(i) === 46) {
      if (current > 0) labels++;
      if (current > longest) longest = current;
      current = 0;
    } else {
      current++;
    }
  }
  if (current > 0) labels++;
  if (current > longest) longest = current;
  out[offset] = log1pCount(query.length);
  out[offset + 1] = log1pCount(labels);
  out[offset + 2] = log1pCount(longest);
  out[offset + 3] = characterEntropy(query, true);
  out[offset + 4] = digitShare(query);
}

const ANSWER_COLUMNS: readonly GroupColumn[] = [
  { name: 'answers_log1p', description: 'answers in the reply', unit: 'count' },
  { name: 'ttl_min_log', description: 'smallest answer TTL', unit: 'seconds' },
  { name: 'ttl_max_log', description: 'largest answer TTL', unit: 'seconds' },
];

/** Answer count and TTL range; no answers → 0 for all three (answers_log1p = 0 says why). */
function writeAnswers(record: ZeekRecord, out: Float64Array, offset: number): void {
  const answers = record['answers'];
  const ttls = record['TTLs'];
  out[offset] = log1pCount(Array.isArray(answers) ? answers.length : 0);
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  if (Array.isArray(ttls)) {
    for (let i = 0; i < ttls.length; i++) {
      const ttl = ttls[i];
      if (typeof ttl === 'number' && ttl >= 0 && ttl < Number.POSITIVE_INFINITY) {
        if (ttl < min) min = ttl;
        if (ttl > max) max = ttl;
      }
    }
  }
  out[offset + 1] = min === Number.POSITIVE_INFINITY ? 0 : logSeconds(min);
  out[offset + 2] = logSeconds(max);
}

/** The dns.log per-record block for a learned context. */
export function featuresForDns(context: RecordFeatureContext): FeatureBlock {
  return new ComposedBlock([
    numericBlock(PREFIX, DNS_NUMERICS),
    stringShapeBlock(PREFIX, 'query', QUERY_COLUMNS, QUERY_MISSING, measureQuery),
    groupBlock(PREFIX, ANSWER_COLUMNS, writeAnswers),
    directionBlock(PREFIX, context.localNetworks),
    ...DNS_CATEGORICALS.map((field) => learnedCategorical(PREFIX, field, context)),
  ]);
}

export const DNS_FEATURES: RecordFeatureModule = { categoricals: DNS_CATEGORICALS, build: featuresForDns };
