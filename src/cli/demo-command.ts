// `autozeekwatch demo` (what `npm start` runs): the whole AutoZeekWatch loop on the bundled fixtures, no Zeek
// needed — train, replay the attack mix live through a Zeek stand-in into `serve`, and report the findings.
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_DEMO_RATE, runDemo } from '../demo/demo.js';
import { parsePositiveInt } from './options.js';

interface DemoCliOptions {
  fixtures: string;
  rate: number;
  keep?: string;
  liveView: boolean;
  threads: number;
}

/** The repository's fixtures/ (this file runs as dist/src/cli/demo-command.js). */
const BUNDLED_FIXTURES = fileURLToPath(new URL('../../../fixtures', import.meta.url));

function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${value}"`);
  return n;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the whole loop on bundled data, no Zeek needed: train on a benign archive, replay an attack mix live over Zeek\'s WebSocket API into serve, and show what was found')
    .option('--fixtures <dir>', 'folder with logdir/ (benign archive to train on) and mixed/ (logs to replay, labels.csv)', BUNDLED_FIXTURES)
    .option('--rate <records/s>', 'replay speed', parsePositiveInt, DEFAULT_DEMO_RATE)
    .option('--keep <dir>', 'write the models and scores.ndjson here and keep them (default: a temporary folder)')
    .option('--no-live-view', 'progress lines instead of the live terminal view')
    .option('--threads <n>', 'scoring worker threads for serve (0 = score in the main thread)', parseThreads, 1)
    .action(async (opts: DemoCliOptions) => {
      await runDemo({
        fixturesDir: opts.fixtures,
        ratePerSecond: opts.rate,
        ...(opts.keep !== undefined && { keepDir: opts.keep }),
        liveView: opts.liveView && process.stdout.isTTY === true,
        threads: opts.threads,
        out: process.stdout,
      });
    });
}
