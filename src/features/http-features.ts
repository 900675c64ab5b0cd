// Per-record features of http.log: method, version, status, body sizes, host, URI shape, user
// agent, referrer, MIME types, credentials and proxies, direction.
import type { ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import {
  ComposedBlock,
  directionBlock,
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
import { characterEntropy, log1pCount, readLength, readNumber, readString } from './transforms.js';

const PREFIX = 'http';

/** First element of a vector-of-string field (the main MIME type of a transfer), or undefined. */
function firstString(field: string) {
  return (record: ZeekRecord) => {
    const values = record[field];
    if (!Array.isArray(values)) return undefined;
    const first = values[0];
    return typeof first === 'string' ? first : undefined;
  };
}

/** Learned categoricals of http.log, with the most values each keeps (K). */
export const HTTP_CATEGORICALS: readonly CategoricalField[] = [
  { name: 'method', label: 'request method', cap: 6, novelty: true, key: (r) => readString(r, 'method') },
  { name: 'version', label: 'HTTP version', cap: 2, novelty: true, key: (r) => readString(r, 'version') },
  {
    name: 'status_code',
    label: 'response status code',
    cap: 6,
    novelty: true,
    key: (r) => numberKey(r, 'status_code'),
  },
  { name: 'resp_mime_type', label: 'MIME type of the response body', cap: 6, novelty: false, key: firstString('resp_mime_types') },
  { name: 'user_agent', label: 'user agent', cap: 4, novelty: false, key: (r) => readString(r, 'user_agent') },
  { name: 'resp_port', label: 'responder port', cap: 3, novelty: true, key: responderPortKey },
];

function present(field: string) {
  return (record: ZeekRecord) => {
    const value = record[field];
    if (typeof value === 'string') return value.length > 0 ? 1 : 0;
    if (Array.isArray(value)) return value.length > 0 ? 1 : 0;
    return 0;
  };
}

function count(field: string) {
  return (record: ZeekRecord) => log1pCount(readNumber(record, field));
}

/** True for a host header that is an address literal (`10.1.2.3`, `10.1.2.3:8080`, `[2001:db8::1]`), not a name. */
function hostIsAddress(record: ZeekRecord): number {
  const host = readString(record, 'host');
  if (host === undefined || host.length === 0) return 0;
  if (host.charCodeAt(0) === 91) return 1; // '[' starts a bracketed IPv6 literal
  let colons = 0;
  for (let i = 0; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (code === 58) colons++;
    else if (!((code >= 48 && code <= 57) || code === 46 || (colons > 1 && isHexLetter(code)))) return 0;
  }
  return 1;
}

function isHexLetter(code: number): boolean {
  return (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

const hostPresent = present('host');
const userAgentPresent = present('user_agent');

/**
 * http.log numerics. Defaults when unset: counts and lengths 0; presence flags 0;
 * `*_missing` flags say which strings were unset.
 */
const HTTP_NUMERICS = [
  { name: 'trans_depth_log1p', description: 'position of the request in its connection', unit: 'count', value: count('trans_depth') },
  { name: 'request_body_len_log1p', description: 'request body size', unit: 'bytes', value: count('request_body_len') },
  { name: 'response_body_len_log1p', description: 'response body size', unit: 'bytes', value: count('response_body_len') },
  { name: 'host_missing', description: 'no Host header', unit: 'flag', value: (r: ZeekRecord) => 1 - hostPresent(r) },
  { name: 'host_is_address', description: 'Host header is an IP address', unit: 'flag', value: hostIsAddress },
  { name: 'host_length_log1p', description: 'length of the Host header', unit: 'count', value: (r: ZeekRecord) => log1pCount(readString(r, 'host')?.length ?? 0) },
  { name: 'user_agent_length_log1p', description: 'length of the user agent', unit: 'count', value: (r: ZeekRecord) => log1pCount(readString(r, 'user_agent')?.length ?? 0) },
  { name: 'user_agent_missing', description: 'no User-Agent header', unit: 'flag', value: (r: ZeekRecord) => 1 - userAgentPresent(r) },
  { name: 'referrer_present', description: 'request has a Referer header', unit: 'flag', value: present('referrer') },
  { name: 'orig_mime_present', description: 'client sent a body with a detected MIME type (upload)', unit: 'flag', value: present('orig_mime_types') },
  { name: 'resp_files_log1p', description: 'files in the response', unit: 'count', value: (r: ZeekRecord) => log1pCount(readLength(r, 'resp_fuids')) },
  { name: 'username_present', description: 'request carried a user name (basic auth)', unit: 'flag', value: present('username') },
  { name: 'proxied', description: 'request went through a proxy (proxy headers seen)', unit: 'flag', value: present('proxied') },
] as const;

const URI_COLUMNS: readonly GroupColumn[] = [
  { name: 'uri_length_log1p', description: 'length of the URI', unit: 'count' },
  { name: 'uri_entropy', description: 'character entropy of the URI', unit: 'bits' },
  { name: 'uri_path_depth_log1p', description: 'path segments of the URI', unit: 'count' },
  { name: 'uri_params_log1p', description: 'query parameters in the URI', unit: 'count' },
];
const URI_MISSING: GroupColumn = { name: 'uri_missing', description: 'no URI', unit: 'flag' };

/** Shape of a URI: path depth counts '/' before '?', parameters are '&'-separated after it. */
function measureUri(uri: string, out: Float64Array, offset: number): void {
  let slashes = 0;
  let params = 0;
  let inQuery = false;
  for (let i = 0; i < uri.length; i++) {
    const code = uri.charCodeAt(i);
    if (!inQuery) {
      if (code === 47) slashes++;
      else if (code === 63) {
        inQuery = true;
        if (i + 1 < uri.length) params = 1;
      }
    } else if (code === 38 && i + 1 < uri.length) {
      params++;
    }
  }
  out[offset] = log1pCount(uri.length);
  out[offset + 1] = characterEntropy(uri, false);
  out[offset + 2] = log1pCount(slashes);
  out[offset + 3] = log1pCount(params);
}

/** The http.log per-record block for a learned context. */
export function featuresForHttp(context: RecordFeatureContext): FeatureBlock {
  return new ComposedBlock([
    numericBlock(PREFIX, HTTP_NUMERICS),
    stringShapeBlock(PREFIX, 'uri', URI_COLUMNS, URI_MISSING, measureUri),
    directionBlock(PREFIX, context.localNetworks),
    ...HTTP_CATEGORICALS.map((field) => learnedCategorical(PREFIX, field, context)),
  ]);
}

export const HTTP_FEATURES: RecordFeatureModule = { categoricals: HTTP_CATEGORICALS, build: featuresForHttp };
