// Every setting of `autozeekwatch serve`: its dotted key, type, default, documentation and the env
// var that sets it. The single source for validation, `config print`, docs and the example file.
import { availableParallelism } from 'node:os';
import type { LogLevel } from '../sinks/json-logger.js';
import type { LogModule } from '../zeek/record.js';
import {
  booleanValue, choiceValue, cidrValue, durationValue, formatDuration, formatShard, integerValue, listenValue, listValue,
  modulesValue, numberValue, optionalValue, shardValue, stringValue, webSocketUrlValue,
  type ShardSelection, type ValueParser,
} from './value-parsers.js';

/**
 * Scoring threads unless configured. Handing records to a worker costs more CPU than scoring them in the main thread
 * (bench/serve.bench.ts on 2 cores: 26–31 µs of CPU a record with 0 threads, 40–45 with 1, 55–60 with 2;
 * 35–42k, 29–34k and 29–32k records/s; p99 from a cold start 24–86 ms against 130–335 ms), so workers only pay when there are cores to spare: the main thread
 * keeps one for decoding and answering, the workers get the rest.
 */
export function defaultScoringThreads(cores: number = availableParallelism()): number {
  return cores <= 2 ? 0 : cores - 1;
}

export type { LogLevel };
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export type LogFormat = 'json' | 'text';

/** The validated settings of `autozeekwatch serve`. Field names are the keys in camelCase. */
export interface ServeConfig {
  zeek: {
    url: string;
    caFile: string | null;
    topicPrefix: string;
    shard: ShardSelection;
    ackTimeoutMs: number;
    reconnect: { initialMs: number; maxMs: number };
  };
  models: { dir: string; modules: 'all' | LogModule[]; watch: boolean };
  output: { file: string; topFeatures: number };
  alerts: { noticeMinScore: number | 'threshold'; minProbability: number | null };
  mitigation: {
    enabled: boolean;
    dryRun: boolean;
    level: number;
    releaseLevel: number;
    neverBlock: string[];
    maxBlocksPerMinute: number;
    /** seconds; 0 asks Zeek for NetControl catch-and-release */
    durationSeconds: number;
    blockResponders: boolean;
  };
  scoring: { threads: number };
  queue: { maxBatches: number };
  /** "host:port", or "" when the metrics endpoint is disabled */
  metrics: { listen: string };
  log: { level: LogLevel; format: LogFormat };
}

/** One setting. `property` is its path in ServeConfig. */
export interface ConfigKey {
  readonly key: string;
  readonly property: readonly string[];
  readonly env: string;
  readonly type: string;
  readonly description: string;
  readonly parse: ValueParser<unknown>;
  /** the default, as a file would write it */
  readonly defaultValue: () => unknown;
  /** the typed value back to the form a file would write (for `config print`) */
  readonly toFileValue: (value: unknown) => unknown;
}

/** Environment variable prefix: `zeek.reconnect.max_ms` is set by `AZW_ZEEK_RECONNECT_MAX_MS`. */
export const ENV_PREFIX = 'AZW_';
/** Names the config file when `--config` is not given. */
export const CONFIG_FILE_ENV = 'AZW_CONFIG';

/** The mapping rule: `AZW_` + the dotted key upper-cased with dots turned into underscores. */
export function envNameOf(key: string): string {
  return ENV_PREFIX + key.toUpperCase().replace(/\./g, '_');
}

function camel(segment: string): string {
  return segment.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const same = (value: unknown): unknown => value;

function define(
  key: string,
  type: string,
  parse: ValueParser<unknown>,
  defaultValue: unknown | (() => unknown),
  description: string,
  extra: { property?: string; toFileValue?: (value: unknown) => unknown } = {},
): ConfigKey {
  const segments = key.split('.').map(camel);
  if (extra.property !== undefined) segments[segments.length - 1] = extra.property;
  return {
    key,
    property: segments,
    env: envNameOf(key),
    type,
    description,
    parse,
    defaultValue: typeof defaultValue === 'function' ? (defaultValue as () => unknown) : () => defaultValue,
    toFileValue: extra.toFileValue ?? same,
  };
}

const positiveMs = integerValue(1, 24 * 3600 * 1000);

/** All settings, in the order `config print` and the example file list them. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  define('zeek.url', 'ws:// or wss:// URL', webSocketUrlValue, 'ws://127.0.0.1:27759/v1/messages/json',
    "Zeek's WebSocket API. The default is where zeekctl's manager listens (UseWebSocket, 127.0.0.1:27759)."),
  define('zeek.ca_file', 'path or null', optionalValue(stringValue()), null,
    "PEM file of the CA that signed Zeek's certificate, for wss:// URLs. null: the system CAs."),
  define('zeek.topic_prefix', 'string', stringValue(), 'autozeekwatch',
    'First component of every topic; must equal AutoZeekWatch::topic_prefix in Zeek.'),
  define('zeek.shard', '"all" or "k/N"', shardValue, 'all',
    'Which shard of AutoZeekWatch::shards this sidecar scores: "all", or "k/N" for shard k (from 0) of N.',
    { toFileValue: (v) => formatShard(v as ShardSelection) }),
  define('zeek.ack_timeout_ms', 'integer ≥ 1', positiveMs, 10_000,
    'How long to wait for Zeek to acknowledge the subscription before reconnecting.'),
  define('zeek.reconnect.initial_ms', 'integer ≥ 1', positiveMs, 250,
    'First delay before reconnecting after Zeek went away; doubles per failed attempt.'),
  define('zeek.reconnect.max_ms', 'integer ≥ 1', positiveMs, 30_000,
    'Longest delay between reconnect attempts.'),
  define('models.dir', 'path', stringValue(), 'models',
    'Folder of model files (one per log type) written by `autozeekwatch train`.'),
  define('models.modules', '"all" or list of CONN HTTP DNS SSH SSL', modulesValue, 'all',
    'Which models to load: "all" loads every model present in models.dir.'),
  define('models.watch', 'boolean', booleanValue, true,
    'Reload models when files in models.dir change (SIGHUP reloads too).'),
  define('output.file', 'path or "-"', stringValue(), 'scores.ndjson',
    'NDJSON file the scores are appended to; "-" writes to stdout.'),
  define('output.top_features', 'integer ≥ 0', integerValue(0, 100), 3,
    'How many contributing features an anomalous record names.'),
  define('alerts.notice_min_score', '"threshold" or number > 0',
    (raw, fromText) => (raw === 'threshold' ? 'threshold' : numberValue({ above: 0 })(raw, fromText)), 'threshold',
    'Lowest score that sends AutoZeekWatch::anomaly to Zeek (a Notice). "threshold": each model\'s calibrated threshold.'),
  define('alerts.min_probability', 'number in (0, 1) or null', optionalValue(numberValue({ above: 0, below: 1 })), null,
    'Also require the calibrated probability that a record is anomalous (1 - p) to be at least this, e.g. 0.999. null: not used.'),
  define('mitigation.enabled', 'boolean', booleanValue, false,
    'Send AutoZeekWatch::mitigate (NetControl drops) for hosts whose risk crosses mitigation.level.'),
  define('mitigation.dry_run', 'boolean', booleanValue, true,
    'Log the blocks that would be sent instead of sending them.'),
  define('mitigation.level', 'number > 0', numberValue({ above: 0 }), 8,
    "Host risk (decaying sum of anomalies' score/threshold) at which a host is blocked."),
  define('mitigation.release_level', 'number ≥ 0', numberValue({ min: 0 }), 2,
    'Risk a blocked host must fall below before it can be blocked again (hysteresis); below mitigation.level.'),
  define('mitigation.never_block', 'list of CIDR', listValue(cidrValue), [],
    'Addresses and networks never blocked, whatever their risk (also enforce AutoZeekWatch::never_block in Zeek).'),
  define('mitigation.max_blocks_per_minute', 'integer ≥ 1', integerValue(1, 1_000_000), 10,
    'Most block requests per minute; the rest are refused and counted.'),
  define('mitigation.duration', 'duration ("0s", "10m", "1h")', durationValue, 0,
    'Block length sent to Zeek. "0s": NetControl catch-and-release.',
    { property: 'durationSeconds', toFileValue: (v) => formatDuration(v as number) }),
  define('mitigation.block_responders', 'boolean', booleanValue, false,
    'Also block responders (usually the victims, so off).'),
  define('scoring.threads', 'integer ≥ 0', integerValue(0, 1024), () => defaultScoringThreads(),
    'Scoring worker threads; 0 scores in the main thread. Default: 0 with 2 cores or fewer, else one less than the cores.'),
  define('queue.max_batches', 'integer ≥ 1', integerValue(1, 10_000_000), 1024,
    'Batches held while scoring lags; newer batches are dropped and counted beyond this.'),
  define('metrics.listen', '"host:port" or ""', listenValue, '127.0.0.1:9477',
    'Prometheus endpoint (GET /metrics). "" disables it. Bound to loopback by default.'),
  define('log.level', 'debug | info | warn | error', choiceValue(LOG_LEVELS), 'info',
    'Least severe log level written to stderr.'),
  define('log.format', 'json | text', choiceValue(['json', 'text'] as const), 'json',
    'JSON lines (for journald/log shippers) or human-readable text.'),
];

const BY_KEY = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

export function configKey(key: string): ConfigKey | undefined {
  return BY_KEY.get(key);
}

/** Dotted keys that are sections (mappings), e.g. `zeek`, `zeek.reconnect`. */
export const CONFIG_SECTIONS: ReadonlySet<string> = new Set(
  CONFIG_KEYS.flatMap((k) => {
    const parts = k.key.split('.');
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);

/** Documentation of every key, for help text and docs. */
export interface ConfigKeyDescription {
  readonly key: string;
  readonly env: string;
  readonly type: string;
  /** the default as a file would write it (a description of the rule for scoring.threads, which depends on the machine) */
  readonly default: unknown;
  readonly description: string;
}

export function describeConfigKeys(): ConfigKeyDescription[] {
  return CONFIG_KEYS.map((k) => ({
    key: k.key,
    env: k.env,
    type: k.type,
    default: k.key === 'scoring.threads' ? '(0 up to 2 cores, else cores − 1)' : k.toFileValue(k.defaultValue()),
    description: k.description,
  }));
}
