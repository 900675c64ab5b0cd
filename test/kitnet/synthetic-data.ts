// Deterministic test matrices: the planted-groups matrix mirrored from test/reference/kitnet_v1.py, and a
// general generator of correlated groups for recovery tests and the benchmark.
import { MersenneTwister } from '../../src/kitnet/mt19937.js';

/**
 * The matrix kitnet_v1.py builds (same draws, same arithmetic, so bit-identical): feature j < n−2 follows
 * latent j % 4 (group 3 loosely), the last two are noise; from row 800 every 7th row has +2.5 on feature t % n.
 */
export function pinnedPlantedMatrix(rows: number, n: number, seed: number): Float64Array[] {
  const random = new MersenneTwister(seed);
  const out: Float64Array[] = [];
  for (let t = 0; t < rows; t++) {
    const latent = [random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble()];
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const noise = random.nextDouble();
      let v: number;
      if (j >= n - 2) v = j + noise;
      else {
        const scale = j % 4 === 3 ? 0.6 : 0.05;
        v = j + (1 + 0.25 * j) * latent[j % 4]! + scale * (noise - 0.5);
      }
      if (t >= 800 && t % 7 === 0 && j === t % n) v = v + 2.5;
      row[j] = v;
    }
    out.push(row);
  }
  return out;
}

/**
 * Rows whose features come in planted groups: feature j belongs to groups[g] and equals
 * scale_j·latent_g + noise·(u − ½); features in no group are pure noise. Returned with the groups.
 */
export function correlatedGroupsMatrix(rows: number, groups: number[][], n: number, seed: number, noise = 0.02): Float64Array[] {
  const random = new MersenneTwister(seed);
  const groupOf = new Int32Array(n).fill(-1);
  groups.forEach((group, g) => group.forEach((j) => (groupOf[j] = g)));
  const out: Float64Array[] = [];
  const latent = new Float64Array(groups.length);
  for (let t = 0; t < rows; t++) {
    for (let g = 0; g < groups.length; g++) latent[g] = random.nextDouble();
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const g = groupOf[j]!;
      const u = random.nextDouble();
      row[j] = g < 0 ? u : (1 + (j % 3)) * latent[g]! + noise * (u - 0.5);
    }
    out.push(row);
  }
  return out;
}
