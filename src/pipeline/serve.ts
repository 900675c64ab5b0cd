// Runs the sidecar: connect to Zeek, score every published record, answer with anomaly and
// mitigate events, append scores to a file; reload models on SIGHUP; stop cleanly on SIGINT/SIGTERM
// after everything already received from Zeek is scored and written.
import os from 'node:os';
import { LOG_MODULES, streamOfModule, type LogModule } from '../zeek/record.js';
import { existsSync } from 'node:fs';
import { ZeekWebSocketClient } from '../zeek/websocket-client.js';
import { logsSubscription } from '../zeek/broker-contract.js';
import { MitigationPolicy, type MitigationOptions } from '../response/mitigation-policy.js';
import { ScoreFileWriter } from '../sinks/score-file.js';
import { modelPath } from '../model/model-file.js';
import { UsageError } from '../errors.js';
import { loadModelSet } from './model-set.js';
import { InlineScoringEngine, ScoringPool } from './scoring-pool.js';
import { LiveScoringService, type LiveScoringStats, type ServiceLogger, type ServiceObserver } from './live-scoring.js';

export interface ServeSettings {
  zeekUrl: string;
  caFile?: string;
  topicPrefix: string;
  /** subscribe to one shard (k of N) or, when undefined, to all */
  shard?: { index: number; count: number };
  ackTimeoutMs: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  queueCapacity: number;
  modelDir: string;
  modules?: LogModule[];
  out: string;
  topFeatures: number;
  /** anomalies below this score go to the score file only; undefined = every anomaly is sent */
  noticeMinScore?: number;
  mitigation: Partial<MitigationOptions>;
  /** scoring threads; 0 scores in the main thread */
  threads: number;
  exitOnEnd: boolean;
}

export const DEFAULT_SERVE_SETTINGS: Readonly<ServeSettings> = {
  zeekUrl: 'ws://127.0.0.1:27759/v1/messages/json',
  topicPrefix: 'autozeekwatch',
  ackTimeoutMs: 10_000,
  reconnect: { initialDelayMs: 250, maxDelayMs: 30_000 },
  queueCapacity: 1024,
  modelDir: 'models',
  out: 'scores.ndjson',
  topFeatures: 3,
  mitigation: {},
  threads: Math.max(1, Math.min(4, os.availableParallelism() - 1)),
  exitOnEnd: false,
};

export interface ServeHooks {
  logger: ServiceLogger & { error(msg: string, fields?: Record<string, unknown>): void };
  observer?: ServiceObserver;
  /** called once connected, with the client (metrics read its counters) */
  onClient?(client: ZeekWebSocketClient): void;
  /** aborting stops the service like SIGTERM (tests, embedding) */
  signal?: AbortSignal;
}

/** Parse `k/N` (0-based shard k of N). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new UsageError(`--shard takes k/N with 0 ≤ k < N (got "${text}")`);
  return { index, count };
}

function modelFilesOf(settings: ServeSettings): string[] {
  const modules = settings.modules ?? LOG_MODULES.filter((m) => existsSync(modelPath(settings.modelDir, m)));
  return modules.map((m) => modelPath(settings.modelDir, m));
}

export async function serve(settings: ServeSettings, hooks: ServeHooks): Promise<LiveScoringStats> {
  const { logger } = hooks;
  const models = await loadModelSet(settings.modelDir, settings.modules);
  for (const m of models) {
    logger.info('model loaded', { module: m.module, model_id: m.id, file: m.file, features: m.featurizer.width, threshold: m.calibration.threshold });
  }
  const files = models.map((m) => m.file);
  const engine = settings.threads > 0
    ? await ScoringPool.start(files, settings.threads, { topFeatures: settings.topFeatures })
    : new InlineScoringEngine(models, { topFeatures: settings.topFeatures });
  const writer = new ScoreFileWriter(settings.out);
  const policy = new MitigationPolicy(settings.mitigation);
  const topics = [logsSubscription(settings.shard?.index, settings.topicPrefix)];
  const client = new ZeekWebSocketClient({
    url: settings.zeekUrl,
    topics,
    ...(settings.caFile !== undefined && { ca: settings.caFile }),
    ackTimeoutMs: settings.ackTimeoutMs,
    reconnect: settings.reconnect,
    queueCapacity: settings.queueCapacity,
  });
  client.on('connected', (ack: { endpoint: string; version: string }) => logger.info('connected to Zeek', { url: settings.zeekUrl, endpoint: ack.endpoint, zeek_version: ack.version, topics }));
  client.on('disconnected', (info: { code: number; reason: string }) => logger.warn('disconnected from Zeek', { code: info.code, reason: info.reason }));
  client.on('reconnecting', (info: { attempt: number; delayMs: number }) => logger.info('reconnecting to Zeek', { attempt: info.attempt, delay_ms: Math.round(info.delayMs) }));
  client.on('server_error', (info: { code: string; context: string }) => logger.warn('Zeek refused a message', { code: info.code, context: info.context }));
  client.on('gap', (gap: { node: string; topic: string; missing: number }) => logger.warn('records lost between Zeek and the sidecar', { node: gap.node, topic: gap.topic, missing: gap.missing }));
  client.on('error', (err: Error) => logger.warn('connection attempt failed', { error: err.message }));
  hooks.onClient?.(client);

  const service = new LiveScoringService(
    client,
    engine,
    writer,
    policy,
    {
      topicPrefix: settings.topicPrefix,
      noticeMinScore: settings.noticeMinScore ?? 0,
      exitOnEnd: settings.exitOnEnd,
    },
    logger,
    hooks.observer,
  );

  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: scoring what was already received', { why, queued_batches: client.queued });
    void client.close(`sidecar stopping (${why})`);
  };
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  const onSighup = () => {
    const wanted = modelFilesOf(settings);
    engine.reload(wanted).then(
      (ids) => logger.info('models reloaded', { files: wanted, model_ids: ids }),
      (err: Error) => logger.error('model reload refused; the old models stay', { error: err.message }),
    );
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
  hooks.signal?.addEventListener('abort', () => stop('aborted'), { once: true });
  try {
    void client.connect();
    await service.run();
    if (!stopping) await client.close('end of input answered');
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSighup);
    await writer.close();
    await engine.close();
  }
  const s = service.stats;
  logger.info('stopped', { ...s, client: client.stats, mitigation: policy.stats, modules: models.map((m) => streamOfModule(m.module)) });
  return s;
}
