// Shared pieces of the serve end-to-end tests: models trained once on fixtures/logdir, the labelled
// fixtures/mixed records in time order, a logger that keeps its lines, and a serve run to control.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveModel, modelPath } from '../../src/model/model-file.js';
import { DEFAULT_TRAIN_OPTIONS, trainModule } from '../../src/pipeline/train-module.js';
import { DEFAULT_SERVE_SETTINGS, serve, type ServeHooks, type ServeResult, type ServeSettings } from '../../src/pipeline/serve.js';
import { createLogger, type Logger } from '../../src/sinks/json-logger.js';
import { findLogFiles, readLogFile } from '../../src/zeek/index.js';
import { streamOfModule, type LogEntry, type LogModule } from '../../src/zeek/record.js';
import { repoRoot } from '../support/shared-data.js';
import { until } from '../zeek-emulator/emulator.js';

export const fixtures = path.join(repoRoot, 'fixtures');
export const SERVE_MODULES: readonly LogModule[] = ['CONN', 'DNS', 'SSH', 'SSL'];

/** Trains CONN, DNS, SSH and SSL on fixtures/logdir into `modelDir`; returns module → model id. */
export async function trainFixtureModels(modelDir: string, modules: readonly LogModule[] = SERVE_MODULES): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const found = await findLogFiles(path.join(fixtures, 'logdir'), { streams: modules.map(streamOfModule) });
  for (const module of modules) {
    const files = found.get(streamOfModule(module)) ?? [];
    const result = await trainModule(module, files, DEFAULT_TRAIN_OPTIONS);
    ids[module] = await saveModel(modelPath(modelDir, module), result.contents);
  }
  return ids;
}

/** Every record of fixtures/mixed for these modules' streams, in time order as Zeek would log them. */
export async function mixedEntries(modules: readonly LogModule[] = SERVE_MODULES): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (const module of modules) {
    const stream = streamOfModule(module);
    for await (const e of readLogFile(path.join(fixtures, 'mixed', `${stream}.log`), { stream })) entries.push(e);
  }
  const ts = (e: LogEntry) => (typeof e.record.ts === 'number' ? e.record.ts : 0);
  return entries.sort((a, b) => ts(a) - ts(b));
}

/** uid → attack label of fixtures/mixed (benign uids are absent). */
export function mixedLabels(): Map<string, string> {
  const rows = readFileSync(path.join(fixtures, 'mixed', 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((r) => r.split(',') as [string, string]));
}

export interface ScoreLine {
  uid: string; stream: string; 'id.orig_h': string; score: number; threshold: number; anomalous: boolean; model: string;
}

export function readScoreLines(file: string): ScoreLine[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // serve may be writing right now: only lines that end in a newline are complete
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ScoreLine);
}

/** A JSON logger whose lines the test can read. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', maxLinesPerKey: 1000, stream: { write: (chunk: string) => lines.push(JSON.parse(chunk) as Record<string, unknown>) } });
  return { logger, lines };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A serve run the test can stop (like SIGTERM) and wait for. */
export interface ServeRun {
  readonly done: Promise<ServeResult>;
  readonly logs: Record<string, unknown>[];
  stop(): void;
  /** the log lines with this message */
  logged(msg: string): Record<string, unknown>[];
  /** waits (bounded polling) until a line with this message was logged */
  waitForLog(msg: string, what?: string): Promise<Record<string, unknown>>;
}

export function startServe(settings: Partial<ServeSettings> & Pick<ServeSettings, 'zeekUrl' | 'modelDir' | 'out'>, hooks: Partial<ServeHooks> = {}): ServeRun {
  const { logger, lines } = memoryLogger();
  const abort = new AbortController();
  const done = serve(
    { ...DEFAULT_SERVE_SETTINGS, watchModels: false, metricsListen: '', reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, ...settings },
    { logger, signal: abort.signal, ...hooks },
  );
  // a failing serve must fail the test, not an unhandled rejection
  done.catch(() => undefined);
  const logged = (msg: string) => lines.filter((l) => l.msg === msg);
  return {
    done,
    logs: lines,
    stop: () => abort.abort(),
    logged,
    waitForLog: async (msg, what) => {
      await until(() => logged(msg).length > 0, what ?? `log line "${msg}"`);
      return logged(msg)[0]!;
    },
  };
}
