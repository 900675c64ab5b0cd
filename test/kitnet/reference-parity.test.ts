// reference: 'kitnet-py' against the pinned V1 run of test/reference/kitnet_v1.py: same map, scores within 1e-9.
import { expect } from 'chai';
import { KitNET } from '../../src/kitnet/index.js';
import { PINNED_CASE } from './reference-values.js';
import { pinnedPlantedMatrix } from './synthetic-data.js';

function expectRelativelyClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  expect(actual.length, `${what} length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const relative = Math.abs(actual[i]! - e) / Math.max(Math.abs(e), 1e-300);
    expect(relative, `${what}[${i}]: ${actual[i]} vs ${e}`).to.be.at.most(tolerance);
  }
}

describe('KitNET reference mode (KitNET-py V1 parity)', () => {
  const c = PINNED_CASE;
  const matrix = pinnedPlantedMatrix(c.rows, c.n, c.seed);
  const run = () => {
    const kitnet = new KitNET(c.n, { reference: 'kitnet-py', fmGrace: c.fmGrace, adGrace: c.adGrace, maxAutoencoderSize: c.maxAutoencoderSize });
    const scores = matrix.map((row) => kitnet.process(row));
    return { kitnet, scores };
  };

  it('rebuilds the same input matrix bit for bit', () => {
    for (const [t, j, value] of c.matrixChecks) expect(matrix[t]![j]).to.equal(value);
  });

  it('learns exactly the reference feature map, group for group and index for index', () => {
    expect(run().kitnet.featureMap()).to.deep.equal(c.featureMap);
  });

  it('gives the reference scores to a relative 1e-9 and the first score at the same row', () => {
    const { scores } = run();
    expect(scores.findIndex((s) => s !== 0)).to.equal(c.firstScoreIndex);
    expectRelativelyClose(scores.slice(c.fmGrace + c.adGrace + 1), c.scores, 1e-9, 'score');
  });

  it('ends training with the reference weights, biases and output normalisation', () => {
    const state = run().kitnet.toState();
    expectRelativelyClose(state.ensemble[0]!.weights, c.ensemble0Weights, 1e-9, 'ensemble[0].W');
    expectRelativelyClose(state.ensemble[0]!.hiddenBias, c.ensemble0HiddenBias, 1e-9, 'ensemble[0].h_b');
    expectRelativelyClose(state.output!.weights, c.outputWeights, 1e-9, 'output.W');
    expectRelativelyClose(state.output!.visibleBias, c.outputVisibleBias, 1e-9, 'output.v_b');
    expectRelativelyClose(state.output!.lo, c.outputLo, 1e-9, 'output.lo');
    expectRelativelyClose(state.output!.hi, c.outputHi, 1e-9, 'output.hi');
  });

  it('differs from the improved default on the same input (the modes are really different)', () => {
    const improved = new KitNET(c.n, { fmGrace: c.fmGrace, adGrace: c.adGrace, maxAutoencoderSize: c.maxAutoencoderSize });
    const scores = matrix.map((row) => improved.process(row));
    expect(improved.featureMap()).to.deep.equal(c.featureMap);
    expect(scores[c.rows - 1]).to.not.be.closeTo(c.scores[c.scores.length - 1]!, 1e-6);
  });
});
