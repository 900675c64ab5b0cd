// Ground-truth summary: flagged records per label and stream, the episode's originator and what happened to it.
import { expect } from 'chai';
import { summarizeAgainstLabels } from '../../src/demo/attack-summary.js';
import type { ObservedMitigation } from '../../src/demo/demo-tally.js';
import type { ScoredRecord } from '../../src/pipeline/record-scorer.js';
import type { NetControlAction } from '../../src/replay/zeek-package-model.js';
import type { LogEntry, LogStream } from '../../src/zeek/record.js';

function entry(stream: LogStream, uid: string, origH: string): LogEntry {
  return { stream, record: { ts: 1, uid, 'id.orig_h': origH, 'id.resp_h': '10.0.0.1' }, source: { file: 'x', line: 1 } };
}

function anomaly(stream: LogStream, uid: string, origH: string): ScoredRecord {
  return {
    ts: 1, uid, stream, origH, origP: 1, respH: '10.0.0.1', respP: 80, proto: 'tcp', score: 2, threshold: 1,
    probability: 1e-6, anomalous: true, top: [], model: 'm',
  };
}

describe('summarizeAgainstLabels', () => {
  const labels = new Map([['Ca', 'scan'], ['Cb', 'scan'], ['Cc', 'scan'], ['Cd', 'tunnel'], ['Ce', 'guess']]);
  const replayed = [
    entry('conn', 'Ca', '10.0.0.9'), entry('conn', 'Cb', '10.0.0.9'), entry('conn', 'Cc', '10.0.0.8'),
    // one uid, many DNS records: each record counts
    entry('conn', 'Cd', '10.0.0.7'), entry('dns', 'Cd', '10.0.0.7'), entry('dns', 'Cd', '10.0.0.7'), entry('dns', 'Cd', '10.0.0.7'),
    entry('ssh', 'Ce', '198.51.100.4'),
    entry('conn', 'Cx', '10.0.0.5'), entry('conn', 'Cy', '10.0.0.5'),
  ];
  const anomalies = [
    anomaly('conn', 'Ca', '10.0.0.9'), anomaly('conn', 'Cb', '10.0.0.9'),
    anomaly('dns', 'Cd', '10.0.0.7'), anomaly('dns', 'Cd', '10.0.0.7'),
    anomaly('conn', 'Cx', '10.0.0.5'),
  ];
  const netControl: NetControlAction[] = [
    { ts: 1, action: 'drop_address_catch_release', entity: '10.0.0.9/32', expire: 600, location: 'why', score: 2 },
    { ts: 1, action: 'refused', entity: '10.0.0.7/32', reason: 'address in AutoZeekWatch::never_block', location: 'why' },
  ];
  const mitigations: ObservedMitigation[] = [
    { sent: false, decision: { action: 'refused', host: '198.51.100.4', role: 'originator', risk: 9, score: 2, why: 'rate-limit', reason: 'r' } },
  ];
  const summary = summarizeAgainstLabels(replayed, labels, anomalies, netControl, mitigations);
  const byLabel = new Map(summary.attacks.map((a) => [a.label, a]));

  it('counts records and flagged records per label and per stream', () => {
    expect(byLabel.get('scan')).to.include({ records: 3, flagged: 2 });
    const tunnel = byLabel.get('tunnel')!;
    expect(tunnel).to.include({ records: 4, flagged: 2 });
    expect([...tunnel.byStream]).to.deep.equal([['conn', { records: 1, flagged: 0 }], ['dns', { records: 3, flagged: 2 }]]);
  });

  it('takes the originator of most of the episode and reports what happened to it', () => {
    expect(byLabel.get('scan')).to.include({ originator: '10.0.0.9', blocked: true, originatorFate: 'blocked by NetControl (drop_address_catch_release, 600 s)' });
    expect(byLabel.get('tunnel')).to.include({ originator: '10.0.0.7', blocked: false });
    expect(byLabel.get('tunnel')!.originatorFate).to.equal('block refused by Zeek: address in AutoZeekWatch::never_block');
    expect(byLabel.get('guess')!.originatorFate).to.equal('block refused by the sidecar: rate-limit');
  });

  it('counts unlabelled records as benign and their anomalies as false alarms', () => {
    expect(summary.benignRecords).to.equal(2);
    expect(summary.falseAlarms).to.equal(1);
  });

  it('says "not blocked" for an originator nobody acted on', () => {
    const none = summarizeAgainstLabels([entry('conn', 'Ca', '10.0.0.9')], labels, [], [], []);
    expect(none.attacks[0]).to.include({ originator: '10.0.0.9', blocked: false, originatorFate: 'not blocked' });
  });
});
