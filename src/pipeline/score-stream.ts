// Drives batches of records through a RecordScorer into a ScoreFileWriter, honouring the writer's back-pressure.
import type { LogEntry } from '../zeek/record.js';
import type { ScoreFileWriter } from '../sinks/score-file.js';
import type { RecordScorer, ScoredRecord } from './record-scorer.js';

/**
 * Score batches of entries (readLogFileBatches) and write one line each, in order, with one async step per
 * batch instead of one per record; waits for the file about every 1024 lines. Returns the lines written.
 */
export async function scoreBatchesInto(
  batches: AsyncIterable<readonly LogEntry[]>,
  scorer: RecordScorer,
  writer: ScoreFileWriter,
  onScored?: (scored: ScoredRecord) => void,
): Promise<number> {
  let written = 0;
  for await (const entries of batches) {
    const before = written;
    scorer.scoreAll(entries, (scored) => {
      writer.write(scored);
      onScored?.(scored);
      written++;
    });
    if (written >>> 10 !== before >>> 10) await writer.flush();
  }
  await writer.flush();
  return written;
}
