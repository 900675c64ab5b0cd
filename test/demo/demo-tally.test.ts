// The demo's tally of the live loop: per-stream counts, anomaly ranking across streams, host risk.
import { expect } from 'chai';
import { DemoTally } from '../../src/demo/demo-tally.js';
import { emptyOutcome, type BatchOutcome } from '../../src/pipeline/live-batch.js';
import type { ScoredRecord } from '../../src/pipeline/record-scorer.js';
import type { LogStream } from '../../src/zeek/record.js';

function anomaly(stream: LogStream, uid: string, origH: string, score: number, threshold: number, ts = 100): ScoredRecord {
  return {
    ts, uid, stream, origH, origP: 1, respH: '10.0.0.1', respP: 80, proto: 'tcp', score, threshold,
    probability: 1e-6, anomalous: true, top: [], model: 'm',
  };
}

function outcome(scored: number, anomalies: ScoredRecord[], invalid: Record<string, number> = {}): BatchOutcome {
  return { ...emptyOutcome(), scored, anomalies, invalid };
}

describe('DemoTally', () => {
  it('counts scored records and anomalies per stream, and invalid records', () => {
    const tally = new DemoTally();
    tally.batchScored('conn', outcome(50, [anomaly('conn', 'C1', '10.0.0.9', 2, 1)]));
    tally.batchScored('dns', outcome(20, [], { 'bad-json': 2 }));
    tally.batchScored('conn', outcome(30, []));
    expect(tally.scoredByStream.get('conn')).to.equal(80);
    expect(tally.scoredByStream.get('dns')).to.equal(20);
    expect(tally.scored).to.equal(100);
    expect(tally.anomaliesByStream.get('conn')).to.equal(1);
    expect(tally.invalidRecords).to.equal(2);
  });

  it('ranks anomalies by score over threshold, at most perSource per stream and originator', () => {
    const tally = new DemoTally();
    tally.batchScored('conn', outcome(4, [
      anomaly('conn', 'C1', '10.0.0.9', 0.9, 0.1), anomaly('conn', 'C2', '10.0.0.9', 0.8, 0.1), anomaly('conn', 'C3', '10.0.0.9', 0.7, 0.1),
      anomaly('conn', 'C4', '10.0.0.8', 0.2, 0.1),
    ]));
    // a higher raw score but a smaller multiple of its threshold ranks lower
    tally.batchScored('ssh', outcome(1, [anomaly('ssh', 'C5', '10.0.0.9', 1.5, 0.5)]));
    expect(tally.topAnomalies(10, 2).map((a) => a.uid)).to.deep.equal(['C1', 'C2', 'C5', 'C4']);
    expect(tally.topAnomalies(2, 2).map((a) => a.uid)).to.deep.equal(['C1', 'C2']);
  });

  it('tracks host risk in both roles on record time, decaying with the half-life', () => {
    const tally = new DemoTally(60);
    tally.batchScored('conn', outcome(2, [anomaly('conn', 'C1', '10.0.0.9', 2, 1, 100), anomaly('conn', 'C2', '10.0.0.9', 10, 1, 100)]));
    // 2× threshold adds 2, 10× is capped at 4
    expect(tally.topHosts(5)).to.deep.equal([
      { host: '10.0.0.9', role: 'originator', risk: 6 },
      { host: '10.0.0.1', role: 'responder', risk: 6 },
    ]);
    tally.batchScored('conn', outcome(1, [anomaly('conn', 'C3', '10.0.0.7', 1, 1, 160)]));
    const risks = new Map(tally.topHosts(5).map((h) => [`${h.role} ${h.host}`, h.risk]));
    expect(risks.get('originator 10.0.0.9')).to.be.closeTo(3, 1e-9);
    expect(risks.get('originator 10.0.0.7')).to.equal(1);
  });
});
