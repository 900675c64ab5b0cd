// The packed forms the scoring pool sends between threads give back exactly what was packed.
import { expect } from 'chai';
import { packAnomalies, packRecords, packStrings, unpackAnomalies, unpackRecords, unpackStrings } from '../../src/pipeline/batch-transfer.js';
import type { ScoredRecord } from '../../src/pipeline/record-scorer.js';

function anomaly(overrides: Partial<ScoredRecord> = {}): ScoredRecord {
  return {
    ts: 1710261005.875508, uid: 'CwnjT7aDYNeWm6RupA', stream: 'conn', origH: '10.20.10.51', origP: 61128,
    respH: '2001:db8::1', respP: 53, proto: 'udp', score: 0.3141592653589793, threshold: 0.1, probability: 1.5e-7,
    anomalous: true, model: 'conn-1a2b3c',
    top: [
      { feature: 'conn.duration', says: 'duration 3500 s, typical 0–2 s', error: 4.25 },
      { feature: 'conn.host.distinct_resp_ports_1m', says: 'ports «412» in a minute', error: 0.5 },
    ],
    ...overrides,
  };
}

describe('batch-transfer', () => {
  it('round-trips record strings, including empty ones, newlines and text outside the BMP', () => {
    const records = ['{"uid":"C1"}', '', '{"q":"line\nbreak"}', '{"emoji":"😀 é"}', '{"uid":"C5"}'];
    const packed = packRecords(records);
    expect(packed.lengths).to.have.length(5);
    expect(unpackRecords(packed)).to.deep.equal(records);
  });

  it('tells a null string from an empty one', () => {
    const strings = [null, '', 'a', null, 'bc'];
    expect(unpackStrings(packStrings(strings))).to.deep.equal(strings);
  });

  it('round-trips anomalies field by field, nulls and NaN included', () => {
    const anomalies = [
      anomaly(),
      anomaly({ ts: null, uid: null, origH: null, origP: null, respH: null, respP: null, top: [], stream: 'dns', proto: 'icmp' }),
      anomaly({ score: Number.POSITIVE_INFINITY, probability: Number.NaN, origP: 0, respP: 0, ts: 0, uid: '' }),
    ];
    const back = unpackAnomalies(packAnomalies(anomalies));
    expect(back).to.have.length(3);
    expect(back[0]).to.deep.equal(anomalies[0]);
    expect(back[1]).to.deep.equal(anomalies[1]);
    // deep.equal treats NaN as equal to NaN, and 0 must stay 0 (not null)
    expect(back[2]).to.deep.equal(anomalies[2]);
    expect(back[2]!.origP).to.equal(0);
    expect(back[2]!.uid).to.equal('');
  });

  it('packs no anomalies as an empty pack', () => {
    const packed = packAnomalies([]);
    expect(packed.count).to.equal(0);
    expect(unpackAnomalies(packed)).to.deep.equal([]);
  });
});
