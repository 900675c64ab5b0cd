// The autoencoder: sizes and initialisation (§5.1–5.2), the SGD step as the cross-entropy gradient (§5.4),
// the scalar-mean bias bug of the reference, and the improved mode's range floor and soft clip.
import { expect } from 'chai';
import { Autoencoder, hiddenSize, softClip, type AutoencoderBehaviour } from '../../src/kitnet/autoencoder.js';
import { MersenneTwister } from '../../src/kitnet/mt19937.js';

const PER_UNIT: AutoencoderBehaviour = { biasUpdate: 'per-unit', rangeFloor: true, softClip: true, sigmoid: 'table' };
const REFERENCE: AutoencoderBehaviour = { biasUpdate: 'scalar-mean', rangeFloor: false, softClip: false, sigmoid: 'exact' };

/** Cross-entropy reconstruction loss of x (already in [0,1]) for the given parameters, written independently. */
function crossEntropy(x: number[], w: Float64Array, hb: Float64Array, vb: Float64Array, nv: number, nh: number): number {
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  const y = Array.from({ length: nh }, (_, j) => sig(x.reduce((s, xi, i) => s + xi * w[i * nh + j]!, 0) + hb[j]!));
  let loss = 0;
  for (let i = 0; i < nv; i++) {
    const z = sig(y.reduce((s, yj, j) => s + yj * w[i * nh + j]!, 0) + vb[i]!);
    loss -= x[i]! * Math.log(z) + (1 - x[i]!) * Math.log(1 - z);
  }
  return loss;
}

/** An autoencoder whose lo/hi are exactly 0 and 1 per input, so x̂ = x for inputs in [0, 1]. */
function unitRangeAutoencoder(nv: number, behaviour: AutoencoderBehaviour, lr: number): Autoencoder {
  const ae = Autoencoder.create(nv, 0.75, lr, behaviour);
  ae.input.fill(0);
  ae.train();
  ae.input.fill(1);
  ae.train();
  // move away from the symmetric start so every gradient component is exercised
  const random = new MersenneTwister(99);
  for (let k = 0; k < ae.weights.length; k++) ae.weights[k] = ae.weights[k]! + 0.5 * (random.nextDouble() - 0.5);
  for (let j = 0; j < ae.hidden; j++) ae.hiddenBias[j] = random.nextDouble() - 0.5;
  for (let i = 0; i < nv; i++) ae.visibleBias[i] = random.nextDouble() - 0.5;
  return ae;
}

describe('Autoencoder', () => {
  it('has n_h = ⌈0.75·n_v⌉ hidden units (§5.1)', () => {
    const expected: [number, number][] = [[1, 1], [2, 2], [3, 3], [4, 3], [5, 4], [6, 5], [8, 6], [10, 8], [12, 9]];
    for (const [visible, hidden] of expected) expect(hiddenSize(visible, 0.75), `n_v=${visible}`).to.equal(hidden);
  });

  it('initialises W from a fresh RandomState(1234) as uniform(−1/n_v, 1/n_v), row-major, zero biases', () => {
    const ae = Autoencoder.create(4, 0.75, 0.1, REFERENCE);
    const random = new MersenneTwister(1234);
    const expected = Array.from({ length: 12 }, () => random.uniform(-0.25, 0.25));
    expect(Array.from(ae.weights)).to.deep.equal(expected);
    expect(Array.from(ae.hiddenBias)).to.deep.equal([0, 0, 0]);
    expect(Array.from(Autoencoder.create(4, 0.75, 0.1, PER_UNIT).weights)).to.deep.equal(expected);
    expect(Array.from(ae.lo)).to.deep.equal([Infinity, Infinity, Infinity, Infinity]);
  });

  it('moves W and every bias by −lr × the finite-difference gradient of the cross-entropy loss (§5.4)', () => {
    const nv = 5;
    const lr = 0.1;
    const ae = unitRangeAutoencoder(nv, PER_UNIT, lr);
    const nh = ae.hidden;
    const x = [0.2, 0.9, 0.55, 0.05, 0.7];
    const w0 = Float64Array.from(ae.weights);
    const hb0 = Float64Array.from(ae.hiddenBias);
    const vb0 = Float64Array.from(ae.visibleBias);
    ae.input.set(x);
    ae.train();
    const h = 1e-6;
    const numericGradient = (params: Float64Array, k: number): number => {
      const plus = Float64Array.from(params);
      const minus = Float64Array.from(params);
      plus[k] = plus[k]! + h;
      minus[k] = minus[k]! - h;
      const pick = (p: Float64Array) =>
        params === w0 ? crossEntropy(x, p, hb0, vb0, nv, nh) : params === hb0 ? crossEntropy(x, w0, p, vb0, nv, nh) : crossEntropy(x, w0, hb0, p, nv, nh);
      return (pick(plus) - pick(minus)) / (2 * h);
    };
    for (let k = 0; k < w0.length; k++) {
      expect((ae.weights[k]! - w0[k]!) / lr, `W[${k}]`).to.be.closeTo(-numericGradient(w0, k), 1e-6);
    }
    for (let j = 0; j < nh; j++) expect((ae.hiddenBias[j]! - hb0[j]!) / lr, `h_b[${j}]`).to.be.closeTo(-numericGradient(hb0, j), 1e-6);
    for (let i = 0; i < nv; i++) expect((ae.visibleBias[i]! - vb0[i]!) / lr, `v_b[${i}]`).to.be.closeTo(-numericGradient(vb0, i), 1e-6);
  });

  it('in reference mode moves each bias vector by the mean of its gradient, so its entries stay equal', () => {
    const ae = Autoencoder.create(4, 0.75, 0.1, REFERENCE);
    const random = new MersenneTwister(3);
    for (let t = 0; t < 50; t++) {
      for (let i = 0; i < 4; i++) ae.input[i] = random.nextDouble() * (i + 1);
      ae.train();
    }
    expect(new Set(ae.hiddenBias).size).to.equal(1);
    expect(new Set(ae.visibleBias).size).to.equal(1);
    expect(ae.hiddenBias[0]).to.not.equal(0);
  });

  it('returns the RMSE of the reconstruction error before its update, and execute does not learn', () => {
    const ae = unitRangeAutoencoder(3, PER_UNIT, 0.1);
    ae.input.set([0.3, 0.6, 0.9]);
    const before = ae.execute();
    const weights = Float64Array.from(ae.weights);
    expect(ae.execute()).to.equal(before);
    expect(Array.from(ae.weights)).to.deep.equal(Array.from(weights));
    expect(ae.train()).to.equal(before);
    expect(ae.execute()).to.be.lessThan(before);
  });

  it('reference mode divides by hi − lo + 1e-16, so a constant training feature explodes at scoring', () => {
    const reference = Autoencoder.create(2, 0.75, 0.1, REFERENCE);
    const improved = Autoencoder.create(2, 0.75, 0.1, PER_UNIT);
    for (const ae of [reference, improved]) {
      for (let t = 0; t < 20; t++) {
        ae.input.set([t / 20, 5]);
        ae.train();
      }
      ae.input.set([0.5, 5.001]);
      ae.execute();
    }
    expect(reference.normalised[1]).to.be.greaterThan(1e12);
    // improved: floor 1e-6·5 makes x̂ = 200 before the clip, 1 + ln 200 after
    expect(improved.normalised[1]).to.be.closeTo(1 + Math.log(0.001 / 5e-6), 1e-6);
  });

  it('softClip is the identity on [0, 1], logarithmic outside, monotone and finite', () => {
    expect(softClip(0.25)).to.equal(0.25);
    expect(softClip(1)).to.equal(1);
    expect(softClip(0)).to.equal(0);
    expect(softClip(Math.E)).to.be.closeTo(2, 1e-15);
    expect(softClip(-(Math.E - 1))).to.be.closeTo(-1, 1e-15);
    expect(softClip(1e16)).to.be.lessThan(40);
    expect(softClip(Infinity)).to.be.lessThan(711);
    expect(softClip(-Infinity)).to.be.greaterThan(-711);
    expect(softClip(NaN)).to.equal(0.5);
    const grid = [-1e9, -5, -1, -0.5, 0, 0.5, 1, 1.5, 10, 1e9];
    for (let k = 1; k < grid.length; k++) expect(softClip(grid[k]!)).to.be.greaterThan(softClip(grid[k - 1]!));
  });
});
