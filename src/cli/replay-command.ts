// `autozeekwatch replay`: stands in for Zeek. Serves Zeek's WebSocket API, publishes log files as the package
// would, waits for the sidecar's sidecar_done, and prints what Zeek would have logged for its answers.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { LOG_STREAMS, isLogStream, type LogEntry, type LogStream } from '../zeek/record.js';
import { logsSubscription } from '../zeek/broker-contract.js';
import { LogRecordPublisher } from '../replay/publisher.js';
import { ZeekWebSocketServer } from '../replay/zeek-server.js';
import { DEFAULT_NOTICE_SUPPRESSION_SECONDS, ZeekPackageModel } from '../replay/zeek-package-model.js';

interface ReplayOptions {
  logDir?: string;
  listen: string;
  rate?: string;
  shards: string;
  batchSize: string;
  streams?: string[];
  mitigation?: boolean;
  neverBlock?: string[];
  noticeSuppression: string;
  waitForSidecar?: boolean;
  doneTimeout: string;
}

// The readers live in src/zeek (another stage); loaded by name so this command builds before they exist.
interface ReaderModules {
  readLogFile(file: string, options?: { stream?: LogStream; summary?: unknown }): AsyncIterable<LogEntry>;
  findLogFiles(dir: string, options: { streams: readonly LogStream[] }): Promise<Map<LogStream, string[]>>;
  ReadSummary: new () => { records: number; skipped: number; format(): string };
}

async function loadReaders(): Promise<ReaderModules> {
  const logFile = '../zeek/log-file.js';
  const logDirectory = '../zeek/log-directory.js';
  const readSummary = '../zeek/read-summary.js';
  const [a, b, c] = await Promise.all([import(logFile), import(logDirectory), import(readSummary)]);
  return { readLogFile: a.readLogFile, findLogFiles: b.findLogFiles, ReadSummary: c.ReadSummary };
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (m === null || Number(m[2]) > 65535) throw new UsageError(`--listen must be HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

async function* entriesOf(readers: ReaderModules, files: Array<{ file: string; stream?: LogStream }>, summary: unknown): AsyncIterable<LogEntry> {
  for (const { file, stream } of files) yield* readers.readLogFile(file, { ...(stream ? { stream } : {}), summary });
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('Stand in for Zeek: serve its WebSocket API, publish Zeek logs as the AutoZeekWatch package does, and print what Zeek would log for the sidecar\'s answers')
    .argument('[files...]', 'Zeek log files (TSV or JSON, plain or gzip)')
    .option('--log-dir <dir>', 'a Zeek log directory (zeekctl layout or a folder of logs)')
    .option('--listen <host:port>', 'where to serve ws://HOST:PORT/v1/messages/json', '127.0.0.1:27759')
    .option('--rate <records/s>', 'publish at this many records per second (default: as fast as the sidecar reads)')
    .option('--shards <n>', 'AutoZeekWatch::shards', '1')
    .option('--batch-size <n>', 'AutoZeekWatch::batch_size', '50')
    .option('--streams <stream...>', `streams to publish (${LOG_STREAMS.join(', ')})`)
    .option('--mitigation', 'AutoZeekWatch::mitigation_enabled=T')
    .option('--never-block <cidr...>', 'AutoZeekWatch::never_block')
    .option('--notice-suppression <seconds>', 'AutoZeekWatch::notice_suppression', String(DEFAULT_NOTICE_SUPPRESSION_SECONDS))
    .option('--wait-for-sidecar', 'hold publishing until a sidecar subscribed (as wait_for_sidecar=T); otherwise start at once')
    .option('--done-timeout <seconds>', 'after end_of_input, wait this long for sidecar_done', '30')
    .action(async (files: string[], options: ReplayOptions) => {
      if ((options.logDir === undefined) === (files.length === 0)) throw new UsageError('give either --log-dir DIR or log FILES');
      const streams = options.streams ?? [...LOG_STREAMS];
      for (const s of streams) if (!isLogStream(s)) throw new UsageError(`--streams: unknown stream ${JSON.stringify(s)}`);
      const { host, port } = parseListen(options.listen);
      const shards = positiveInteger(options.shards, '--shards');
      const batchSize = positiveInteger(options.batchSize, '--batch-size');
      const rate = options.rate === undefined ? 0 : positiveInteger(options.rate, '--rate');
      const doneTimeoutMs = Number(options.doneTimeout) * 1000;
      const model = new ZeekPackageModel({
        mitigationEnabled: options.mitigation ?? false,
        neverBlock: options.neverBlock ?? [],
        noticeSuppressionSeconds: Number(options.noticeSuppression),
      });

      const readers = await loadReaders();
      const summary = new readers.ReadSummary();
      let inputs: Array<{ file: string; stream?: LogStream }>;
      if (options.logDir !== undefined) {
        const found = await readers.findLogFiles(options.logDir, { streams: streams as LogStream[] });
        inputs = [...found].flatMap(([stream, list]) => list.map((file) => ({ file, stream })));
      } else {
        inputs = files.map((file) => ({ file }));
      }

      const server = new ZeekWebSocketServer({ host, port });
      const publisher = new LogRecordPublisher(server, { shards, batchSize, ratePerSecond: rate });
      server.on('event', (received) => {
        // answers carry the network time of the replay when they arrive, as in a pcap run
        model.networkTime = publisher.networkTime;
        // one answer can add several lines (an anomaly: its autozeekwatch.log line and its notice)
        const before = model.lines.length;
        if (received.handled && model.handle(received.event)) {
          for (const line of model.lines.slice(before)) process.stdout.write(`${line}\n`);
        }
      });
      server.on('rejected', (r) => process.stderr.write(`zeek: error to ${r.client.id}: ${r.context}${r.detail ? ` (${r.detail})` : ''}\n`));
      await server.start();
      process.stderr.write(`replay: serving ${server.url}\n`);
      try {
        if (options.waitForSidecar) {
          process.stderr.write('replay: waiting for a sidecar to subscribe\n');
          await server.waitForSubscriber(`${logsSubscription()}0/conn`);
        }
        const wanted = new Set(streams);
        async function* filtered(): AsyncIterable<LogEntry> {
          for await (const e of entriesOf(readers, inputs, summary)) if (wanted.has(e.stream)) yield e;
        }
        await publisher.publishAll(filtered());
        await publisher.finish();
        process.stderr.write(`replay: published ${publisher.stats.records} records in ${publisher.stats.batches} batches` +
          ` (${publisher.stats.recordsUnheard} reached no subscriber)\n`);
        if (summary.skipped > 0) process.stderr.write(`${summary.format()}\n`);
        if (server.clients.length > 0 && model.sidecarDone === undefined) {
          const done = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), doneTimeoutMs);
            server.on('event', () => {
              if (model.sidecarDone !== undefined) { clearTimeout(timer); resolve(true); }
            });
          });
          if (!done) process.stderr.write(`replay: no sidecar_done within ${options.doneTimeout} s\n`);
        }
      } finally {
        await server.close();
      }
      const refused = model.netControl.filter((a) => a.action === 'refused').length;
      process.stdout.write(`summary: ${model.anomalyLog.length} autozeekwatch.log lines, ${model.notices.length} notices ` +
        `(${model.suppressedNotices} suppressed), ${model.netControl.length - refused} netcontrol actions, ${refused} refused\n`);
    });
}
