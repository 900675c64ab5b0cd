// Per-record features of ssh.log: authentication outcome and attempts, client and server software,
// negotiated algorithms, banner sanity, direction.
import type { ZeekRecord } from '../zeek/record.js';
import type { FeatureBlock } from './feature-block.js';
import {
  ComposedBlock,
  directionBlock,
  learnedCategorical,
  numericBlock,
  numberKey,
  responderPortKey,
  type CategoricalField,
  type RecordFeatureContext,
  type RecordFeatureModule,
} from './feature-parts.js';
import { log1pCount, readFlag, readNumber, readString } from './transforms.js';

const PREFIX = 'ssh';

/**
 * The software token of an SSH banner: `SSH-2.0-OpenSSH_7.6p1 Debian-4` → `OpenSSH_7.6p1`
 * (protocol prefix and trailing comments dropped, so distribution patch levels share a slot).
 * Text that is not an SSH banner (e.g. a TLS hello sent to port 22) is kept whole, truncated to 64
 * characters, and will normally fall in the "other" slot.
 */
export function sshSoftware(banner: string): string {
  if (!banner.startsWith('SSH-')) return banner.length > 64 ? banner.slice(0, 64) : banner;
  const afterProtocol = banner.indexOf('-', 4);
  if (afterProtocol < 0) return banner;
  const space = banner.indexOf(' ', afterProtocol + 1);
  return banner.slice(afterProtocol + 1, space < 0 ? banner.length : space);
}

function software(field: string) {
  return (record: ZeekRecord) => {
    const banner = readString(record, field);
    return banner === undefined ? undefined : sshSoftware(banner);
  };
}

/** Learned categoricals of ssh.log, with the most values each keeps (K). */
export const SSH_CATEGORICALS: readonly CategoricalField[] = [
  {
    name: 'version',
    label: 'SSH protocol version',
    cap: 2,
    novelty: true,
    key: (r) => numberKey(r, 'version'),
  },
  { name: 'client_software', label: 'client software', cap: 5, novelty: false, key: software('client') },
  { name: 'server_software', label: 'server software', cap: 5, novelty: false, key: software('server') },
  { name: 'cipher_alg', label: 'encryption algorithm', cap: 4, novelty: true, key: (r) => readString(r, 'cipher_alg') },
  { name: 'mac_alg', label: 'MAC algorithm', cap: 2, novelty: true, key: (r) => readString(r, 'mac_alg') },
  { name: 'kex_alg', label: 'key exchange algorithm', cap: 4, novelty: true, key: (r) => readString(r, 'kex_alg') },
  { name: 'host_key_alg', label: 'host key algorithm', cap: 2, novelty: true, key: (r) => readString(r, 'host_key_alg') },
  { name: 'compression_alg', label: 'compression algorithm', cap: 1, novelty: true, key: (r) => readString(r, 'compression_alg') },
  { name: 'resp_port', label: 'responder port', cap: 3, novelty: true, key: responderPortKey },
];

function isBanner(field: string) {
  return (record: ZeekRecord) => (readString(record, field)?.startsWith('SSH-') ? 1 : 0);
}

/**
 * ssh.log numerics. auth_success is unset before Zeek decides (and absent from some old
 * logs): then auth_success = auth_failure = 0 and auth_unknown = 1. auth_attempts unset → 0
 * with auth_attempts_missing = 1.
 */
const SSH_NUMERICS = [
  { name: 'auth_success', description: 'authentication succeeded', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'auth_success') === 1 ? 1 : 0) },
  { name: 'auth_failure', description: 'authentication failed', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'auth_success') === 0 ? 1 : 0) },
  { name: 'auth_unknown', description: 'authentication outcome unknown', unit: 'flag', value: (r: ZeekRecord) => (readFlag(r, 'auth_success') < 0 ? 1 : 0) },
  { name: 'auth_attempts_log1p', description: 'authentication attempts', unit: 'count', value: (r: ZeekRecord) => log1pCount(readNumber(r, 'auth_attempts')) },
  {
    name: 'auth_attempts_missing',
    description: 'authentication attempts unset',
    unit: 'flag',
    value: (r: ZeekRecord) => (Number.isNaN(readNumber(r, 'auth_attempts')) ? 1 : 0),
  },
  { name: 'client_is_ssh_banner', description: 'client sent a well-formed SSH banner', unit: 'flag', value: isBanner('client') },
  { name: 'server_is_ssh_banner', description: 'server sent a well-formed SSH banner', unit: 'flag', value: isBanner('server') },
] as const;

/** The ssh.log per-record block for a learned context. */
export function featuresForSsh(context: RecordFeatureContext): FeatureBlock {
  return new ComposedBlock([
    numericBlock(PREFIX, SSH_NUMERICS),
    directionBlock(PREFIX, context.localNetworks),
    ...SSH_CATEGORICALS.map((field) => learnedCategorical(PREFIX, field, context)),
  ]);
}

export const SSH_FEATURES: RecordFeatureModule = { categoricals: SSH_CATEGORICALS, build: featuresForSsh };
