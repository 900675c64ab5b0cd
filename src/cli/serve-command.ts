// `autozeekwatch serve`: the live sidecar beside Zeek (see src/pipeline/serve.ts). Settings come from
// defaults < config file (--config or AZW_CONFIG) < AZW_* environment < flags (named flags and --set).
import { Option, type Command } from 'commander';
import { serve, serveSettingsFromConfig } from '../pipeline/serve.js';
import { CONFIG_FILE_ENV, collectSetFlag, describeOrigin, resolveServeConfigWithOrigins } from '../config/index.js';
import { createLogger, SERVE_LOG_EVENTS } from '../sinks/json-logger.js';
import { collectStrings } from './options.js';

/**
 * Each named flag and the configuration key it sets. Flags have no commander defaults: only a flag
 * the user typed may override the file and the environment (checked with getOptionValueSource).
 */
export const SERVE_FLAG_KEYS: Readonly<Record<string, string>> = {
  zeek: 'zeek.url',
  caFile: 'zeek.ca_file',
  topicPrefix: 'zeek.topic_prefix',
  shard: 'zeek.shard',
  modelDir: 'models.dir',
  modules: 'models.modules',
  watchModels: 'models.watch',
  out: 'output.file',
  top: 'output.top_features',
  noticeMinScore: 'alerts.notice_min_score',
  mitigate: 'mitigation.enabled',
  dryRun: 'mitigation.dry_run',
  neverBlock: 'mitigation.never_block',
  maxBlocksPerMinute: 'mitigation.max_blocks_per_minute',
  mitigationLevel: 'mitigation.level',
  blockDuration: 'mitigation.duration',
  blockResponders: 'mitigation.block_responders',
  threads: 'scoring.threads',
  queueMaxBatches: 'queue.max_batches',
  metricsListen: 'metrics.listen',
  logLevel: 'log.level',
  logFormat: 'log.format',
};

interface ServeCliOptions {
  config?: string;
  set?: Record<string, string>;
  exitOnEnd?: boolean;
  [flag: string]: unknown;
}

/** Flag values as config text: lists comma-joined, booleans as words. */
function asConfigText(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description("score Zeek's log records live over its WebSocket API and answer with anomaly and mitigate events")
    .option('--config <file>', `configuration file, YAML or JSON (default: $${CONFIG_FILE_ENV} when set); see \`autozeekwatch config keys\``)
    .option('--set <key=value>', 'set any configuration key, e.g. --set queue.max_batches=4096 (repeatable)', collectSetFlag)
    .option('--zeek <url>', "Zeek's WebSocket endpoint (zeek.url; default ws://127.0.0.1:27759/v1/messages/json)")
    .option('--ca-file <pem>', 'CA certificate for a wss:// endpoint (zeek.ca_file)')
    .option('--topic-prefix <prefix>', 'topic prefix of the Zeek package, AutoZeekWatch::topic_prefix (zeek.topic_prefix)')
    .option('--shard <k/N>', 'subscribe to shard k of N only, for AutoZeekWatch::shards=N (zeek.shard)')
    .option('--model-dir <dir>', 'where the model files are (models.dir; default models)')
    .option('--modules <modules...>', 'modules to score: CONN HTTP DNS SSH SSL (models.modules; default every module with a model)')
    .option('--watch-models', 'reload models when their files change (models.watch; default on)')
    .option('--no-watch-models', 'reload models only on SIGHUP')
    .option('--out <file>', 'append scores to this file, - for stdout (output.file; default scores.ndjson)')
    .option('--top <n>', 'contributing features named per anomaly (output.top_features)')
    .option('--notice-min-score <score>', 'send anomaly events only from this score up (alerts.notice_min_score; default: the threshold)')
    .option('--mitigate', 'ask Zeek to block hosts whose risk crosses the mitigation level (mitigation.enabled)')
    .option('--dry-run', 'only log what would be blocked (mitigation.dry_run; the default)')
    .option('--no-dry-run', 'really send mitigate events')
    .option('--never-block <cidr...>', 'addresses never to block (mitigation.never_block)', collectStrings)
    .option('--max-blocks-per-minute <n>', 'rate limit on block requests (mitigation.max_blocks_per_minute)')
    .option('--mitigation-level <risk>', 'host risk at which a block is requested (mitigation.level)')
    .option('--block-duration <duration>', 'block duration, e.g. 10m; 0s = NetControl catch-and-release (mitigation.duration)')
    .option('--block-responders', 'also consider responders for blocking (mitigation.block_responders)')
    .option('--threads <n>', 'scoring worker threads; 0 scores in the main thread (scoring.threads; default: cores)')
    .option('--queue-max-batches <n>', 'batches held while scoring lags (queue.max_batches)')
    .option('--metrics-listen <host:port>', 'Prometheus endpoint, "" to disable (metrics.listen; default 127.0.0.1:9477)')
    .option('--exit-on-end', "exit after answering Zeek's end_of_input (scoring a pcap)")
    .addOption(new Option('--log-level <level>', 'log level (log.level)').choices(['debug', 'info', 'warn', 'error']))
    .addOption(new Option('--log-format <format>', 'log format (log.format)').choices(['json', 'text']))
    .action(async (opts: ServeCliOptions, command: Command) => {
      const flags: Record<string, unknown> = { ...(opts.set ?? {}) };
      for (const [name, key] of Object.entries(SERVE_FLAG_KEYS)) {
        if (command.getOptionValueSource(name) !== 'cli') continue;
        const value = opts[name];
        if (value === undefined) continue;
        flags[key] = asConfigText(value);
      }
      const file = opts.config ?? (process.env[CONFIG_FILE_ENV] || undefined);
      const { config, origins } = resolveServeConfigWithOrigins({ file, env: process.env, flags });
      const logger = createLogger({ level: config.log.level, format: config.log.format });
      const changed = Object.fromEntries([...origins].filter(([, o]) => o.kind !== 'default').map(([k, o]) => [k, describeOrigin(o)]));
      logger.info(SERVE_LOG_EVENTS.configLoaded, { file: file ?? null, set: changed });
      const settings = serveSettingsFromConfig(config, { exitOnEnd: opts.exitOnEnd === true });
      await serve(settings, { logger });
    });
}
