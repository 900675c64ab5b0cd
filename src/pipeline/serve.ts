// Runs the sidecar: connect to Zeek, score every published record, answer with anomaly and
// mitigate events, append scores to a file, serve metrics, reload models on SIGHUP or a changed
// model file; stop cleanly on SIGINT/SIGTERM after everything received from Zeek is scored and written.
import { streamOfModule, type LogModule } from '../zeek/record.js';
import { ZeekWebSocketClient, type GapInfo, type ZeekClientStats } from '../zeek/websocket-client.js';
import { logsSubscription } from '../zeek/broker-contract.js';
import { MitigationPolicy, type MitigationOptions } from '../response/mitigation-policy.js';
import { ScoreFileWriter } from '../sinks/score-file.js';
import { SERVE_LOG_EVENTS } from '../sinks/json-logger.js';
import { SidecarMetrics } from '../sinks/metrics.js';
import { startMetricsServer, type MetricsServer } from '../sinks/metrics-server.js';
import { UsageError } from '../errors.js';
import { defaultScoringThreads, type ServeConfig } from '../config/index.js';
import { loadModelSet } from './model-set.js';
import { InlineScoringEngine, ScoringPool } from './scoring-pool.js';
import { ModelReloader, type ReloadResult } from './model-reload.js';
import { warmUpAnswering, warmUpScoring } from './warm-up.js';
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
  /** reload when a model file in modelDir changes (SIGHUP always reloads) */
  watchModels: boolean;
  out: string;
  topFeatures: number;
  /** anomalies below this score go to the score file only; undefined = every anomaly is sent */
  noticeMinScore?: number;
  /** also require 1 - p ≥ this before sending an anomaly; null = not used */
  minProbability: number | null;
  mitigation: Partial<MitigationOptions>;
  /** scoring threads; 0 scores in the main thread */
  threads: number;
  /** score made-up records on a throwaway copy of the models before connecting, so the first batches are fast */
  warmUp: boolean;
  exitOnEnd: boolean;
  /** "host:port" of the Prometheus endpoint; "" = none */
  metricsListen: string;
}

export const DEFAULT_SERVE_SETTINGS: Readonly<ServeSettings> = {
  zeekUrl: 'ws://127.0.0.1:27759/v1/messages/json',
  topicPrefix: 'autozeekwatch',
  ackTimeoutMs: 10_000,
  reconnect: { initialDelayMs: 250, maxDelayMs: 30_000 },
  queueCapacity: 1024,
  modelDir: 'models',
  watchModels: true,
  out: 'scores.ndjson',
  topFeatures: 3,
  minProbability: null,
  mitigation: {},
  // as the config's scoring.threads (see defaultScoringThreads)
  threads: defaultScoringThreads(),
  exitOnEnd: false,
  metricsListen: '',
  warmUp: true,
};

/** The serve settings of a validated configuration (see src/config). */
export function serveSettingsFromConfig(config: ServeConfig, extra: { exitOnEnd?: boolean; threads?: number } = {}): ServeSettings {
  return {
    zeekUrl: config.zeek.url,
    ...(config.zeek.caFile !== null && { caFile: config.zeek.caFile }),
    topicPrefix: config.zeek.topicPrefix,
    ...(config.zeek.shard !== 'all' && { shard: { index: config.zeek.shard.index, count: config.zeek.shard.count } }),
    ackTimeoutMs: config.zeek.ackTimeoutMs,
    reconnect: { initialDelayMs: config.zeek.reconnect.initialMs, maxDelayMs: config.zeek.reconnect.maxMs },
    queueCapacity: config.queue.maxBatches,
    modelDir: config.models.dir,
    ...(config.models.modules !== 'all' && { modules: [...config.models.modules] }),
    watchModels: config.models.watch,
    out: config.output.file,
    topFeatures: config.output.topFeatures,
    ...(config.alerts.noticeMinScore !== 'threshold' && { noticeMinScore: config.alerts.noticeMinScore }),
    minProbability: config.alerts.minProbability,
    mitigation: {
      enabled: config.mitigation.enabled,
      dryRun: config.mitigation.dryRun,
      level: config.mitigation.level,
      releaseLevel: config.mitigation.releaseLevel,
      neverBlock: [...config.mitigation.neverBlock],
      maxBlocksPerMinute: config.mitigation.maxBlocksPerMinute,
      durationSeconds: config.mitigation.durationSeconds,
      blockResponders: config.mitigation.blockResponders,
    },
    threads: extra.threads ?? config.scoring.threads,
    warmUp: true,
    exitOnEnd: extra.exitOnEnd ?? false,
    metricsListen: config.metrics.listen,
  };
}

export interface ServeLogger extends ServiceLogger {
  error(msg: string, fields?: Record<string, unknown>): void;
  /** reports rate-guarded lines at shutdown (createLogger's loggers have it) */
  flushSuppressed?(): void;
}

export interface ServeHooks {
  logger: ServeLogger;
  observer?: ServiceObserver;
  /** metrics to update (default: a new SidecarMetrics); served when settings.metricsListen is set */
  metrics?: SidecarMetrics;
  /** called once connecting starts, with the client (tests read its counters) */
  onClient?(client: ZeekWebSocketClient): void;
  /** called with the metrics endpoint once it listens */
  onMetricsServer?(server: MetricsServer): void;
  /** called after every reload attempt (SIGHUP, a watched file change, or `reload` below) */
  onReload?(result: ReloadResult): void;
  /** called once serving: `reload()` does what SIGHUP does (embedding, tests) */
  onReady?(control: { reload(): Promise<ReloadResult> }): void;
  /** aborting stops the service like SIGTERM (tests, embedding) */
  signal?: AbortSignal;
}

export interface ServeResult extends LiveScoringStats {
  client: ZeekClientStats;
  /** module → model id in use at the end */
  models: Record<string, string>;
}

/** Parse `k/N` (0-based shard k of N). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new UsageError(`--shard takes k/N with 0 ≤ k < N (got "${text}")`);
  return { index, count };
}

/** How often queue depth, drops and frame errors are copied from the client into the metrics. */
const METRICS_POLL_MS = 250;

export async function serve(settings: ServeSettings, hooks: ServeHooks): Promise<ServeResult> {
  const { logger } = hooks;
  const metrics = hooks.metrics ?? new SidecarMetrics();
  const models = await loadModelSet(settings.modelDir, settings.modules);
  logger.info(SERVE_LOG_EVENTS.modelsLoaded, {
    trigger: 'start',
    models: models.map((m) => ({ module: m.module, model_id: m.id, file: m.file, features: m.featurizer.width, threshold: m.calibration.threshold })),
  });
  metrics.modelReload('ok');
  // warm-up: otherwise the first second of traffic meets uncompiled scoring code and queues up behind it
  const engine = settings.threads > 0
    ? await ScoringPool.start(models.map((m) => m.file), settings.threads, { topFeatures: settings.topFeatures }, { warmUp: settings.warmUp })
    : new InlineScoringEngine(models, { topFeatures: settings.topFeatures });
  if (settings.threads === 0 && settings.warmUp) await warmUpScoring(models.map((m) => m.file), { topFeatures: settings.topFeatures }).catch(() => 0);
  // the main thread decodes every frame and answers every anomaly whatever the threads: compile that too
  if (settings.warmUp) await warmUpAnswering(settings.topicPrefix, settings.mitigation).catch(() => 0);
  const reloader = new ModelReloader(
    settings.modelDir, settings.modules, engine,
    models.map((m) => ({ module: m.module, id: m.id, file: m.file, threshold: m.calibration.threshold })),
    logger, metrics, hooks.onReload,
  );
  let metricsServer: MetricsServer | undefined;
  if (settings.metricsListen !== '') {
    try {
      metricsServer = await startMetricsServer(metrics, settings.metricsListen);
    } catch (err) {
      await engine.close();
      throw new UsageError(`metrics endpoint ${settings.metricsListen}: ${(err as Error).message} (set metrics.listen to another port, or "" to disable)`);
    }
    logger.info(SERVE_LOG_EVENTS.metricsListening, { url: metricsServer.url });
    hooks.onMetricsServer?.(metricsServer);
  }
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
  wireClient(client, settings, topics, logger, metrics);
  hooks.onClient?.(client);

  const poller = new ClientMetricsPoller(client, metrics, logger);
  const timer = setInterval(() => poller.poll(), METRICS_POLL_MS);
  timer.unref();

  const service = new LiveScoringService(
    client,
    engine,
    writer,
    policy,
    {
      topicPrefix: settings.topicPrefix,
      noticeMinScore: settings.noticeMinScore ?? 0,
      minProbability: settings.minProbability,
      exitOnEnd: settings.exitOnEnd,
    },
    logger,
    combineObservers(metricsObserver(metrics), hooks.observer),
  );

  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(SERVE_LOG_EVENTS.shutdown, { why, queued_batches: client.queued, note: 'scoring what was already received' });
    void client.close(`sidecar stopping (${why})`);
  };
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  const onSighup = () => void reloader.reload('SIGHUP');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
  hooks.signal?.addEventListener('abort', () => stop('aborted'), { once: true });
  if (hooks.signal?.aborted) stop('aborted');
  if (settings.watchModels) reloader.watch();
  hooks.onReady?.({ reload: () => reloader.reload('request') });
  try {
    metrics.setConnectionState('connecting');
    if (!stopping) void client.connect().catch(() => undefined);
    await service.run();
    if (!stopping) {
      logger.info(SERVE_LOG_EVENTS.shutdown, { why: 'end of input answered', queued_batches: client.queued });
      await client.close('end of input answered');
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSighup);
    clearInterval(timer);
    await reloader.close();
    await writer.close();
    await engine.close();
    poller.poll();
    metrics.setConnectionState('disconnected');
    await metricsServer?.close();
  }
  const s = service.stats;
  const modelIds = Object.fromEntries(reloader.models().map((m) => [m.module, m.id]));
  logger.info('stopped', {
    ...s, client: client.stats, mitigation: policy.stats, streams: reloader.models().map((m) => streamOfModule(m.module)), models: modelIds,
  });
  logger.flushSuppressed?.();
  return { ...s, client: client.stats, models: modelIds };
}

function wireClient(client: ZeekWebSocketClient, settings: ServeSettings, topics: string[], logger: ServeLogger, metrics: SidecarMetrics): void {
  client.on('connected', (ack: { endpoint: string; version: string }) => {
    metrics.setConnectionState('connected');
    logger.info(SERVE_LOG_EVENTS.zeekSubscribed, { url: settings.zeekUrl, endpoint: ack.endpoint, zeek_version: ack.version, topics });
  });
  client.on('disconnected', (info: { code: number; reason: string }) => {
    metrics.setConnectionState('disconnected');
    logger.warn(SERVE_LOG_EVENTS.zeekDisconnected, { code: info.code, reason: info.reason });
  });
  client.on('reconnecting', (info: { attempt: number; delayMs: number }) => {
    metrics.reconnecting();
    metrics.setConnectionState('connecting');
    logger.info(SERVE_LOG_EVENTS.zeekReconnecting, { attempt: info.attempt, delay_ms: Math.round(info.delayMs) });
  });
  client.on('server_error', (info: { code: string; context: string }) => logger.warn('zeek refused a message', { code: info.code, context: info.context }));
  client.on('gap', (gap: GapInfo) => {
    metrics.sequenceGap(gap.stream, gap.missing);
    logger.warn(SERVE_LOG_EVENTS.sequenceGap, { node: gap.node, topic: gap.topic, expected_seq: gap.expectedSeq, seq: gap.seq, missing: gap.missing });
  });
  client.on('error', (err: Error & { reason?: string }) => logger.warn('zeek connection attempt failed', { reason: err.reason ?? 'socket', error: err.message }));
}

/** Frame-level problems the client counts, as parse-error reasons of the metrics. */
const FRAME_ERRORS: readonly [keyof ZeekClientStats, string][] = [
  ['binaryFrames', 'frame-binary'],
  ['oversizedFrames', 'frame-oversized'],
  ['invalidUtf8Frames', 'frame-invalid-utf8'],
  ['invalidJsonFrames', 'frame-not-json'],
  ['controlCharacterFrames', 'frame-control-character'],
  ['malformedMessages', 'message-malformed'],
];

/** Copies the client's counters into the metrics as deltas (the client counts; metrics are cumulative). */
class ClientMetricsPoller {
  private last: ZeekClientStats;

  constructor(private readonly client: ZeekWebSocketClient, private readonly metrics: SidecarMetrics, private readonly logger: ServeLogger) {
    this.last = client.stats;
  }

  poll(): void {
    const now = this.client.stats;
    this.metrics.setQueueDepth(this.client.queued);
    for (const [field, reason] of FRAME_ERRORS) {
      const delta = now[field] - this.last[field];
      if (delta > 0) this.metrics.parseError(reason, delta);
    }
    const dropped = now.batchesDropped - this.last.batchesDropped;
    if (dropped > 0) {
      this.metrics.queueDropped(dropped);
      this.logger.warn(SERVE_LOG_EVENTS.queueDropped, {
        dropped_batches: dropped, dropped_records: now.recordsDropped - this.last.recordsDropped, total_dropped_batches: now.batchesDropped,
      });
    }
    this.last = now;
  }
}

function metricsObserver(metrics: SidecarMetrics): ServiceObserver {
  return {
    batchReceived: (stream, records) => metrics.recordsReceived(stream, records),
    batchScored: (stream, outcome) => {
      metrics.observeScoreRatios(stream, outcome.ratios.counts, outcome.ratios.sum);
      for (const [reason, n] of Object.entries(outcome.invalid)) metrics.parseError(reason, n);
      // a batch holds one stream; counted per run of equal streams all the same, without trusting that
      let run = 0;
      outcome.anomalies.forEach((a, i) => {
        run++;
        if (outcome.anomalies[i + 1]?.stream !== a.stream) {
          metrics.anomaly(a.stream, run);
          run = 0;
        }
      });
    },
    anomalySent: (scored) => metrics.noticeSent(scored.stream),
    mitigation: (decision, sent) => {
      if (decision.action === 'mitigate' && sent) metrics.mitigationSent();
      else if (decision.action === 'refused') metrics.mitigationRefused(decision.why);
    },
    unknownStream: (_stream, records) => metrics.parseError('unknown-stream', records),
  };
}

function combineObservers(a: ServiceObserver, b: ServiceObserver | undefined): ServiceObserver {
  if (b === undefined) return a;
  return {
    batchReceived: (s, n) => { a.batchReceived?.(s, n); b.batchReceived?.(s, n); },
    batchScored: (s, o) => { a.batchScored?.(s, o); b.batchScored?.(s, o); },
    anomalySent: (r) => { a.anomalySent?.(r); b.anomalySent?.(r); },
    mitigation: (d, sent) => { a.mitigation?.(d, sent); b.mitigation?.(d, sent); },
    unknownStream: (s, n) => { a.unknownStream?.(s, n); b.unknownStream?.(s, n); },
  };
}
