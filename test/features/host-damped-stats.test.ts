// The numeric building blocks of host context: decay, damped moments, sliding distinct counts,
// hashing, and DNS name entropy (case folded, as host context uses it) / registered domain.
import { expect } from 'chai';
import { dampedMean, dampedRatePerSecond, dampedStd, decayFactor, windowLabel } from '../../src/features/damped-stats.js';
import { clearDistinct, DISTINCT_WINDOW_STATE, estimateDistinct, linearCountingEstimate, markDistinct } from '../../src/features/damped-distinct.js';
import { hashInteger, hashText, hashTextRange } from '../../src/features/host-hash.js';
import { nameEnd, registeredDomainStart } from '../../src/features/host-dns-name.js';
import { characterEntropy } from '../../src/features/transforms.js';

describe('damped statistics', () => {
  it('decays by 2^(−Δt/h), and not at all for Δt ≤ 0 or NaN', () => {
    expect(decayFactor(60, 60)).to.be.closeTo(0.5, 1e-15);
    expect(decayFactor(60, 180)).to.be.closeTo(0.125, 1e-15);
    expect(decayFactor(10, 3.7)).to.be.closeTo(2 ** (-3.7 / 10), 1e-15);
    expect(decayFactor(60, 0)).to.equal(1);
    expect(decayFactor(60, -5)).to.equal(1);
    expect(decayFactor(60, Number.NaN)).to.equal(1);
  });

  it('recovers a steady rate from its damped count', () => {
    // a record every second for a long time: w = Σ 2^(−i/h) = 1/(1 − 2^(−1/h))
    const h = 60;
    let w = 0;
    for (let i = 0; i < 5000; i++) w = w * decayFactor(h, 1) + 1;
    expect(dampedRatePerSecond(w, h)).to.be.closeTo(1, 0.01);
  });

  it('reads mean and standard deviation from damped sums', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const L = xs.reduce((a, x) => a + x, 0);
    const Q = xs.reduce((a, x) => a + x * x, 0);
    expect(dampedMean(xs.length, L)).to.equal(5);
    expect(dampedStd(xs.length, L, Q)).to.be.closeTo(2, 1e-12);
    expect(dampedMean(0, 0)).to.equal(0);
    expect(dampedStd(0, 0, 0)).to.equal(0);
    expect(dampedStd(3, 3, 3 - 1e-15)).to.equal(0); // rounding never gives NaN
  });

  it('labels windows by their half-life', () => {
    expect(windowLabel(10)).to.deep.equal({ label: '10s', span: '10 seconds', last: '10 seconds' });
    expect(windowLabel(60)).to.deep.equal({ label: '1m', span: '1 minute', last: 'minute' });
    expect(windowLabel(600).label).to.equal('10m');
    expect(windowLabel(3600)).to.deep.equal({ label: '1h', span: '1 hour', last: 'hour' });
    expect(windowLabel(2.5).label).to.equal('2p5s');
  });
});

describe('sliding distinct counts (linear counting with last-hit times)', () => {
  const B = 64;
  const windows = Float64Array.from([10, 60, 600]);

  /** One sketch with its window state, as the host-context block keeps per host. */
  function sketch() {
    const buckets = new Float32Array(B);
    const state = new Float64Array(windows.length * DISTINCT_WINDOW_STATE);
    clearDistinct(buckets, 0, B, state, 0, windows.length);
    return {
      buckets,
      mark: (key: number, time: number) => markDistinct(buckets, 0, B, state, 0, windows.length, key, time),
      estimates: (now: number): number[] => {
        const out = new Float64Array(windows.length);
        estimateDistinct(buckets, 0, B, state, 0, windows, now, out, 0);
        return [...out];
      },
    };
  }

  it('stays within 3 documented standard errors (+1 for one collision) over 20 trials', () => {
    for (const n of [1, 5, 20, 64]) {
      const t = n / B;
      const tolerance = 1 + 3 * Math.sqrt(B * (Math.exp(t) - t - 1)); // √(B(e^t − t − 1)) = SE·n

      let worst = 0;
      for (let trial = 0; trial < 20; trial++) {
        const counter = sketch();
        for (let i = 0; i < n; i++) counter.mark(hashText(`10.${trial}.0.${i}`), 0);
        worst = Math.max(worst, Math.abs(counter.estimates(0)[0]! - n));
      }
      expect(worst, `n=${n}`).to.be.at.most(tolerance);
    }
  });

  it('counts a key only in windows that reach back to its last hit', () => {
    const counter = sketch();
    counter.mark(hashInteger(1), 0);
    expect(counter.estimates(0)).to.deep.equal([1, 1, 1].map((n) => linearCountingEstimate(B, B - n)));
    counter.mark(hashInteger(2), 100);
    counter.mark(hashInteger(3), 195);
    const [w10, w60, w600] = counter.estimates(200);
    expect(w10).to.be.closeTo(1, 0.01);
    expect(w60).to.be.closeTo(1, 0.01);
    expect(w600).to.be.closeTo(3, 0.1);
    expect(counter.estimates(10_000)).to.deep.equal([0, 0, 0]);
  });

  it('agrees with a full rescan at every step of a long random stream', () => {
    const counter = sketch();
    let seed = 1;
    let now = 0;
    for (let step = 0; step < 3000; step++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      now += (seed % 1000) / 100; // 0–10 s apart
      counter.mark(hashInteger(seed % 150), now);
      const expected = [...windows].map((w) => {
        let hit = 0;
        for (const t of counter.buckets) if (t >= now - w) hit++;
        return linearCountingEstimate(B, B - hit);
      });
      expect(counter.estimates(now), `step ${step}`).to.deep.equal(expected);
    }
  });

  it('refreshes a bucket only forwards in time', () => {
    const counter = sketch();
    counter.mark(7, 100);
    counter.mark(7, 20);
    expect(counter.buckets[7]).to.equal(100);
  });

  it('saturates at B·ln(2B) instead of infinity when every bucket is hit', () => {
    const counter = sketch();
    for (let b = 0; b < B; b++) counter.mark(b, 0);
    expect(counter.estimates(0)[0]).to.be.closeTo(B * Math.log(2 * B), 1e-9);
    expect(linearCountingEstimate(B, B)).to.equal(0);
  });
});

describe('hashes', () => {
  it('folds case, hashes ranges like whole strings, and spreads nearby inputs', () => {
    expect(hashText('Example.COM')).to.equal(hashText('example.com'));
    expect(hashTextRange('www.example.com', 4, 15)).to.equal(hashText('example.com'));
    const buckets = new Set<number>();
    for (let port = 1; port <= 64; port++) buckets.add(hashInteger(port) % 64);
    expect(buckets.size).to.be.greaterThan(30); // consecutive ports do not pile into few buckets
  });
});

describe('DNS names', () => {
  it('gives random labels high character entropy and plain names low', () => {
    expect(characterEntropy('', true)).to.equal(0);
    expect(characterEntropy('aaaa', true)).to.equal(0);
    expect(characterEntropy('abcd', true)).to.be.closeTo(2, 1e-12);
    expect(characterEntropy('ABcd', true)).to.be.closeTo(2, 1e-12);
    expect(characterEntropy('147901b8d3df9cc46c59d600078b3316ce.biillpi.com', true)).to.be.greaterThan(3.8);
    expect(characterEntropy('www.google.com', true)).to.be.below(3);
    // state does not leak between calls
    expect(characterEntropy('abcd', true)).to.be.closeTo(2, 1e-12);
  });

  it('finds the registered domain, with country second levels', () => {
    const domain = (name: string) => name.slice(registeredDomainStart(name, nameEnd(name)), nameEnd(name));
    expect(domain('a.b.example.com')).to.equal('example.com');
    expect(domain('a.b.example.com.')).to.equal('example.com');
    expect(domain('news.bbc.co.uk')).to.equal('bbc.co.uk');
    expect(domain('example.com')).to.equal('example.com');
    expect(domain('localhost')).to.equal('localhost');
    expect(domain('1.1.168.192.in-addr.arpa')).to.equal('in-addr.arpa');
  });
});
