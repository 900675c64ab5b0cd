// Per-record features of ssl.log: TLS version, cipher and its class, curve, SNI shape, handshake
// outcome and history letters, certificate chains, validation, direction. Old (2013) and new layouts.
import type { ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import {
  ComposedBlock,
  directionBlock,
  learnedCategorical,
  letterFlagsBlock,
  numericBlock,
  responderPortKey,
  type CategoricalField,
  type RecordFeatureContext,
  type RecordFeatureModule,
} from './feature-parts.js';
import { characterEntropy, log1pCount, readFlag, readLength, readString } from './transforms.js';

const PREFIX = 'ssl';

/** Learned categoricals of ssl.log, with the most values each keeps (K). validation_status exists in old layouts and with policy scripts. */
export const SSL_CATEGORICALS: readonly CategoricalField[] = [
  { name: 'version', label: 'TLS version', cap: 5, novelty: true, key: (r) => readString(r, 'version') },
  { name: 'cipher', label: 'cipher suite', cap: 5, novelty: true, key: (r) => readString(r, 'cipher') },
  { name: 'curve', label: 'key exchange curve', cap: 3, novelty: true, key: (r) => readString(r, 'curve') },
  { name: 'next_protocol', label: 'negotiated application protocol (ALPN)', cap: 2, novelty: true, key: (r) => readString(r, 'next_protocol') },
  { name: 'validation_status', label: 'certificate validation result', cap: 3, novelty: true, key: (r) => readString(r, 'validation_status') },
  { name: 'resp_port', label: 'responder port', cap: 3, novelty: true, key: responderPortKey },
];

/**
 * Forward secrecy: (EC)DHE key exchange, or a TLS 1.3 suite (TLS_AES_*, TLS_CHACHA20_*), which
 * always has it. 0 when the cipher is unset.
 */
export function cipherHasForwardSecrecy(cipher: string): boolean {
  return cipher.includes('DHE_') || cipher.startsWith('TLS_AES_') || cipher.startsWith('TLS_CHACHA20_');
}

/** Broken or export-grade suites: RC4, (3)DES, NULL encryption, EXPORT, anonymous key exchange, MD5 MACs. */
export function cipherIsWeak(cipher: string): boolean {
  return (
    cipher.includes('RC4') ||
    cipher.includes('_DES') ||
    cipher.includes('NULL') ||
    cipher.includes('EXPORT') ||
    cipher.includes('_anon_') ||
    cipher.endsWith('_MD5')
  );
}

/** Server certificate chain length: cert_chain_fps (Zeek ≥ 6), cert_chain_fuids (older), or 1 for a 2013 cert_hash. -1 when none. */
function serverChainLength(record: ZeekRecord): number {
  const fps = readLength(record, 'cert_chain_fps');
  if (fps >= 0) return fps;
  const fuids = readLength(record, 'cert_chain_fuids');
  if (fuids >= 0) return fuids;
  return readString(record, 'cert_hash') !== undefined ? 1 : -1;
}

function clientChainLength(record: ZeekRecord): number {
  const fps = readLength(record, 'client_cert_chain_fps');
  return fps >= 0 ? fps : readLength(record, 'client_cert_chain_fuids');
}

/**
 * ssl.log numerics. Defaults when unset: flags 0; `established` unset (2013 layout) → 0 with
 * established_missing = 1; chain lengths 0 with cert_chain_missing = 1 when no chain column is
 * set; sni_matches_cert unset (no SNI or no certificate) → both its columns 0.
 */
const SSL_NUMERICS = [
  { name: 'resumed', description: 'session was resumed', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'resumed') === 1 ? 1 : 0) },
  { name: 'established', description: 'handshake completed', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'established') === 1 ? 1 : 0) },
  { name: 'established_missing', description: 'handshake outcome not logged', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'established') < 0 ? 1 : 0) },
  { name: 'last_alert_present', description: 'an alert was sent', unit: 'flag', value: (r: ZeekRecord) => (readString(r, 'last_alert') ? 1 : 0) },
  { name: 'server_name_present', description: 'client sent SNI', unit: 'flag', value: (r: ZeekRecord) => (readString(r, 'server_name') ? 1 : 0) },
  { name: 'server_name_length_log1p', description: 'length of the SNI name', unit: 'count', value: (r: ZeekRecord) => log1pCount(readString(r, 'server_name')?.length ?? 0) },
  { name: 'server_name_entropy', description: 'character entropy of the SNI name (case ignored)', unit: 'bits', value: (r: ZeekRecord) => characterEntropy(readString(r, 'server_name') ?? '', true) },
  { name: 'sni_matches_cert', description: 'SNI matches the server certificate', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'sni_matches_cert') === 1 ? 1 : 0) },
  { name: 'sni_mismatch', description: 'SNI does not match the server certificate', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'sni_matches_cert') === 0 ? 1 : 0) },
  {
    name: 'cipher_forward_secrecy',
    description: 'cipher suite has forward secrecy',
    unit: 'flag',
    value: (r: ZeekRecord) => {
      const cipher = readString(r, 'cipher');
      return cipher !== undefined && cipherHasForwardSecrecy(cipher) ? 1 : 0;
    },
  },
  {
    name: 'cipher_weak',
    description: 'cipher suite is weak or export-grade',
    unit: 'flag',
    value: (r: ZeekRecord) => {
      const cipher = readString(r, 'cipher');
      return cipher !== undefined && cipherIsWeak(cipher) ? 1 : 0;
    },
  },
  { name: 'cert_chain_log1p', description: 'certificates in the server chain', unit: 'count', value: (r: ZeekRecord) => log1pCount(serverChainLength(r)) },
  { name: 'cert_chain_missing', description: 'server certificate chain not logged', unit: 'flag', value: (r: ZeekRecord) => (serverChainLength(r) < 0 ? 1 : 0) },
  { name: 'client_cert_chain_log1p', description: 'certificates in the client chain', unit: 'count', value: (r: ZeekRecord) => log1pCount(clientChainLength(r)) },
  { name: 'ssl_history_missing', description: 'handshake history not logged', unit: 'flag', value: (r: ZeekRecord) => (readString(r, 'ssl_history') === undefined ? 1 : 0) },
] as const;

/** Zeek ssl_history letters kept as flags: upper case is the client, lower case the server. */
const SSL_HISTORY_LETTERS = [
  { letter: 's', name: 'server_hello', description: 'server answered the hello' },
  { letter: 'x', name: 'server_certificate', description: 'server sent a certificate' },
  { letter: 'X', name: 'client_certificate', description: 'client sent a certificate' },
  { letter: 'k', name: 'server_key_exchange', description: 'server sent a key exchange' },
  { letter: 'G', name: 'client_key_exchange', description: 'client sent a key exchange' },
  { letter: 'L', name: 'client_alert', description: 'client sent an alert' },
  { letter: 'l', name: 'server_alert', description: 'server sent an alert' },
  { letter: 'B', name: 'client_heartbeat', description: 'client sent a heartbeat' },
  { letter: 'b', name: 'server_heartbeat', description: 'server sent a heartbeat' },
];

/** The ssl.log per-record block for a learned context. */
export function featuresForSsl(context: RecordFeatureContext): FeatureBlock {
  return new ComposedBlock([
    numericBlock(PREFIX, SSL_NUMERICS),
    letterFlagsBlock(PREFIX, 'ssl_history', SSL_HISTORY_LETTERS),
    directionBlock(PREFIX, context.localNetworks),
    ...SSL_CATEGORICALS.map((field) => learnedCategorical(PREFIX, field, context)),
  ]);
}

export const SSL_FEATURES: RecordFeatureModule = { categoricals: SSL_CATEGORICALS, build: featuresForSsl };
