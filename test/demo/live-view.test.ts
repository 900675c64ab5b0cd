// The live view: what the block and the progress line say, and that redraws overwrite the previous block.
import { expect } from 'chai';
import { LiveView, renderLiveBlock, renderProgressLine, type LiveSnapshot } from '../../src/demo/live-view.js';

function snapshot(overrides: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    published: 500, total: 1000,
    scoredByStream: new Map([['conn', 300], ['dns', 150], ['http', 50], ['ssh', 0], ['ssl', 0]]),
    anomalies: 42, notices: 3, suppressedNotices: 39, blocks: 1, refusals: 1,
    topHosts: [
      { host: '10.20.10.26', role: 'originator', risk: 25.25 },
      { host: '10.20.0.80', role: 'responder', risk: 12 },
      { host: '10.20.10.30', role: 'originator', risk: 1 },
    ],
    blockedHosts: new Set(['10.20.10.26']),
    refusedHosts: new Map([['10.20.0.80', 'never-block']]),
    networkTime: 1_710_261_000,
    ...overrides,
  };
}

describe('live view', () => {
  it('shows per-stream counts, totals and the riskiest hosts with their fate', () => {
    const lines = renderLiveBlock(snapshot(), 312.4);
    expect(lines[0]).to.contain('network time 2024-03-12 16:30:00Z').and.contain('replayed 500/1000').and.contain('312 records/s');
    expect(lines[1]).to.equal('scored      conn 300  dns 150  http 50  ssh 0  ssl 0');
    expect(lines[2]).to.contain('anomalies   42').and.contain('notices 3 (39 suppressed)').and.contain('blocks 1').and.contain('refused 1');
    expect(lines.find((l) => l.includes('10.20.10.26'))).to.match(/originator\s+risk\s+25\.3 {2}BLOCKED$/);
    expect(lines.find((l) => l.includes('10.20.0.80'))).to.match(/responder\s+risk\s+12\.0 {2}block refused \(never-block\)$/);
    expect(lines.find((l) => l.includes('10.20.10.30'))).to.match(/risk\s+1\.0$/);
  });

  it('says so when no host has risk yet', () => {
    expect(renderLiveBlock(snapshot({ topHosts: [], networkTime: 0 }), 0)).to.include('  (none yet)');
  });

  it('sums the streams in the progress line and names the riskiest host', () => {
    const line = renderProgressLine(snapshot(), 99.6);
    expect(line).to.equal('demo: replayed 500/1000, scored 500 (100/s), 42 anomalies, 3 notices, 1 blocks, 1 refused, riskiest 10.20.10.26 (originator, risk 25.3)');
  });

  it('redraws in place: each redraw moves the cursor up over the previous block and clears it', () => {
    let written = '';
    let hosts = 1;
    const view = new LiveView({ write: (t: string) => { written += t; }, columns: 60 },
      () => snapshot({ topHosts: snapshot().topHosts.slice(0, hosts) }), { redraw: true, redrawEveryMs: 60_000 });
    view.start();
    hosts = 3;
    view.render();
    view.stop();
    const ups = [...written.matchAll(/\u001b\[(\d+)F/g)].map((m) => Number(m[1]));
    // first block: 4 lines + 1 host; then 4 + 3 hosts
    expect(ups).to.deep.equal([5, 7]);
    expect(written.startsWith('\u001b[?25l')).to.equal(true);
    expect(written.endsWith('\u001b[?25h')).to.equal(true);
    for (const line of written.split('\n')) expect(line.replace(/\u001b\[[\d;?]*[A-Za-z]/g, '').length).to.be.at.most(59);
  });

  it('prints plain progress lines when not redrawing, one per render plus one at stop', () => {
    let written = '';
    const view = new LiveView({ write: (t: string) => { written += t; } }, () => snapshot(), { redraw: false, lineEveryMs: 60_000 });
    view.start();
    view.render();
    view.stop();
    expect(written.split('\n').filter((l) => l.startsWith('demo: replayed'))).to.have.length(2);
    expect(written).to.not.contain('\u001b');
  });
});
