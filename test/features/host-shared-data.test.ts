// Host context on real Zeek 8.2.2 output (../shared/data): a DNS tunnel, a 2 s TLS beacon, SSH guessing.
// The same behaviours are pinned on synthetic records in host-context.test.ts.
import { expect } from 'chai';
import { createHostContextBlock, type HostContextBlock } from '../../src/features/host-context.js';
import type { LogModule } from '../../src/zeek/record.js';
import { sharedDataFile } from '../support/shared-data.js';
import { feature, readLiveRecords } from './host-records.js';

/** Feature rows of each originator's last record in a live-records sample. */
function lastRowPerOriginator(ctx: Mocha.Context, capture: string, stream: string, module: LogModule) {
  const records = readLiveRecords(sharedDataFile(ctx, `zeek-8.2.2/${capture}/live-records.ndjson`), stream);
  const block = createHostContextBlock(module);
  const rows = new Map<string, Float64Array>();
  for (const record of records) {
    const row = new Float64Array(block.names.length);
    block.write(record, row, 0);
    rows.set(String(record['id.orig_h']), row);
  }
  return { block, rows, count: records.length };
}

const value = (block: HostContextBlock, row: Float64Array, name: string) => feature(block, row, name);

describe('host context on real Zeek logs', () => {
  it('sees the dnscat2 tunnel as long names under one domain, unlike ordinary look-ups', function () {
    const tunnel = lastRowPerOriginator(this, 'dmachard-dnscat2', 'dns', 'DNS');
    const ordinary = lastRowPerOriginator(this, 'zeek-wikipedia', 'dns', 'DNS');
    const tunnelRow = tunnel.rows.get('192.168.1.17')!;
    expect(Math.exp(value(tunnel.block, tunnelRow, 'dns.host.names_per_domain_1m'))).to.be.greaterThan(4);
    expect(value(tunnel.block, tunnelRow, 'dns.host.query_length_mean_1m')).to.be.greaterThan(40);
    expect(ordinary.rows.size).to.be.greaterThan(3);
    for (const [host, row] of ordinary.rows) {
      expect(Math.exp(value(ordinary.block, row, 'dns.host.names_per_domain_1m')), host).to.be.below(1.5);
      expect(value(ordinary.block, row, 'dns.host.query_length_mean_1m'), host).to.be.below(30);
    }
  });

  it('sees the 2-second HTTPS beacon as highly regular, and browsing as irregular', function () {
    const beacon = lastRowPerOriginator(this, 'slips-test-cc-capture-1', 'ssl', 'SSL');
    const browsing = lastRowPerOriginator(this, 'zeek-http-bro.org', 'http', 'HTTP');
    const beaconRow = beacon.rows.get('147.32.80.37')!;
    expect(value(beacon.block, beaconRow, 'ssl.pair.interarrival_cv_10m')).to.be.below(0.1);
    expect(Math.expm1(value(beacon.block, beaconRow, 'ssl.pair.repeats_10m'))).to.be.greaterThan(100);
    expect(value(browsing.block, browsing.rows.get('10.0.2.15')!, 'http.pair.interarrival_cv_10m')).to.be.greaterThan(1);
  });

  it('sees SSH password guessing as repeated failed sessions to one server', function () {
    const guessing = lastRowPerOriginator(this, 'zeek-sshguess', 'ssh', 'SSH');
    const row = guessing.rows.get('192.168.56.1')!;
    expect(value(guessing.block, row, 'ssh.host.auth_failed_share_1m')).to.equal(1);
    expect(Math.expm1(value(guessing.block, row, 'ssh.host.distinct_resp_1m'))).to.be.closeTo(1, 0.05);
    expect(Math.expm1(value(guessing.block, row, 'ssh.pair.repeats_1m'))).to.be.greaterThan(5);
  });
});
