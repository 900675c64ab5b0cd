// Follows a growing Zeek log like `tail -F`: waits for the file, reads new lines, survives rotation and truncation.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZeekLogParseError } from '../errors.js';
import { LineSplitter } from './line-reader.js';
import { LogLineParser } from './log-file.js';
import { ReadSummary } from './read-summary.js';
import type { LogEntry, LogStream } from './record.js';

export interface FollowOptions {
  summary?: ReadSummary;
  /** the follow ends (quietly) when this aborts */
  signal: AbortSignal;
  /** how often to look for new data, rotation and truncation when idle; default 250 ms */
  pollIntervalMs?: number;
  /** read the file that exists at start from its beginning; default false: only lines appended later */
  fromStart?: boolean;
}

const CHUNK_BYTES = 256 * 1024;

/** One opened incarnation of the followed path (a rotation or re-creation makes a new one). */
interface FollowedFile {
  readonly handle: FileHandle;
  readonly inode: number;
  position: number;
  splitter: LineSplitter;
  parser: LogLineParser;
}

/** followLogBatches one record at a time. */
export async function* followLog(file: string, stream: LogStream, options: FollowOptions): AsyncGenerator<LogEntry> {
  for await (const entries of followLogBatches(file, stream, options)) yield* entries;
}

/**
 * Yields the records appended to `file`, read as `stream`, as they are read: the records of one read (up to
 * 256 KiB of lines) at a time, never an empty array. The file may not exist yet. On rotation (the path
 * now names another file, or none) the old file is read to its end, including a last line without newline,
 * before the new one is read from its start, so no record is lost or read twice. On truncation (copytruncate)
 * reading restarts at the start; lines written between the last read and the truncation are the copy's.
 * A partial last line waits for its newline. TSV headers are read afresh for each new file.
 * Without `fromStart`, the file present at start is parsed up to its last complete line (to learn its TSV
 * header and line numbers) without yielding those records. Ends when `options.signal` aborts.
 */
export async function* followLogBatches(file: string, stream: LogStream, options: FollowOptions): AsyncGenerator<LogEntry[]> {
  const { signal } = options;
  const summary = options.summary ?? new ReadSummary();
  const pollMs = options.pollIntervalMs ?? 250;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let current: FollowedFile | undefined;
  let skipExisting = options.fromStart !== true;
  let lastOpenError: string | undefined;

  const openFollowed = async (): Promise<FollowedFile | undefined> => {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      // not existing yet is the normal wait; anything else is reported once per change of cause
      if (code !== 'ENOENT' && code !== lastOpenError) {
        summary.recordError(new ZeekLogParseError('read-error', (err as Error).message, { file, line: 0 }));
      }
      lastOpenError = code;
      // a file that appears after the follow started is new data from its first line
      skipExisting = false;
      return undefined;
    }
    lastOpenError = undefined;
    const info = await handle.stat();
    const followed: FollowedFile = {
      handle,
      inode: info.ino,
      position: 0,
      splitter: new LineSplitter(file, summary),
      parser: new LogLineParser(file, summary, stream),
    };
    if (skipExisting) await skipToLastCompleteLine(followed, info.size);
    skipExisting = false;
    return followed;
  };

  /** Parses (without yielding or counting) what is already there, so headers and line numbers are known. */
  const skipToLastCompleteLine = async (followed: FollowedFile, size: number): Promise<void> => {
    const silent = new ReadSummary();
    followed.splitter = new LineSplitter(file, silent);
    followed.parser.summary = silent;
    let lastNewlineEnd = 0;
    while (followed.position < size) {
      const wanted = Math.min(CHUNK_BYTES, size - followed.position);
      const { bytesRead } = await followed.handle.read(buffer, 0, wanted, followed.position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      const newline = chunk.lastIndexOf(0x0a);
      if (newline !== -1) lastNewlineEnd = followed.position + newline + 1;
      followed.position += bytesRead;
      const batch = followed.splitter.push(chunk);
      batch.lines.forEach((text, i) => text !== null && followed.parser.parse(text, batch.firstLine + i));
    }
    // a last line without newline is still being written: it is read again, whole, once complete
    const lineNumber = followed.splitter.lineNumber;
    followed.position = lastNewlineEnd;
    followed.splitter = new LineSplitter(file, summary);
    followed.splitter.lineNumber = lineNumber;
    followed.parser.summary = summary;
  };

  /** Reads what is available now; returns the entries and whether anything was read. */
  const readAvailable = async (followed: FollowedFile): Promise<{ entries: LogEntry[]; bytes: number }> => {
    const { bytesRead } = await followed.handle.read(buffer, 0, CHUNK_BYTES, followed.position);
    followed.position += bytesRead;
    const entries: LogEntry[] = [];
    if (bytesRead > 0) collect(followed, followed.splitter.push(buffer.subarray(0, bytesRead)), entries);
    return { entries, bytes: bytesRead };
  };

  const collect = (followed: FollowedFile, batch: { lines: (string | null)[]; firstLine: number }, entries: LogEntry[]) => {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i];
      if (text === null || text === undefined) continue;
      const entry = followed.parser.parse(text, batch.firstLine + i);
      if (entry !== undefined) entries.push(entry);
    }
  };

  try {
    while (!signal.aborted) {
      if (current === undefined) {
        current = await openFollowed();
        if (current === undefined) {
          if (!(await pause(pollMs, signal))) return;
          continue;
        }
      }
      const { entries, bytes } = await readAvailable(current);
      if (entries.length > 0) yield entries;
      if (bytes > 0) continue;

      const now = await stat(file).catch(() => undefined);
      if (now === undefined || now.ino !== current.inode) {
        // rotated or removed: drain the old file (the writer may have added lines before letting go)
        for (;;) {
          const drained = await readAvailable(current);
          if (drained.entries.length > 0) yield drained.entries;
          if (drained.bytes === 0) break;
        }
        const last: LogEntry[] = [];
        collect(current, current.splitter.finish(), last);
        if (last.length > 0) yield last;
        await current.handle.close();
        current = undefined;
        continue;
      }
      if (now.size < current.position) {
        // copytruncate: the same file starts over, header and all
        current.position = 0;
        current.splitter = new LineSplitter(file, summary);
        current.parser = new LogLineParser(file, summary, stream);
        continue;
      }
      if (!(await pause(pollMs, signal))) return;
    }
  } finally {
    await current?.handle.close();
  }
}

/** Waits, or returns false at once when the signal aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
