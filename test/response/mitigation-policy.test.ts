import { expect } from 'chai';
import { MitigationPolicy, riskOfAnomaly } from '../../src/response/mitigation-policy.js';
import type { ScoredRecord } from '../../src/pipeline/record-scorer.js';

function anomaly(origH: string, ts: number, score = 2, respH = '10.1.1.1'): ScoredRecord {
  return {
    ts, uid: `C${ts}`, stream: 'conn', origH, origP: 40000, respH, respP: 22, proto: 'tcp',
    score, threshold: 1, probability: 1e-6, anomalous: true, top: [], model: 'm',
  };
}

describe('MitigationPolicy', () => {
  const live = { enabled: true, dryRun: false, level: 8, releaseLevel: 2 };

  it('asks for one block when an originator crosses the level, then holds (hysteresis)', () => {
    const policy = new MitigationPolicy(live);
    const decisions = [];
    for (let i = 0; i < 20; i++) decisions.push(...policy.observe(anomaly('203.0.113.5', 1000 + i, 2)));
    const blocks = decisions.filter((d) => d.action === 'mitigate');
    expect(blocks).to.have.length(1);
    expect(blocks[0]).to.include({ host: '203.0.113.5', role: 'originator' });
    expect(policy.stats.sent).to.equal(1);
  });

  it('blocks again only after the host has calmed down below the release level', () => {
    const policy = new MitigationPolicy({ ...live, risk: { halfLifeSeconds: 60 } });
    for (let i = 0; i < 5; i++) policy.observe(anomaly('h', i, 4));
    expect(policy.stats.sent).to.equal(1);
    // 16 half-lives later the host has calmed down; it comes back and is blocked again
    for (let i = 0; i < 5; i++) policy.observe(anomaly('h', 1000 + i, 4));
    expect(policy.stats.sent).to.equal(2);
  });

  it('never blocks responders unless asked: victims are not punished', () => {
    const policy = new MitigationPolicy(live);
    for (let i = 0; i < 20; i++) policy.observe(anomaly(`198.51.100.${i}`, i, 4, '10.0.0.7'));
    expect(policy.risks.risk('10.0.0.7', 'responder', 19)).to.be.greaterThan(8);
    expect(policy.stats.requested).to.equal(0);
    const both = new MitigationPolicy({ ...live, blockResponders: true });
    for (let i = 0; i < 20; i++) both.observe(anomaly(`198.51.100.${i}`, i, 4, '10.0.0.7'));
    expect(both.stats.sent).to.equal(1);
  });

  it('refuses addresses in never-block, IPv4 and IPv6', () => {
    const policy = new MitigationPolicy({ ...live, neverBlock: ['10.0.0.0/8', '2001:db8::/32'] });
    const out = [];
    for (let i = 0; i < 5; i++) out.push(...policy.observe(anomaly('10.2.3.4', i, 4)), ...policy.observe(anomaly('2001:db8::1', i, 4)));
    expect(out.map((d) => d.action === 'refused' && d.why)).to.deep.equal(['never-block', 'never-block']);
    expect(policy.stats.sent).to.equal(0);
  });

  it('is dry-run by default: the decision is reported but nothing is sent', () => {
    const policy = new MitigationPolicy({ enabled: true });
    const out = [];
    for (let i = 0; i < 5; i++) out.push(...policy.observe(anomaly('h', i, 4)));
    expect(out).to.have.length(1);
    expect(out[0]).to.include({ action: 'refused', why: 'dry-run' });
    expect(policy.stats.sent).to.equal(0);
  });

  it('limits blocks per minute of wall-clock time and counts the refusals', () => {
    let now = 0;
    const policy = new MitigationPolicy({ ...live, maxBlocksPerMinute: 2 }, () => now);
    for (let h = 0; h < 4; h++) for (let i = 0; i < 3; i++) policy.observe(anomaly(`h${h}`, i, 4));
    expect(policy.stats.sent).to.equal(2);
    expect(policy.stats.refused['rate-limit']).to.equal(2);
    now = 61_000;
    for (let i = 0; i < 3; i++) policy.observe(anomaly('h9', i, 4));
    expect(policy.stats.sent).to.equal(3);
  });

  it('does not block on a lone anomaly, however extreme', () => {
    const policy = new MitigationPolicy(live);
    expect(policy.observe(anomaly('h', 0, 1e9))).to.deep.equal([]);
    expect(riskOfAnomaly(1e9, 1)).to.equal(4);
  });

  it('ignores records that are not anomalous', () => {
    const policy = new MitigationPolicy(live);
    const benign = { ...anomaly('h', 0, 0.1), anomalous: false };
    for (let i = 0; i < 100; i++) policy.observe(benign);
    expect(policy.risks.size).to.equal(0);
  });
});
