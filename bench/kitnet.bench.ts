// KitNET throughput: 50,000 rows × 40 features with planted correlated groups (m = 10, FM 5,000, AD 40,000).
// Prints train and score rows/s (single thread), heap growth while scoring, peak RSS and model size.
import { performance } from 'node:perf_hooks';
import { pack } from 'msgpackr';
import { KitNET, type KitNETOptions } from '../src/kitnet/index.js';
import { MersenneTwister } from '../src/kitnet/mt19937.js';

const ROWS = 50_000;
const FEATURES = 40;
const FM_GRACE = 5_000;
const AD_GRACE = 40_000;

/** Five planted groups of 7 features (scaled copies of one latent plus noise) and 5 noise features. */
function plantedRows(): Float64Array[] {
  const random = new MersenneTwister(42);
  const rows: Float64Array[] = [];
  const latent = new Float64Array(5);
  for (let t = 0; t < ROWS; t++) {
    for (let g = 0; g < 5; g++) latent[g] = random.nextDouble();
    const row = new Float64Array(FEATURES);
    for (let j = 0; j < FEATURES; j++) {
      const u = random.nextDouble();
      row[j] = j < 35 ? (1 + (j % 4)) * latent[j % 5]! + 0.05 * (u - 0.5) : 10 * u;
    }
    rows.push(row);
  }
  return rows;
}

/** CPU seconds (user + system) this process used since `start`: robust to other processes sharing the cores. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function benchmark(label: string, options: Partial<KitNETOptions>, rows: Float64Array[]): void {
  const kitnet = new KitNET(FEATURES, { maxAutoencoderSize: 10, fmGrace: FM_GRACE, adGrace: AD_GRACE, ...options });
  const trainRows = FM_GRACE + AD_GRACE + 1;
  const trainCpu = process.cpuUsage();
  const trainStart = performance.now();
  for (let t = 0; t <= FM_GRACE; t++) kitnet.learn(rows[t]!);
  const mapped = performance.now();
  for (let t = FM_GRACE + 1; t < trainRows; t++) kitnet.learn(rows[t]!);
  const trainEnd = performance.now();
  const trainCpuSeconds = cpuSecondsSince(trainCpu);
  console.log(`${label} autoencoders: ${kitnet.featureMap().length} (sizes ${kitnet.featureMap().map((g) => g.length).join(',')})`);
  console.log(`${label} train rows/s: ${Math.round(trainRows / ((trainEnd - trainStart) / 1000))} rows/s`);
  console.log(`${label} train rows per CPU second: ${Math.round(trainRows / trainCpuSeconds)} rows/s`);
  console.log(`${label} feature-mapping rows/s: ${Math.round((FM_GRACE + 1) / ((mapped - trainStart) / 1000))} rows/s`);
  console.log(`${label} autoencoder-training rows/s: ${Math.round(AD_GRACE / ((trainEnd - mapped) / 1000))} rows/s`);

  let checksum = 0;
  for (let t = 0; t < 5_000; t++) checksum += kitnet.score(rows[t]!); // warm up the scoring path
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const passes = 3;
  const scoreCpu = process.cpuUsage();
  const scoreStart = performance.now();
  for (let pass = 0; pass < passes; pass++) for (let t = 0; t < ROWS; t++) checksum += kitnet.score(rows[t]!);
  const scoreEnd = performance.now();
  const scoreCpuSeconds = cpuSecondsSince(scoreCpu);
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  console.log(`${label} score rows/s: ${Math.round((passes * ROWS) / ((scoreEnd - scoreStart) / 1000))} rows/s`);
  console.log(`${label} score rows per CPU second: ${Math.round((passes * ROWS) / scoreCpuSeconds)} rows/s`);
  console.log(`${label} heap growth over ${passes * ROWS} score() calls: ${heapGrowth} bytes`);
  // the rows end to end, 64 at a time, as `score` and `serve` hand them over (KitNET.scoreRows)
  const matrix = new Float64Array(ROWS * FEATURES);
  rows.slice(0, ROWS).forEach((row, t) => matrix.set(row, t * FEATURES));
  const scores = new Float64Array(64);
  const rejected = new Uint8Array(64);
  const rowsCpu = process.cpuUsage();
  const rowsStart = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (let t = 0; t < ROWS; t += 64) {
      const count = Math.min(64, ROWS - t);
      kitnet.scoreRows(matrix.subarray(t * FEATURES, (t + count) * FEATURES), count, scores, rejected);
      checksum += scores[0]!;
    }
  }
  const rowsEnd = performance.now();
  console.log(`${label} scoreRows rows/s (64 at a time): ${Math.round((passes * ROWS) / ((rowsEnd - rowsStart) / 1000))} rows/s (${Math.round((passes * ROWS) / cpuSecondsSince(rowsCpu))} per CPU second)`);
  const into = new Float64Array(1);
  gc();
  const heapBeforeInto = process.memoryUsage().heapUsed;
  for (let t = 0; t < ROWS; t++) kitnet.scoreInto(rows[t]!, into, 0);
  console.log(`${label} heap growth over ${ROWS} scoreInto() calls: ${process.memoryUsage().heapUsed - heapBeforeInto} bytes`);
  console.log(`${label} model bytes: ${pack(kitnet.toState()).length} bytes`);
  if (!Number.isFinite(checksum)) throw new Error('non-finite score');
}

const rows = plantedRows();
benchmark('improved', {}, rows);
benchmark('kitnet-py', { reference: 'kitnet-py' }, rows);
console.log(`peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
