// Finds the log files of chosen streams in a zeekctl log directory (logs/YYYY-MM-DD/...) or a plain folder.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { LogStream } from './record.js';
import { streamNameOfFile } from './log-file.js';

export interface LogDirectoryOptions {
  streams: readonly LogStream[];
  /** first day to include, YYYY-MM-DD, inclusive (date folders only) */
  startDate?: string;
  /** last day to include, YYYY-MM-DD, inclusive (date folders only) */
  endDate?: string;
}

const DATE_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
/** `<stream>[.<anything>].log|json|ndjson[.gz]`, e.g. conn.09:00:00-10:00:00.log.gz, dns.labeled.log, ssl.json */
const LOG_FILE = /\.(log|json|ndjson)(\.gz)?$/;

/**
 * Lists the log files of each requested stream, oldest first. In a zeekctl layout
 * (`logdir/YYYY-MM-DD/<stream>.HH:MM:SS-HH:MM:SS.log.gz`) day folders are taken in date order, filtered by
 * startDate/endDate, and files within a day by their start time; `current/` is skipped (follow it instead).
 * Log files lying directly in `dir` (conn.log, conn.log.gz, conn.labeled.log, conn.json …) are included
 * too, first, whatever the dates (they carry none). Every requested stream has an entry, maybe empty.
 * Throws UsageError for a malformed date or a directory that cannot be read.
 */
export async function findLogFiles(dir: string, options: LogDirectoryOptions): Promise<Map<LogStream, string[]>> {
  for (const date of [options.startDate, options.endDate]) {
    if (date !== undefined && !(DATE_FOLDER.test(date) && !Number.isNaN(Date.parse(date)))) {
      throw new UsageError(`date ${JSON.stringify(date)} is not YYYY-MM-DD`);
    }
  }
  const found = new Map<LogStream, string[]>(options.streams.map((stream) => [stream, []]));
  const entries = await readEntries(dir);
  const addFiles = (folder: string, names: string[]): void => {
    for (const name of names.filter((n) => LOG_FILE.test(n)).sort()) {
      const list = found.get(streamNameOfFile(name) as LogStream);
      list?.push(path.join(folder, name));
    }
  };
  addFiles(dir, entries.filter((e) => e.kind === 'file').map((e) => e.name));
  const days = entries
    .filter((e) => e.kind === 'directory' && DATE_FOLDER.test(e.name))
    .map((e) => e.name)
    .filter((day) => (options.startDate === undefined || day >= options.startDate) && (options.endDate === undefined || day <= options.endDate))
    .sort();
  for (const day of days) {
    const folder = path.join(dir, day);
    addFiles(folder, (await readEntries(folder)).filter((e) => e.kind === 'file').map((e) => e.name));
  }
  return found;
}

/**
 * A folder's entries as files, folders or neither. Symbolic links count as what they point to (a folder of links
 * to archived logs is a common way to pick a training set); a broken link is neither.
 */
async function readEntries(dir: string): Promise<{ name: string; kind: 'file' | 'directory' | 'other' }[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new UsageError(`cannot read log directory ${dir}: ${(err as Error).message}`);
  }
  return Promise.all(
    entries.map(async (e) => {
      let kind: 'file' | 'directory' | 'other' = e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other';
      if (e.isSymbolicLink()) {
        const target = await stat(path.join(dir, e.name)).catch(() => undefined);
        kind = target?.isFile() ? 'file' : target?.isDirectory() ? 'directory' : 'other';
      }
      return { name: e.name, kind };
    }),
  );
}
