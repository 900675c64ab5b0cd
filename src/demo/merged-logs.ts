// Reads several Zeek log files into one list in record-time order, as Zeek would have published them live:
// the demo replays all five streams interleaved so host context sees a host's DNS before its connections.
import { readLogFile, ReadSummary, type LogEntry } from '../zeek/index.js';

/** The records of `files` merged by `ts` (stable: equal times keep file order); problems counted in the summary. */
export async function readMergedByTime(files: readonly string[], summary: ReadSummary = new ReadSummary()): Promise<LogEntry[]> {
  // The bundled mix is a few thousand records, so holding them is cheaper than a k-way merge, and it does not
  // depend on each file already being sorted (Zeek writes conn.log at connection end, not start).
  const entries: LogEntry[] = [];
  for (const file of files) {
    for await (const entry of readLogFile(file, { summary })) entries.push(entry);
  }
  const timeOf = (e: LogEntry): number => (typeof e.record.ts === 'number' ? e.record.ts : Infinity);
  return entries
    .map((entry, order) => ({ entry, order, ts: timeOf(entry) }))
    .sort((a, b) => a.ts - b.ts || a.order - b.order)
    .map((x) => x.entry);
}
