// The `demo` loop end to end on bundled data, no Zeek needed: train on the benign archive, then replay the
// attack mix through an in-process Zeek stand-in over the real WebSocket protocol into the real `serve`,
// watch it live, and report what was found, what Zeek would have logged, and how it compares to the labels.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { readUidLabels } from '../eval/labels.js';
import { DEFAULT_SERVE_SETTINGS, serve, type ServeSettings } from '../pipeline/serve.js';
import type { LiveScoringStats } from '../pipeline/live-scoring.js';
import { LogRecordPublisher } from '../replay/publisher.js';
import { ZeekPackageModel } from '../replay/zeek-package-model.js';
import { ZeekWebSocketServer } from '../replay/zeek-server.js';
import { SERVE_LOG_EVENTS } from '../sinks/json-logger.js';
import { logsSubscription } from '../zeek/broker-contract.js';
import { findLogFiles, ReadSummary } from '../zeek/index.js';
import { LOG_MODULES, streamOfModule, type LogModule } from '../zeek/record.js';
import { summarizeAgainstLabels, type GroundTruthSummary } from './attack-summary.js';
import { describeTrainedModule, trainDemoModels, type DemoTrainingResult } from './demo-training.js';
import { renderDemoReport } from './demo-report.js';
import { DemoTally } from './demo-tally.js';
import { LiveView, type LiveSnapshot, type ViewOutput } from './live-view.js';
import { readMergedByTime } from './merged-logs.js';

/** The simulated network's servers: never blocked, so the demo shows a refusal when they look risky as victims. */
export const DEMO_NEVER_BLOCK = ['10.20.0.0/24'];
/** Replays the bundled mix (3856 records) in about 10 s. */
export const DEFAULT_DEMO_RATE = 400;
/** How long to wait for the sidecar's sidecar_done after end_of_input before giving up. */
const SIDECAR_DONE_TIMEOUT_MS = 30_000;

export interface DemoOptions {
  /** folder holding `logdir/` (benign zeekctl archive) and `mixed/` (logs to replay, optional labels.csv) */
  fixturesDir: string;
  /** records per second the Zeek stand-in publishes */
  ratePerSecond: number;
  /** keep the models and the score file here; default a temporary folder removed at the end */
  keepDir?: string;
  /** redraw a live block (terminal) instead of printing progress lines */
  liveView: boolean;
  /** scoring threads for serve (0 scores in the main thread; default 1) */
  threads?: number;
  modules?: readonly LogModule[];
  out: ViewOutput;
}

export interface DemoResult {
  training: DemoTrainingResult;
  replayed: number;
  stats: LiveScoringStats;
  /** present when the fixtures carry mixed/labels.csv */
  truth: GroundTruthSummary | undefined;
  model: ZeekPackageModel;
  tally: DemoTally;
  /** what serve's logger warned about (connection trouble, invalid records) */
  warnings: string[];
  /** where models and scores were written, when kept */
  keptIn: string | undefined;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const logDir = path.join(options.fixturesDir, 'logdir');
  const mixedDir = path.join(options.fixturesDir, 'mixed');
  for (const dir of [logDir, mixedDir]) {
    if (!existsSync(dir)) throw new UsageError(`--fixtures ${options.fixturesDir}: ${dir} is missing (the demo needs logdir/ and mixed/)`);
  }
  if (!(options.ratePerSecond > 0)) throw new UsageError(`--rate must be positive (got ${options.ratePerSecond})`);
  const say = (line: string): void => void options.out.write(`${line}\n`);
  const workDir = options.keepDir ?? await mkdtemp(path.join(os.tmpdir(), 'autozeekwatch-demo-'));
  if (options.keepDir !== undefined) await mkdir(options.keepDir, { recursive: true });
  try {
    say(`Step 1/3: training on the benign archive ${logDir}`);
    const training = await trainDemoModels(logDir, workDir, options.modules ?? LOG_MODULES);
    for (const t of training.trained) say(`  ${describeTrainedModule(t)}`);
    for (const u of training.untrained) say(`  ${u.module.padEnd(4)}  not trained: ${u.reason}`);
    if (training.trained.length === 0) throw new Error('no module could be trained; nothing to demonstrate');

    const streams = training.trained.map((t) => streamOfModule(t.module));
    const readSummary = new ReadSummary();
    const files = [...(await findLogFiles(mixedDir, { streams })).values()].flat();
    const entries = await readMergedByTime(files, readSummary);
    const labelsFile = path.join(mixedDir, 'labels.csv');
    const labels = existsSync(labelsFile) ? (await readUidLabels(labelsFile)).labels : undefined;

    say('');
    say(`Step 2/3: live — a Zeek stand-in replays ${entries.length} records of ${mixedDir} (${streams.join(', ')}, in time order) ` +
      `at ${options.ratePerSecond} records/s over Zeek's WebSocket API into serve`);
    if (readSummary.skipped > 0) say(readSummary.format());
    const live = await runLiveLoop(options, workDir, entries);

    say('');
    say('Step 3/3: what was found');
    const truth = labels === undefined
      ? undefined
      : summarizeAgainstLabels(entries, labels, live.tally.anomalies, live.model.netControl, live.tally.mitigations);
    const report = renderDemoReport({
      topAnomalies: live.tally.topAnomalies(10),
      totalAnomalies: live.tally.anomalies.length,
      scored: live.stats.scored,
      notices: live.model.notices,
      suppressedNotices: live.model.suppressedNotices,
      netControl: live.model.netControl,
      mitigations: live.tally.mitigations,
      labels: labels ?? new Map(),
      labelsFile: labels === undefined ? '(no labels.csv: every record counts as benign)' : labelsFile,
      truth: truth ?? summarizeAgainstLabels(entries, new Map(), live.tally.anomalies, live.model.netControl, live.tally.mitigations),
    });
    for (const line of report) say(line);
    if (live.warnings.length > 0) {
      say('');
      say(`The sidecar warned ${live.warnings.length} time(s):`);
      for (const w of live.warnings.slice(0, 10)) say(`  ${w}`);
    }
    say('');
    say(options.keepDir === undefined
      ? 'Models and scores were in a temporary folder, now removed (keep them with --keep DIR).'
      : `Models and scores kept in ${workDir} (scores.ndjson: one line per record with uid, 5-tuple, score, verdict).`);
    return { training, replayed: entries.length, truth, ...live, keptIn: options.keepDir === undefined ? undefined : workDir };
  } finally {
    if (options.keepDir === undefined) await rm(workDir, { recursive: true, force: true });
  }
}

interface LiveOutcome {
  stats: LiveScoringStats;
  model: ZeekPackageModel;
  tally: DemoTally;
  warnings: string[];
}

/** Zeek stand-in + serve in one process, talking over a real WebSocket on 127.0.0.1. */
async function runLiveLoop(options: DemoOptions, workDir: string, entries: Awaited<ReturnType<typeof readMergedByTime>>): Promise<LiveOutcome> {
  const model = new ZeekPackageModel({ mitigationEnabled: true, neverBlock: DEMO_NEVER_BLOCK });
  const server = new ZeekWebSocketServer({ host: '127.0.0.1', port: 0 });
  const publisher = new LogRecordPublisher(server, { ratePerSecond: options.ratePerSecond });
  const tally = new DemoTally();
  const warnings: string[] = [];
  server.on('event', (received) => {
    // answers carry the replay's network time when they arrive, as in a pcap run
    model.networkTime = publisher.networkTime;
    if (received.handled) model.handle(received.event);
  });
  server.on('rejected', (r) => warnings.push(`Zeek refused a message: ${r.context}${r.detail ? ` (${r.detail})` : ''}`));
  await server.start();

  const settings: ServeSettings = {
    ...DEFAULT_SERVE_SETTINGS,
    zeekUrl: server.url,
    modelDir: workDir,
    out: path.join(workDir, 'scores.ndjson'),
    // a local stand-in that is already listening: retry fast if the first attempt races it
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    mitigation: {
      enabled: true,
      dryRun: false,
      neverBlock: DEMO_NEVER_BLOCK,
      // victims are responders: considering them is what makes the never_block refusal visible
      blockResponders: true,
    },
    threads: options.threads ?? 1,
    exitOnEnd: true,
    // the models do not change during the demo, and their temporary folder is removed at the end
    watchModels: false,
  };
  const fields = (f?: Record<string, unknown>): string => (f === undefined ? '' : ` ${JSON.stringify(f)}`);
  const worthShowing = (msg: string, f?: Record<string, unknown>): boolean =>
    // refusals are in the NetControl section already; 1000 is the sidecar's own normal close at the end
    msg !== SERVE_LOG_EVENTS.mitigationRefused && !(msg === SERVE_LOG_EVENTS.zeekDisconnected && f?.['code'] === 1000);
  const logger = {
    info(): void {},
    warn(msg: string, f?: Record<string, unknown>): void { if (worthShowing(msg, f)) warnings.push(`${msg}${fields(f)}`); },
    error(msg: string, f?: Record<string, unknown>): void { warnings.push(`${msg}${fields(f)}`); },
  };

  const snapshot = (): LiveSnapshot => ({
    published: publisher.stats.records,
    total: entries.length,
    scoredByStream: tally.scoredByStream,
    anomalies: tally.anomalies.length,
    notices: model.notices.length,
    suppressedNotices: model.suppressedNotices,
    blocks: model.netControl.filter((a) => a.action === 'drop_address' || a.action === 'drop_address_catch_release').length,
    refusals: model.netControl.filter((a) => a.action === 'refused').length + tally.mitigations.filter((m) => m.decision.action === 'refused').length,
    topHosts: tally.topHosts(5),
    blockedHosts: new Set(model.netControl.filter((a) => a.action !== 'refused').map((a) => a.entity.replace(/\/\d+$/, ''))),
    refusedHosts: new Map(tally.mitigations.flatMap(({ decision: d }) => (d.action === 'refused' ? [[d.host, d.why] as const] : []))),
    networkTime: tally.networkTime,
  });
  const view = new LiveView(options.out, snapshot, { redraw: options.liveView });

  // serve stops on its own after answering end_of_input; if it stops early (Ctrl-C, a failure) the replay stops too
  const replayStop = new AbortController();
  const serving = serve(settings, { logger, observer: tally });
  const served = serving.finally(() => replayStop.abort());
  served.catch(() => {});
  view.start();
  try {
    const subscribed = server.waitForSubscriber(`${logsSubscription()}0/conn`);
    await Promise.race([subscribed, served]);
    if (!replayStop.signal.aborted) {
      await publisher.publishAll(entries, replayStop.signal);
      await publisher.finish();
      await waitForSidecarDone(server, model);
    }
    const stats = await served;
    if (model.sidecarDone === undefined) warnings.push(`no sidecar_done within ${SIDECAR_DONE_TIMEOUT_MS / 1000} s of end_of_input`);
    return { stats, model, tally, warnings };
  } finally {
    view.stop();
    await server.close();
  }
}

/**
 * The pcap-style end: after end_of_input, Zeek waits for the sidecar's sidecar_done. A sidecar that hung up
 * first (it was stopped) ends the wait too: its last messages arrive before its close on the same socket.
 */
function waitForSidecarDone(server: ZeekWebSocketServer, model: ZeekPackageModel): Promise<void> {
  return new Promise((resolve) => {
    if (model.sidecarDone !== undefined || server.clients.length === 0) return resolve();
    const finish = (): void => {
      clearTimeout(timer);
      server.off('event', onEvent);
      server.off('client_lost', finish);
      resolve();
    };
    const onEvent = (): void => {
      if (model.sidecarDone !== undefined) finish();
    };
    const timer = setTimeout(finish, SIDECAR_DONE_TIMEOUT_MS);
    server.on('event', onEvent);
    server.on('client_lost', finish);
  });
}
