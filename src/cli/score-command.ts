// `autozeekwatch score FILE|DIR...`: batch-scores Zeek log files with trained models.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { Command } from 'commander';
import { loadModelSet } from '../pipeline/model-set.js';
import { RecordScorer } from '../pipeline/record-scorer.js';
import { scoreBatchesInto } from '../pipeline/score-stream.js';
import { ScoreFileWriter } from '../sinks/score-file.js';
import { findLogFiles, ReadSummary, readLogFileBatches } from '../zeek/index.js';
import type { LogEntry, LogModule, LogStream } from '../zeek/record.js';
import { addScoringOptions, parsePositiveInt } from './options.js';

interface ScoreCliOptions {
  modules?: LogModule[];
  modelDir: string;
  out: string;
  top: number;
  explainAll: boolean;
}

export function registerScoreCommand(program: Command): void {
  addScoringOptions(
    program
      .command('score')
      .description('score Zeek log files (TSV or JSON, plain or gzip) or log directories; one JSON line per record')
      .argument('<paths...>', 'log files or directories'),
  )
    .option('--explain-all', 'name contributing features for every record, not only anomalies', false)
    .action(async (paths: string[], opts: ScoreCliOptions) => {
      // a mistyped path is a usage error before any work, not a failure halfway through the output
      const missing = paths.filter((p) => !existsSync(p));
      if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
      const models = await loadModelSet(opts.modelDir, opts.modules);
      const scorer = new RecordScorer(models, { topFeatures: opts.top, explainAll: opts.explainAll });
      const writer = new ScoreFileWriter(opts.out);
      const summary = new ReadSummary();
      try {
        await scoreBatchesInto(entryBatchesOf(paths, scorer.streams(), summary), scorer, writer);
      } finally {
        await writer.close();
      }
      const s = scorer.stats;
      process.stderr.write(
        `score: ${summary.records} records read, ${s.scored} scored, ${s.anomalous} anomalous` +
          `${s.noModel > 0 ? `, ${s.noModel} without a model` : ''}${s.rejected > 0 ? `, ${s.rejected} refused` : ''}\n`,
      );
      if (summary.skipped > 0) process.stderr.write(summary.format() + '\n');
    });
}

/** Records of every path in order, in read-sized batches: directories in zeekctl or plain layout, files as given. */
async function* entryBatchesOf(paths: readonly string[], streams: readonly LogStream[], summary: ReadSummary): AsyncGenerator<LogEntry[]> {
  for (const p of paths) {
    const info = await stat(p);
    if (info.isDirectory()) {
      const files = await findLogFiles(p, { streams });
      for (const stream of streams) {
        for (const file of files.get(stream) ?? []) yield* readLogFileBatches(file, { stream, summary });
      }
    } else {
      yield* readLogFileBatches(p, { summary });
    }
  }
}
