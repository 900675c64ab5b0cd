// Reads a whole Zeek log file (plain or gzip, TSV or JSON, detected from content) as a stream of LogEntry.
import path from 'node:path';
import { ZeekLogParseError } from '../errors.js';
import { checkFieldKinds, parseJsonLogLine } from './json-reader.js';
import { readLineBatches } from './line-reader.js';
import { ReadSummary } from './read-summary.js';
import { isLogStream, type LogEntry, type LogStream, type ZeekRecord } from './record.js';
import { TsvLogReader } from './tsv-reader.js';

export interface ReadOptions {
  /** read every record as this stream, whatever `#path`, `_path` or the file name say */
  stream?: LogStream;
  /** where skipped records and repairs are counted; records yielded are counted in `records` */
  summary?: ReadSummary;
  /** stops the read between chunks */
  signal?: AbortSignal;
}

/**
 * The stream a file name implies: the part before the first dot, so `conn.log`, `conn.log.gz`,
 * `conn.09:00:00-10:00:00.log.gz`, `conn.labeled.log` and `conn.json` all say `conn`.
 */
export function streamNameOfFile(file: string): string {
  const base = path.basename(file);
  const dot = base.indexOf('.');
  return dot === -1 ? base : base.slice(0, dot);
}

/** Lines at the start of a file that may fail to show its format before the file is given up. */
const MAX_UNDETECTED_LINES = 20;

/**
 * Turns the lines of one file into LogEntries. The first non-blank line that is `#…` or `{…` decides the format: `#` is TSV,
 * `{` is JSON lines. The stream is the forced one, else the record's `_path` (JSON) or `#path` (TSV), else the
 * file name's. Problems are counted in the summary, never thrown: `parse` then returns undefined.
 */
export class LogLineParser {
  private format: 'tsv' | 'json' | 'unknown' | undefined;
  private undetectedLines = 0;
  private tsv: TsvLogReader | undefined;
  private readonly nameStream: string;

  constructor(
    private readonly file: string,
    /** where records and problems are counted; replaceable (follow parses old lines uncounted) */
    public summary: ReadSummary,
    private readonly forcedStream?: LogStream,
  ) {
    this.nameStream = streamNameOfFile(file);
  }

  /** One line in; an entry out, or undefined for a header, blank or bad line. */
  parse(text: string, line: number): LogEntry | undefined {
    if (this.format === undefined) {
      if (text.trim() === '') return undefined;
      if (text.startsWith('#')) {
        this.format = 'tsv';
        this.tsv = new TsvLogReader(this.file);
      } else if (text.startsWith('{')) {
        this.format = 'json';
      } else {
        // A broken first line (a partial line after copytruncate, a stray byte) must not cost the
        // whole file: count it and look at the next one, up to a point.
        this.summary.recordError(
          new ZeekLogParseError('unknown-format', 'neither a Zeek TSV header (#) nor a JSON object ({)', { file: this.file, line }),
        );
        if (++this.undetectedLines >= MAX_UNDETECTED_LINES) {
          this.format = 'unknown';
          this.summary.recordError(
            new ZeekLogParseError('not-a-log', `no Zeek TSV header or JSON object in the first ${MAX_UNDETECTED_LINES} lines; rest of the file skipped`, { file: this.file, line }),
          );
        }
        return undefined;
      }
    }
    if (this.format === 'unknown') return undefined;
    const source = { file: this.file, line };
    try {
      let record: ZeekRecord | undefined;
      let pathName: string | undefined;
      if (this.tsv !== undefined) {
        record = this.tsv.readLine(text, line);
        if (record === undefined) return undefined;
        pathName = this.tsv.path;
      } else {
        if (text.length === 0) return undefined;
        const parsed = parseJsonLogLine(text, source);
        record = parsed.record;
        pathName = parsed.path;
      }
      const streamName = this.forcedStream ?? pathName ?? this.nameStream;
      if (!isLogStream(streamName)) {
        throw new ZeekLogParseError('unknown-stream', `stream ${JSON.stringify(streamName)} is not scored`, source);
      }
      if (this.tsv === undefined) checkFieldKinds(record, streamName, source);
      this.summary.records++;
      return { stream: streamName, record, source };
    } catch (err) {
      if (!(err instanceof ZeekLogParseError)) throw err;
      this.summary.recordError(err);
      return undefined;
    }
  }
}

/**
 * Streams the records of a Zeek log file: plain or gzip (by magic bytes), TSV or JSON lines (by content).
 * Memory stays flat in file size. Bad lines, a truncated gzip or a missing file are counted in
 * `options.summary` and the read goes on (or ends) quietly; only records of the five scored streams are yielded.
 */
export async function* readLogFile(file: string, options: ReadOptions = {}): AsyncGenerator<LogEntry> {
  for await (const entries of readLogFileBatches(file, options)) yield* entries;
}

/**
 * The records of a log file (see readLogFile) in arrays of up to BATCH_ENTRIES from one read chunk (never empty; a
 * chunk's lines are parsed, and counted in the summary, as its arrays are taken). For throughput:
 * every async-generator step costs a promise and a trip through the microtask queue, which per record was a
 * visible share of `score`; per chunk it is nothing.
 */
export async function* readLogFileBatches(file: string, options: ReadOptions = {}): AsyncGenerator<LogEntry[]> {
  const summary = options.summary ?? new ReadSummary();
  const parser = new LogLineParser(file, summary, options.stream);
  for await (const batch of readLineBatches(file, { summary, signal: options.signal })) {
    const { lines, firstLine } = batch;
    let entries: LogEntry[] = [];
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i];
      if (text === null || text === undefined) continue;
      const entry = parser.parse(text, firstLine + i);
      if (entry === undefined) continue;
      entries.push(entry);
      if (entries.length === BATCH_ENTRIES) {
        yield entries;
        entries = [];
      }
    }
    if (entries.length > 0) yield entries;
    if (options.signal?.aborted) return;
  }
}

/**
 * Most entries readLogFileBatches yields at once. Every young-generation collection copies the records still in
 * use, the batch being scored: a read chunk's ~1,700 TSV records made each collection several times dearer.
 */
const BATCH_ENTRIES = 256;
