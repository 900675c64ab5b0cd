// MT19937 must reproduce numpy's RandomState(1234) stream exactly: KitNET's initial weights come from it.
import { expect } from 'chai';
import { MersenneTwister } from '../../src/kitnet/mt19937.js';
import { MT_RAW_1234, RANDOM_SAMPLE_1234, UNIFORM_1234 } from './reference-values.js';

describe('MersenneTwister (MT19937, numpy legacy seeding)', () => {
  it('gives the same 32-bit outputs as numpy, across two state regenerations', () => {
    const random = new MersenneTwister(1234);
    const outputs: number[] = [];
    for (let i = 0; i < 1300; i++) outputs.push(random.nextUint32());
    for (const [index, value] of MT_RAW_1234) expect(outputs[index], `output ${index}`).to.equal(value);
  });

  it('builds random_sample doubles from two outputs bit-exactly', () => {
    const random = new MersenneTwister(1234);
    const samples: number[] = [];
    for (let i = 0; i < 400; i++) samples.push(random.nextDouble());
    for (const [index, value] of RANDOM_SAMPLE_1234) expect(samples[index], `sample ${index}`).to.equal(value);
  });

  it('draws uniform(low, high) as numpy does', () => {
    const random = new MersenneTwister(1234);
    const drawn = UNIFORM_1234.map(() => random.uniform(-0.2, 0.2));
    expect(drawn).to.deep.equal(UNIFORM_1234);
  });

  it('depends on the seed', () => {
    expect(new MersenneTwister(1235).nextUint32()).to.not.equal(MT_RAW_1234[0]![1]);
  });
});
