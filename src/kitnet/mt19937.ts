// MT19937 Mersenne Twister, seeded like numpy's legacy RandomState(seed), so weight initialisation
// matches KitNET-py value for value (spec §5.2). Written from Matsumoto & Nishimura (1998).

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The 32-bit Mersenne Twister generator with numpy's `random_sample` double construction. */
export class MersenneTwister {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** Seeds with `init_genrand(seed)`: mt[0] = seed, mt[i] = 1812433253·(mt[i−1] ⊕ (mt[i−1] ≫ 30)) + i mod 2³². */
  constructor(seed: number) {
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const previous = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // Math.imul keeps the product exact modulo 2³² (a plain * would lose low bits past 2⁵³)
      mt[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
    this.index = N;
  }

  /** The next 32-bit output (`genrand_int32`), as an unsigned integer. */
  nextUint32(): number {
    const mt = this.state;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & UPPER_MASK) | (mt[(k + 1) % N]! & LOWER_MASK);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: ((g₁ ≫ 5)·2²⁶ + (g₂ ≫ 6)) / 2⁵³, numpy's `random_sample`. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** numpy's `uniform(low, high)`: low + (high − low)·u. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextDouble();
  }
}
