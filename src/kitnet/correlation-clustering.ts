// The feature mapper (spec §4): incremental correlation statistics, correlation distance, single-linkage
// clustering built exactly like scipy 1.10.1's linkage/to_tree, and the top-down split into groups of ≤ m.
import { Matrix } from 'ml-matrix';

/** Guard KitNET-py puts in place of a zero product of standard deviations (a constant feature), §4.2. */
const ZERO_SPREAD_GUARD = 1e-100;

/** What to do with a non-finite correlation distance (possible when C/P overflows, §4.2). */
export type NonFiniteDistancePolicy = 'throw' | 'uncorrelated';

/** Thrown when the distance matrix holds NaN or ±∞ and the policy is 'throw' (scipy's linkage refuses it too). */
export class NonFiniteDistanceError extends Error {
  constructor(readonly row: number, readonly column: number) {
    super(`feature mapper: correlation distance between features ${row} and ${column} is not finite (feature scale overflowed)`);
    this.name = 'NonFiniteDistanceError';
  }
}

/**
 * Incremental correlation statistics of KitNET-py's corClust (§4.1), replicated exactly (it is not Welford):
 *   N ← N+1;  c ← c+x;  r ← x − c/N;  q ← q + r⊙r;  C ← C + r rᵀ.
 */
export class CorrelationFeatureMapper {
  readonly n: number;
  rows = 0;
  readonly sum: Float64Array;
  readonly residualSquares: Float64Array;
  /** n×n row-major Σ r rᵀ; only the upper triangle (j ≥ i) is kept, since r_i r_j = r_j r_i exactly */
  readonly residualProducts: Float64Array;
  private readonly residual: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.sum = new Float64Array(n);
    this.residualSquares = new Float64Array(n);
    this.residualProducts = new Float64Array(n * n);
    this.residual = new Float64Array(n);
  }

  /** Adds one row to the statistics. O(n²), no allocation. */
  update(x: ArrayLike<number>): void {
    const n = this.n;
    const { sum, residualSquares, residualProducts, residual } = this;
    this.rows += 1;
    const rows = this.rows;
    for (let i = 0; i < n; i++) {
      sum[i] = sum[i]! + x[i]!;
      const r = x[i]! - sum[i]! / rows;
      residual[i] = r;
      residualSquares[i] = residualSquares[i]! + r * r;
    }
    for (let i = 0; i < n; i++) {
      const ri = residual[i]!;
      const rowStart = i * n;
      for (let j = i; j < n; j++) residualProducts[rowStart + j] = residualProducts[rowStart + j]! + ri * residual[j]!;
    }
  }

  /**
   * Correlation distance D = max(0, 1 − C / (s sᵀ)) with s = √q, and s_i s_j = 0 replaced by 1e-100 (§4.2).
   * Built once per model with ml-matrix (not a hot path).
   */
  distanceMatrix(): Matrix {
    const n = this.n;
    const spread = Matrix.columnVector(Array.from(this.residualSquares, Math.sqrt));
    const spreadProduct = spread.mmul(spread.transpose());
    const products = Matrix.from1DArray(n, n, Array.from(this.residualProducts));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) products.set(i, j, products.get(j, i));
    const distance = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let p = spreadProduct.get(i, j);
        if (p === 0) p = ZERO_SPREAD_GUARD;
        const d = 1 - products.get(i, j) / p;
        distance.set(i, j, d < 0 ? 0 : d);
      }
    }
    return distance;
  }

  /** The strict upper triangle of the distance matrix in row-major order (scipy's condensed form). */
  condensedDistances(nonFinite: NonFiniteDistancePolicy = 'throw'): Float64Array {
    const n = this.n;
    const distance = this.distanceMatrix();
    const condensed = new Float64Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let d = distance.get(i, j);
        if (!Number.isFinite(d)) {
          if (nonFinite === 'throw') throw new NonFiniteDistanceError(i, j);
          d = 1;
        }
        condensed[k++] = d;
      }
    }
    return condensed;
  }

  /** The feature map: groups of feature indices, none larger than m (§4.3). */
  cluster(maxGroupSize: number, nonFinite: NonFiniteDistancePolicy = 'throw'): number[][] {
    if (this.n === 1) return [[0]];
    return splitDendrogram(singleLinkage(this.condensedDistances(nonFinite), this.n), this.n, maxGroupSize);
  }
}

/**
 * Single-linkage clustering of a condensed distance vector, as scipy's linkage(y, 'single') builds it (§4.4):
 * Prim's MST from node 0 (ties to the lowest index), a stable sort of the edges by distance, then a
 * union–find relabelling. Returns scipy's linkage matrix Z as (n−1) rows [left, right, distance, size].
 */
export function singleLinkage(condensed: ArrayLike<number>, n: number): number[][] {
  const edges: { from: number; to: number; distance: number }[] = [];
  const best = new Float64Array(n).fill(Infinity);
  const merged = new Uint8Array(n);
  const condensedIndex = (i: number, j: number): number => {
    const [a, b] = i < j ? [i, j] : [j, i];
    return n * a - (a * (a + 1)) / 2 + (b - a - 1);
  };
  let x = 0;
  for (let step = 0; step < n - 1; step++) {
    merged[x] = 1;
    let y = -1;
    let nearest = Infinity;
    for (let i = 0; i < n; i++) {
      if (merged[i]) continue;
      const d = condensed[condensedIndex(x, i)]!;
      if (best[i]! > d) best[i] = d;
      if (best[i]! < nearest) {
        nearest = best[i]!;
        y = i;
      }
    }
    if (y < 0) throw new NonFiniteDistanceError(x, x);
    edges.push({ from: x, to: y, distance: nearest });
    x = y;
  }
  // Array.prototype.sort is stable (ES2019), as scipy's mergesort argsort is
  edges.sort((a, b) => a.distance - b.distance);

  const parent = new Int32Array(2 * n - 1).map((_, i) => i);
  const size = new Int32Array(2 * n - 1).fill(1);
  const root = (node: number): number => {
    let r = node;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[node] !== r) {
      const next = parent[node]!;
      parent[node] = r;
      node = next;
    }
    return r;
  };
  return edges.map((edge, k) => {
    const ra = root(edge.from);
    const rb = root(edge.to);
    const cluster = n + k;
    parent[ra] = cluster;
    parent[rb] = cluster;
    size[cluster] = size[ra]! + size[rb]!;
    return [Math.min(ra, rb), Math.max(ra, rb), edge.distance, size[cluster]!];
  });
}

/**
 * Splits the dendrogram top-down (§4.3): a subtree with at most m' = min(max(m,1), n) leaves becomes one group,
 * listed in pre-order (left subtree first); a larger one is replaced by its left then right subtree.
 */
export function splitDendrogram(linkage: readonly (readonly number[])[], n: number, maxGroupSize: number): number[][] {
  const limit = Math.min(Math.max(Math.floor(maxGroupSize), 1), n);
  if (n === 1) return [[0]];
  const left = (node: number): number => linkage[node - n]![0]!;
  const right = (node: number): number => linkage[node - n]![1]!;
  const count = (node: number): number => (node < n ? 1 : linkage[node - n]![3]!);
  const preOrderLeaves = (top: number): number[] => {
    const leaves: number[] = [];
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node < n) leaves.push(node);
      else stack.push(right(node), left(node));
    }
    return leaves;
  };
  const groups: number[][] = [];
  const pending = [2 * n - 2];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (count(node) <= limit) groups.push(preOrderLeaves(node));
    else pending.push(right(node), left(node));
  }
  return groups;
}
