// `autozeekwatch infer`: follows DIR/current/<stream>.log like the original infer.py and scores
// every new record, surviving Zeek's log rotation. Stops cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import type { Command } from 'commander';
import { loadModelSet } from '../pipeline/model-set.js';
import { RecordScorer } from '../pipeline/record-scorer.js';
import { scoreBatchesInto } from '../pipeline/score-stream.js';
import { ScoreFileWriter } from '../sinks/score-file.js';
import { followLogBatches, ReadSummary } from '../zeek/index.js';
import type { LogModule, LogStream } from '../zeek/record.js';
import { addScoringOptions, parsePositiveInt } from './options.js';

interface InferCliOptions {
  logDir: string;
  modules?: LogModule[];
  modelDir: string;
  out: string;
  top: number;
  fromStart: boolean;
  pollInterval: number;
}

export function registerInferCommand(program: Command): void {
  addScoringOptions(
    program
      .command('infer')
      .description('follow DIR/current/<stream>.log and score every new record (survives rotation)')
      .requiredOption('--log-dir <dir>', 'Zeek log directory whose current/ folder Zeek writes to'),
  )
    .option('--from-start', 'score what the current files already hold, not only new lines', false)
    .option('--poll-interval <ms>', 'how often to look for new lines and rotation', parsePositiveInt, 250)
    .action(async (opts: InferCliOptions) => {
      const models = await loadModelSet(opts.modelDir, opts.modules);
      const scorer = new RecordScorer(models, { topFeatures: opts.top });
      const writer = new ScoreFileWriter(opts.out);
      const summary = new ReadSummary();
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const streams = scorer.streams();
      process.stderr.write(`infer: following ${streams.map((s) => path.join(opts.logDir, 'current', `${s}.log`)).join(', ')}\n`);
      try {
        // a read's records at a time, so catching up on a large current log (--from-start, or after a pause)
        // scores them in runs as `score` does
        await scoreBatchesInto(
          mergeFollowers(streams, (stream) =>
            followLogBatches(path.join(opts.logDir, 'current', `${stream}.log`), stream, {
              signal: controller.signal,
              summary,
              pollIntervalMs: opts.pollInterval,
              fromStart: opts.fromStart,
            }),
          ),
          scorer,
          writer,
        );
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await writer.close();
      }
      const s = scorer.stats;
      process.stderr.write(`infer: stopped; ${summary.records} records read, ${s.scored} scored, ${s.anomalous} anomalous, ${summary.skipped} skipped\n`);
      if (summary.skipped > 0) process.stderr.write(summary.format() + '\n');
    });
}

/** Interleaves several followers into one stream of their items (records or batches), in arrival order. */
export async function* mergeFollowers<T>(streams: readonly LogStream[], follow: (s: LogStream) => AsyncIterable<T>): AsyncGenerator<T> {
  const iterators = streams.map((s) => follow(s)[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) => pending.set(index, iterators[index]!.next().then((result) => ({ index, result })));
  iterators.forEach((_, i) => pull(i));
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(index);
      continue;
    }
    pull(index);
    yield result.value;
  }
}
