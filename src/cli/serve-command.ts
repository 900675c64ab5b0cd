// `autozeekwatch serve`: the live sidecar beside Zeek (see src/pipeline/serve.ts).
import { Option, type Command } from 'commander';
import { DEFAULT_MITIGATION_OPTIONS } from '../response/mitigation-policy.js';
import { DEFAULT_SERVE_SETTINGS, parseShard, serve, type ServeSettings } from '../pipeline/serve.js';
import { createLogger } from '../sinks/json-logger.js';
import type { LogModule } from '../zeek/record.js';
import { collectStrings, modulesOption, parsePositiveInt, parsePositiveNumber } from './options.js';

interface ServeCliOptions {
  zeek: string;
  caFile?: string;
  topicPrefix: string;
  shard?: string;
  modelDir: string;
  modules?: LogModule[];
  out: string;
  top: number;
  noticeMinScore?: number;
  mitigate: boolean;
  dryRun: boolean;
  neverBlock?: string[];
  maxBlocksPerMinute: number;
  mitigationLevel: number;
  blockDuration: number;
  blockResponders: boolean;
  threads: number;
  exitOnEnd: boolean;
  logLevel: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description("score Zeek's log records live over its WebSocket API and answer with anomaly and mitigate events")
    .option('--zeek <url>', "Zeek's WebSocket endpoint", DEFAULT_SERVE_SETTINGS.zeekUrl)
    .option('--ca-file <pem>', 'CA certificate for a wss:// endpoint')
    .option('--topic-prefix <prefix>', 'topic prefix of the Zeek package (AutoZeekWatch::topic_prefix)', DEFAULT_SERVE_SETTINGS.topicPrefix)
    .option('--shard <k/N>', 'subscribe to shard k of N only (run N sidecars for AutoZeekWatch::shards=N)')
    .option('--model-dir <dir>', 'where the model files are', DEFAULT_SERVE_SETTINGS.modelDir)
    .addOption(modulesOption('modules to score (default: every module with a model)'))
    .option('--out <file>', 'append scores to this file (- for stdout)', DEFAULT_SERVE_SETTINGS.out)
    .option('--top <n>', 'contributing features named per anomaly', parsePositiveInt, DEFAULT_SERVE_SETTINGS.topFeatures)
    .option('--notice-min-score <score>', 'send anomaly events to Zeek only from this score up (default: every anomaly)', parsePositiveNumber)
    .option('--mitigate', 'ask Zeek to block hosts whose risk crosses the mitigation level', false)
    .option('--no-dry-run', 'really send mitigate events (default: only log what would be blocked)')
    .option('--never-block <cidr...>', 'addresses never to block', collectStrings)
    .option('--max-blocks-per-minute <n>', 'rate limit on block requests', parsePositiveInt, DEFAULT_MITIGATION_OPTIONS.maxBlocksPerMinute)
    .option('--mitigation-level <risk>', 'host risk at which a block is requested', parsePositiveNumber, DEFAULT_MITIGATION_OPTIONS.level)
    .option('--block-duration <seconds>', 'block duration; 0 = NetControl catch-and-release', Number, DEFAULT_MITIGATION_OPTIONS.durationSeconds)
    .option('--block-responders', 'also consider responders for blocking (victims are responders: off by default)', false)
    .option('--threads <n>', 'scoring worker threads (0 = score in the main thread)', Number, DEFAULT_SERVE_SETTINGS.threads)
    .option('--exit-on-end', "exit after answering Zeek's end_of_input (scoring a pcap)", false)
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (opts: ServeCliOptions) => {
      const settings: ServeSettings = {
        ...DEFAULT_SERVE_SETTINGS,
        zeekUrl: opts.zeek,
        ...(opts.caFile !== undefined && { caFile: opts.caFile }),
        topicPrefix: opts.topicPrefix,
        ...(opts.shard !== undefined && { shard: parseShard(opts.shard) }),
        modelDir: opts.modelDir,
        ...(opts.modules !== undefined && { modules: opts.modules }),
        out: opts.out,
        topFeatures: opts.top,
        ...(opts.noticeMinScore !== undefined && { noticeMinScore: opts.noticeMinScore }),
        mitigation: {
          enabled: opts.mitigate,
          dryRun: opts.dryRun,
          neverBlock: opts.neverBlock ?? [],
          maxBlocksPerMinute: opts.maxBlocksPerMinute,
          level: opts.mitigationLevel,
          durationSeconds: opts.blockDuration,
          blockResponders: opts.blockResponders,
        },
        threads: opts.threads,
        exitOnEnd: opts.exitOnEnd,
      };
      const logger = createLogger({ level: opts.logLevel as 'debug' | 'info' | 'warn' | 'error' });
      await serve(settings, { logger });
    });
}
