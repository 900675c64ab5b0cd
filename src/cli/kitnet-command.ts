// `autozeekwatch kitnet`: KitNET over a numeric matrix (CSV or NDJSON arrays) the way the reference example
// runs it — process() every row in order — for research and comparison with other implementations.
import { saveKitnetModel } from '../model/matrix-model.js';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { AutoZeekWatchError, InvalidInputError, UsageError } from '../errors.js';
import { DEFAULT_KITNET_OPTIONS, KitNET, type KitNETOptions } from '../kitnet/index.js';

/** A row of the input matrix that is not a list of numbers of the expected length. */
export class MatrixParseError extends AutoZeekWatchError {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super('MATRIX_PARSE', `${file}:${line}: ${detail}`);
  }
}

interface KitnetCommandOptions {
  in: string;
  out: string;
  maxAe: number;
  fmGrace: number;
  adGrace: number;
  learningRate: number;
  hiddenRatio: number;
  reference?: string;
  mapOut?: string;
  modelOut?: string;
}

function parseCount(minimum: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < minimum) throw new InvalidArgumentError(`expected a whole number ≥ ${minimum}, got "${value}"`);
    return n;
  };
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

export function registerKitnetCommand(program: Command): void {
  program
    .command('kitnet')
    .description(
      'run KitNET over a numeric matrix like the reference example: train on the first FM+AD+1 rows, score the rest; ' +
        'writes one score per input row (0 for the training prefix)',
    )
    .requiredOption('--in <file>', 'input rows: CSV (header row optional) or NDJSON arrays (.ndjson/.jsonl, or lines starting with "[")')
    .requiredOption('--out <file>', 'output CSV "row,score" ("-" for stdout)')
    .option('--max-ae <m>', 'largest autoencoder (features per group)', parseCount(1), DEFAULT_KITNET_OPTIONS.maxAutoencoderSize)
    .option('--fm-grace <rows>', 'feature-mapping grace period', parseCount(0), DEFAULT_KITNET_OPTIONS.fmGrace)
    .option('--ad-grace <rows>', 'autoencoder training grace period', parseCount(0), DEFAULT_KITNET_OPTIONS.adGrace)
    .option('--learning-rate <lr>', 'SGD learning rate', parsePositive, DEFAULT_KITNET_OPTIONS.learningRate)
    .option('--hidden-ratio <beta>', 'hidden units per input of each autoencoder', parsePositive, DEFAULT_KITNET_OPTIONS.hiddenRatio)
    .option('--reference <name>', 'exact reference behaviour: kitnet-py (default: improved mode)')
    .option('--map-out <file>', 'write the learned feature map as a JSON array of index arrays')
    .option('--model-out <file>', 'save the trained model (msgpackr model file; threshold fitted on the scored rows)')
    .action(async (options: KitnetCommandOptions) => {
      await runKitnet(options);
    });
}

/** Reads the matrix row by row, runs process() on each, and streams the scores out. */
async function runKitnet(options: KitnetCommandOptions): Promise<void> {
  if (options.reference !== undefined && options.reference !== 'kitnet-py') {
    throw new UsageError(`--reference must be kitnet-py, got "${options.reference}"`);
  }
  const kitnetOptions: Partial<KitNETOptions> = {
    maxAutoencoderSize: options.maxAe,
    fmGrace: options.fmGrace,
    adGrace: options.adGrace,
    learningRate: options.learningRate,
    hiddenRatio: options.hiddenRatio,
    ...(options.reference === 'kitnet-py' ? { reference: 'kitnet-py' as const } : {}),
  };
  const out: WriteStream | NodeJS.WriteStream = options.out === '-' ? process.stdout : createWriteStream(options.out);
  if (out !== process.stdout) {
    await once(out, 'open').catch((err: Error) => {
      throw new AutoZeekWatchError('OUTPUT_UNWRITABLE', `cannot write --out ${options.out}: ${err.message}`);
    });
  }
  let pending = 'row,score\n';
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const ok = out.write(pending);
    pending = '';
    if (!ok) await once(out, 'drain');
  };

  let kitnet: KitNET | undefined;
  let rowIndex = 0;
  const executedScores: number[] = [];
  for await (const { line, values } of readMatrix(options.in)) {
    kitnet ??= new KitNET(values.length, kitnetOptions);
    if (values.length !== kitnet.n) {
      throw new MatrixParseError(options.in, line, `row has ${values.length} values, the first row had ${kitnet.n}`);
    }
    const executing = kitnet.rowsSeen > options.fmGrace + options.adGrace;
    let score: number;
    try {
      score = kitnet.process(values);
    } catch (err) {
      if (err instanceof InvalidInputError) throw new MatrixParseError(options.in, line, err.message);
      throw err;
    }
    if (options.modelOut !== undefined && executing) executedScores.push(score);
    pending += `${rowIndex},${score}\n`;
    rowIndex++;
    if (pending.length > 65536) await flush();
  }
  await flush();
  if (out !== process.stdout) {
    (out as WriteStream).end();
    await once(out, 'close');
  }
  if (kitnet === undefined) throw new MatrixParseError(options.in, 0, 'no data rows');
  const map = kitnet.featureMap();
  process.stderr.write(
    `kitnet: ${rowIndex} rows × ${kitnet.n} features, ${map.length} autoencoders, ` +
      `${Math.min(rowIndex, options.fmGrace + options.adGrace + 1)} training rows, ${rowIndex - Math.min(rowIndex, options.fmGrace + options.adGrace + 1)} scored ` +
      `(${kitnet.isReference ? 'kitnet-py reference' : 'improved'} mode)\n`,
  );
  if (options.mapOut !== undefined) {
    if (map.length === 0) throw new AutoZeekWatchError('NO_FEATURE_MAP', `no feature map learned: ${rowIndex} rows is not more than --fm-grace ${options.fmGrace}`);
    await writeFile(options.mapOut, JSON.stringify(map) + '\n');
  }
  if (options.modelOut !== undefined) {
    const id = await saveKitnetModel(options.modelOut, kitnet, { input: options.in, scores: executedScores, trainRows: rowIndex - executedScores.length });
    process.stderr.write(`kitnet: model written to ${options.modelOut} (${id}); its threshold is fitted on the ${executedScores.length} scored rows\n`);
  }
}

/** Yields each data row with its 1-based line number. CSV header rows and blank lines are skipped. */
async function* readMatrix(file: string): AsyncGenerator<{ line: number; values: Float64Array }> {
  const extension = path.extname(file).toLowerCase();
  let format: 'csv' | 'ndjson' | undefined = extension === '.ndjson' || extension === '.jsonl' ? 'ndjson' : undefined;
  const input = createReadStream(file);
  await once(input, 'open').catch((err: NodeJS.ErrnoException) => {
    throw new AutoZeekWatchError('INPUT_UNREADABLE', `cannot read --in ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let firstContent = true;
  for await (const text of lines) {
    lineNumber++;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    format ??= trimmed.startsWith('[') ? 'ndjson' : 'csv';
    if (format === 'ndjson') {
      yield { line: lineNumber, values: parseJsonRow(trimmed, file, lineNumber) };
    } else {
      const cells = trimmed.split(',');
      if (firstContent && !cells.every(isNumberText)) {
        firstContent = false;
        continue; // header row
      }
      yield { line: lineNumber, values: parseCsvRow(cells, file, lineNumber) };
    }
    firstContent = false;
  }
}

function isNumberText(cell: string): boolean {
  const t = cell.trim();
  return t !== '' && !Number.isNaN(Number(t));
}

function parseCsvRow(cells: string[], file: string, line: number): Float64Array {
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const t = cells[i]!.trim();
    const v = t === '' ? NaN : Number(t);
    if (Number.isNaN(v)) throw new MatrixParseError(file, line, `column ${i + 1} is not a number: "${cells[i]}"`);
    values[i] = v;
  }
  return values;
}

function parseJsonRow(text: string, file: string, line: number): Float64Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MatrixParseError(file, line, `not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new MatrixParseError(file, line, 'expected a JSON array of numbers');
  const values = new Float64Array(parsed.length);
  for (let i = 0; i < parsed.length; i++) {
    if (typeof parsed[i] !== 'number') throw new MatrixParseError(file, line, `element ${i} is not a number: ${JSON.stringify(parsed[i])}`);
    values[i] = parsed[i] as number;
  }
  return values;
}
