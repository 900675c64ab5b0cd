// Argument parsers and option sets shared by several commands. Each parser throws commander's
// InvalidArgumentError, which commander reports as a usage error (exit 2).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isLogModule, LOG_MODULES, type LogModule } from '../zeek/record.js';

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

export function parseFraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new InvalidArgumentError(`expected a number between 0 and 1, got "${value}"`);
  return n;
}

export function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError(`expected a date as YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

/**
 * `--since 7d` (also `36h`, `2w`): the first day (YYYY-MM-DD, UTC) of a window that ends now, for
 * retraining on the latest rotated logs of a running system.
 */
export function parseSince(value: string, now: Date = new Date()): string {
  const m = /^(\d+)([hdw])$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 36h, 7d or 2w, got "${value}"`);
  const hours = Number(m[1]) * ({ h: 1, d: 24, w: 168 } as const)[m[2] as 'h' | 'd' | 'w'];
  return new Date(now.getTime() - hours * 3_600_000).toISOString().slice(0, 10);
}

/** Collects `--modules CONN SSH` (any case, also comma-separated) into a de-duplicated list. */
export function collectModules(value: string, previous: LogModule[] | undefined): LogModule[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',')) {
    const name = part.trim().toUpperCase();
    if (name === '') continue;
    if (!isLogModule(name)) throw new InvalidArgumentError(`unknown module "${part}" (known: ${LOG_MODULES.join(', ')})`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function collectStrings(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

export function modulesOption(description: string): Option {
  return new Option('--modules <modules...>', `${description} (${LOG_MODULES.join(' ')})`).argParser(collectModules);
}

export const DEFAULT_MODEL_DIR = 'models';

/** The options `score` and `infer` share: which models, and where the score lines go. */
export function addScoringOptions(command: Command): Command {
  return command
    .addOption(modulesOption('modules to score (default: every module with a model)'))
    .option('--model-dir <dir>', 'where the model files are', DEFAULT_MODEL_DIR)
    .option('--out <file>', 'append scores to this file (- for stdout)', '-')
    .option('--top <n>', 'contributing features named per anomaly', parsePositiveInt, 3);
}
