// Behaviour of the host-context feature blocks: closed-form decay, scans, beacons, DNS tunnels,
// SSH guessing, determinism, out-of-order input, bounded memory, odd input.
import { expect } from 'chai';
import { createHostContextBlock, DEFAULT_HOST_CONTEXT_OPTIONS, HostContextBlock } from '../../src/features/host-context.js';
import { LOG_MODULES, type ZeekRecord } from '../../src/zeek/record.js';
import { connRecord, dnsRecord, feature, featureRows, seededRandom } from './host-records.js';

const T0 = 1_700_000_000;

function lastRow(block: HostContextBlock, records: readonly ZeekRecord[]): Float64Array {
  return featureRows(block, records).at(-1)!;
}

describe('host-context block', () => {
  describe('schema', () => {
    it('gives every module a block with unique names, one description and one window suffix per column', () => {
      for (const module of LOG_MODULES) {
        const block = createHostContextBlock(module);
        expect(block.names.length, module).to.be.greaterThan(0);
        expect(new Set(block.names).size, module).to.equal(block.names.length);
        expect(block.descriptions.length).to.equal(block.names.length);
        for (const name of block.names) expect(name).to.match(/^[a-z]+\.(host|pair)\.[a-z_]+_(10s|1m|10m|1h)$/);
        for (const text of block.descriptions) expect(text).to.not.match(/[{}]/);
      }
    });

    it('names and describes the distinct-ports feature in the analyst\'s words', () => {
      const block = createHostContextBlock('CONN');
      const index = block.names.indexOf('conn.host.distinct_resp_ports_1m');
      expect(index).to.be.at.least(0);
      expect(block.descriptions[index]).to.equal('distinct responder ports in the last minute');
      expect(block.display(index, Math.log1p(412))).to.equal('412');
    });

    it('displays values in the analyst\'s unit, undoing the log scaling', () => {
      const block = createHostContextBlock('CONN');
      const at = (name: string) => block.names.indexOf(name);
      expect(block.display(at('conn.host.conn_rate_1m'), Math.log1p(3.5))).to.equal('3.5 /min');
      expect(block.display(at('conn.host.failed_share_10m'), 0.35)).to.equal('35 %');
      expect(block.display(at('conn.host.bytes_log_mean_1h'), Math.log1p(1200))).to.equal('1.2 kB');
      expect(block.display(at('conn.host.duration_log_mean_1h'), Math.log1p(0.25))).to.equal('250 ms');
      expect(block.display(at('conn.pair.interarrival_cv_1h'), 0.034)).to.equal('CV 0.03');
      expect(() => block.display(block.names.length, 0)).to.throw(RangeError);
    });

    it('uses the configured half-lives for names', () => {
      const block = createHostContextBlock('SSH', { maxHosts: 10, halfLivesSeconds: [30, 7200] });
      expect(block.names).to.include('ssh.host.attempt_rate_30s');
      expect(block.names).to.include('ssh.host.attempt_rate_2h');
      expect(() => createHostContextBlock('SSH', { maxHosts: 10, halfLivesSeconds: [60, 10] })).to.throw(RangeError);
      expect(() => createHostContextBlock('SSH', { maxHosts: 10, distinctBuckets: 100 })).to.throw(RangeError);
    });
  });

  describe('decay', () => {
    it('weights an earlier record by 2^(−Δt/h) in the rate (closed form)', () => {
      for (const elapsed of [0, 7, 60, 600, 5000]) {
        const block = createHostContextBlock('CONN');
        const rows = featureRows(block, [
          connRecord({ ts: T0, orig: '10.0.0.1', resp: '10.0.0.2', port: 80 }),
          connRecord({ ts: T0 + elapsed, orig: '10.0.0.1', resp: '10.0.0.2', port: 80 }),
        ]);
        for (const h of DEFAULT_HOST_CONTEXT_OPTIONS.halfLivesSeconds) {
          const label = h === 10 ? '10s' : h === 60 ? '1m' : h === 600 ? '10m' : '1h';
          const dampedCount = 1 + 2 ** (-elapsed / h);
          const expected = Math.log1p(((dampedCount * Math.LN2) / h) * 60);
          expect(feature(block, rows[1]!, `conn.host.conn_rate_${label}`), `Δt=${elapsed}, h=${h}`).to.be.closeTo(expected, 1e-12);
        }
      }
    });

    it('includes the current record (update, then read)', () => {
      const block = createHostContextBlock('CONN');
      const row = lastRow(block, [connRecord({ ts: T0, orig: '10.0.0.1', resp: '10.0.0.2', port: 80, state: 'REJ' })]);
      expect(feature(block, row, 'conn.host.failed_share_1m')).to.equal(1);
      expect(Math.expm1(feature(block, row, 'conn.host.distinct_resp_ports_1m'))).to.be.closeTo(1, 0.01);
      expect(feature(block, row, 'conn.host.conn_rate_1m')).to.be.closeTo(Math.log1p(Math.LN2), 1e-12);
    });

    it('keeps the mean and spread of log bytes as damped moments', () => {
      const block = createHostContextBlock('CONN');
      const row = lastRow(block, [
        connRecord({ ts: T0, orig: 'a', resp: 'b', port: 80, bytes: 100, duration: 1 }),
        connRecord({ ts: T0, orig: 'a', resp: 'b', port: 80, bytes: 10000, duration: 1 }),
      ]);
      const x = Math.log1p(100);
      const y = Math.log1p(10000);
      expect(feature(block, row, 'conn.host.bytes_log_mean_1m')).to.be.closeTo((x + y) / 2, 1e-12);
      expect(feature(block, row, 'conn.host.bytes_log_std_1m')).to.be.closeTo(Math.abs(y - x) / 2, 1e-9);
      expect(feature(block, row, 'conn.host.duration_log_std_1m')).to.be.closeTo(0, 1e-9);
    });
  });

  describe('attacks across records', () => {
    it('drives distinct ports and failure share high for a port scan, low for an ordinary host', () => {
      const block = createHostContextBlock('CONN');
      const random = seededRandom(1);
      const records: ZeekRecord[] = [];
      for (let i = 0; i < 1000; i++) {
        records.push(connRecord({ ts: T0 + (i * 60) / 1000, orig: '10.0.0.66', resp: '10.0.0.5', port: 1 + Math.floor(random() * 65535), state: random() < 0.9 ? 'REJ' : 'S0' }));
        if (i % 50 === 0) {
          records.push(connRecord({ ts: T0 + (i * 60) / 1000, orig: '10.0.0.7', resp: `192.0.2.${i % 3}`, port: 443, bytes: 5000, duration: 2 }));
        }
      }
      const rows = featureRows(block, records);
      const scannerRow = rows[records.findLastIndex((r) => r['id.orig_h'] === '10.0.0.66')]!;
      const ordinaryRow = rows[records.findLastIndex((r) => r['id.orig_h'] === '10.0.0.7')]!;
      const ports = (row: Float64Array) => Math.expm1(feature(block, row, 'conn.host.distinct_resp_ports_1m'));
      expect(ports(scannerRow)).to.be.greaterThan(200); // a 64-bucket sketch saturates at 64·ln 128 ≈ 310
      expect(ports(ordinaryRow)).to.be.at.most(1.1);
      expect(Math.expm1(feature(block, ordinaryRow, 'conn.host.distinct_resp_1m'))).to.be.within(2.5, 3.6);
      expect(feature(block, scannerRow, 'conn.host.failed_share_1m')).to.equal(1);
      expect(feature(block, ordinaryRow, 'conn.host.failed_share_1m')).to.equal(0);
      // the 500th probe already sees a high count (the count is built as the scan runs)
      const scannerRows = rows.filter((_, i) => records[i]!['id.orig_h'] === '10.0.0.66');
      const probe500 = scannerRows[499]!;
      expect(ports(probe500)).to.be.greaterThan(150);
    });

    it('gives a 60 s ± 1 s beacon a low inter-arrival CV and Poisson traffic a CV near 1', () => {
      const random = seededRandom(7);
      const beacon: ZeekRecord[] = [];
      const poisson: ZeekRecord[] = [];
      let tb = T0;
      let tp = T0;
      for (let i = 0; i < 240; i++) {
        tb += 60 + (random() * 2 - 1);
        tp += -60 * Math.log(1 - random());
        beacon.push(connRecord({ ts: tb, orig: '10.0.0.9', resp: '203.0.113.9', port: 443, bytes: 900, duration: 0.2 }));
        poisson.push(connRecord({ ts: tp, orig: '10.0.0.8', resp: '203.0.113.8', port: 443, bytes: 900, duration: 0.2 }));
      }
      const beaconBlock = createHostContextBlock('CONN');
      const poissonBlock = createHostContextBlock('CONN');
      const beaconRow = lastRow(beaconBlock, beacon);
      const poissonRow = lastRow(poissonBlock, poisson);
      expect(feature(beaconBlock, beaconRow, 'conn.pair.interarrival_cv_1h')).to.be.below(0.1);
      expect(feature(poissonBlock, poissonRow, 'conn.pair.interarrival_cv_1h')).to.be.within(0.6, 1.6);
      expect(Math.expm1(feature(beaconBlock, beaconRow, 'conn.pair.repeats_1h'))).to.be.within(60, 90); // ≈ h/(60·ln2) ≈ 87 − 1
    });

    it('keeps a beacon\'s pair while the host also talks to many other responders', () => {
      const block = createHostContextBlock('CONN');
      const records: ZeekRecord[] = [];
      for (let i = 0; i < 200; i++) {
        records.push(connRecord({ ts: T0 + i * 60, orig: 'h', resp: 'c2', port: 443 }));
        for (let j = 0; j < 5; j++) records.push(connRecord({ ts: T0 + i * 60 + 10 + j, orig: 'h', resp: `web${i}-${j}`, port: 443 }));
      }
      records.push(connRecord({ ts: T0 + 200 * 60, orig: 'h', resp: 'c2', port: 443 }));
      const row = lastRow(block, records);
      expect(feature(block, row, 'conn.pair.interarrival_cv_1h')).to.be.below(0.05);
    });

    it('gives DNS tunnel names high length, entropy and names-per-domain; ordinary look-ups stay low', () => {
      const random = seededRandom(3);
      const block = createHostContextBlock('DNS');
      const records: ZeekRecord[] = [];
      const popular = ['www.example.com', 'mail.example.org', 'cdn.news.co.uk', 'api.weather.com', 'ocsp.ca.net'];
      for (let i = 0; i < 300; i++) {
        let label = '';
        for (let c = 0; c < 48; c++) label += '0123456789abcdefghijklmnopqrstuv'[Math.floor(random() * 32)];
        records.push(dnsRecord(T0 + i * 0.5, '10.0.0.17', `${label.slice(0, 40)}.${label.slice(40)}.t1.tunnel.example.net`));
        records.push(dnsRecord(T0 + i * 0.5, '10.0.0.18', popular[i % popular.length]!));
      }
      const rows = featureRows(block, records);
      const tunnel = rows.at(-2)!;
      const ordinary = rows.at(-1)!;
      expect(feature(block, tunnel, 'dns.host.query_length_mean_1m')).to.be.greaterThan(60);
      expect(feature(block, tunnel, 'dns.host.query_entropy_mean_1m')).to.be.greaterThan(4.3);
      expect(feature(block, ordinary, 'dns.host.query_entropy_mean_1m')).to.be.below(3.8);
      expect(Math.exp(feature(block, tunnel, 'dns.host.names_per_domain_1m'))).to.be.greaterThan(50);
      expect(Math.exp(feature(block, ordinary, 'dns.host.names_per_domain_1m'))).to.be.below(1.5);
      expect(Math.expm1(feature(block, tunnel, 'dns.host.distinct_domains_1m'))).to.be.closeTo(1, 0.05);
      expect(Math.expm1(feature(block, ordinary, 'dns.host.distinct_domains_1m'))).to.be.within(4.5, 5.6);
    });

    it('counts NXDOMAIN answers as a share', () => {
      const block = createHostContextBlock('DNS');
      const records = [0, 1, 2, 3].map((i) => dnsRecord(T0, 'x', `h${i}.example.com`, i < 3 ? 'NXDOMAIN' : 'NOERROR'));
      expect(feature(block, lastRow(block, records), 'dns.host.nxdomain_share_1m')).to.be.closeTo(0.75, 1e-12);
    });

    it('sees SSH password guessing as a high attempt rate and failure share against one server', () => {
      const block = createHostContextBlock('SSH');
      const records: ZeekRecord[] = [];
      for (let i = 0; i < 30; i++) {
        records.push({ ts: T0 + i * 2, 'id.orig_h': '198.51.100.4', 'id.resp_h': '10.0.0.22', 'id.resp_p': 22, auth_success: false });
      }
      records.push({ ts: T0 + 70, 'id.orig_h': '10.0.0.3', 'id.resp_h': '10.0.0.22', 'id.resp_p': 22, auth_success: true });
      const rows = featureRows(block, records);
      const guesser = rows[29]!;
      const admin = rows[30]!;
      expect(feature(block, guesser, 'ssh.host.auth_failed_share_1m')).to.equal(1);
      expect(feature(block, admin, 'ssh.host.auth_failed_share_1m')).to.equal(0);
      expect(Math.expm1(feature(block, guesser, 'ssh.host.attempt_rate_1m'))).to.be.greaterThan(10);
      expect(Math.expm1(feature(block, guesser, 'ssh.host.distinct_resp_1m'))).to.be.closeTo(1, 0.05);
      expect(Math.expm1(feature(block, guesser, 'ssh.pair.repeats_10m'))).to.be.closeTo(29, 1);
    });

    it('counts HTTP 4xx/5xx, distinct Host headers and TLS handshakes not established', () => {
      const http = createHostContextBlock('HTTP');
      const statuses = [200, 404, 500, 302];
      const httpRow = lastRow(
        http,
        statuses.map((status_code, i) => ({ ts: T0 + i, 'id.orig_h': 'c', 'id.resp_h': 's', host: `site${i % 2}.example`, status_code })),
      );
      expect(feature(http, httpRow, 'http.host.error_share_10s')).to.be.within(0.4, 0.6);
      expect(Math.expm1(feature(http, httpRow, 'http.host.distinct_hosts_10s'))).to.be.closeTo(2, 0.1);

      const ssl = createHostContextBlock('SSL');
      const sslRow = lastRow(ssl, [
        { ts: T0, 'id.orig_h': 'c', 'id.resp_h': 's', server_name: 'a.example', established: true },
        { ts: T0, 'id.orig_h': 'c', 'id.resp_h': 's', server_name: 'b.example', established: false },
      ]);
      expect(feature(ssl, sslRow, 'ssl.host.not_established_share_1m')).to.equal(0.5);
      expect(Math.expm1(feature(ssl, sslRow, 'ssl.host.distinct_server_names_1m'))).to.be.closeTo(2, 0.1);
    });
  });

  describe('robustness', () => {
    function mixedTraffic(seed: number, count: number): ZeekRecord[] {
      const random = seededRandom(seed);
      const records: ZeekRecord[] = [];
      for (let i = 0; i < count; i++) {
        // ts jitters ±30 s around a rising clock: out of order like conn.log written at connection end
        const ts = T0 + i * 2 + (random() - 0.5) * 60;
        records.push(
          connRecord({
            ts,
            orig: `10.0.${Math.floor(random() * 3)}.${Math.floor(random() * 5)}`,
            resp: `192.0.2.${Math.floor(random() * 20)}`,
            port: [80, 443, 22, 8080][Math.floor(random() * 4)]!,
            state: random() < 0.2 ? 'S0' : 'SF',
            bytes: Math.floor(random() * 1e6),
            duration: random() * 100,
          }),
        );
      }
      return records;
    }

    it('replays the same records to identical features after reset()', () => {
      const block = createHostContextBlock('CONN', { maxHosts: 8 });
      const records = mixedTraffic(11, 3000);
      const first = featureRows(block, records);
      const statsFirst = block.stats;
      block.reset();
      expect(block.stats.hosts).to.equal(0);
      const second = featureRows(block, records);
      expect(second).to.deep.equal(first);
      expect(block.stats).to.deep.equal(statsFirst);
    });

    it('treats a record older than its host\'s latest as Δt = 0 (no negative decay, no NaN)', () => {
      const block = createHostContextBlock('CONN');
      const rows = featureRows(block, [
        connRecord({ ts: T0 + 100, orig: 'a', resp: 'b', port: 80 }),
        connRecord({ ts: T0, orig: 'a', resp: 'b', port: 80 }),
      ]);
      const expected = Math.log1p(((2 * Math.LN2) / 10) * 60); // two records, no decay between them
      expect(feature(block, rows[1]!, 'conn.host.conn_rate_10s')).to.be.closeTo(expected, 1e-12);
      expect(block.stats.outOfOrder).to.equal(1);
    });

    it('keeps every output finite and in range under out-of-order traffic', () => {
      const block = createHostContextBlock('CONN', { maxHosts: 5 });
      const rows = featureRows(block, mixedTraffic(5, 4000));
      expect(block.stats.outOfOrder).to.be.greaterThan(100);
      const shares = block.names.map((n) => n.includes('share'));
      const bad: string[] = [];
      rows.forEach((row, r) =>
        row.forEach((v, c) => {
          if (!Number.isFinite(v) || v < 0 || (shares[c] && v > 1)) bad.push(`row ${r} ${block.names[c]} = ${v}`);
        }),
      );
      expect(bad).to.deep.equal([]);
    });

    it('gives finite values and counts records lacking originator or time', () => {
      for (const module of LOG_MODULES) {
        const block = createHostContextBlock(module);
        const odd: ZeekRecord[] = [
          {},
          { ts: 'yesterday', 'id.orig_h': 'a' },
          { ts: Number.NaN, 'id.orig_h': 'a', 'id.resp_h': 7, 'id.resp_p': -3, orig_bytes: 'lots', duration: -1 },
          { ts: T0, 'id.orig_h': 'a', query: '', status_code: 'x', auth_success: 'no', established: null, server_name: ['x'] },
          { ts: T0 + 1, 'id.orig_h': 'a', query: '.', conn_state: 42, host: '', rcode: 3 },
          { ts: T0 + 2, 'id.orig_h': '' },
        ];
        for (const row of featureRows(block, odd)) {
          for (let c = 0; c < row.length; c++) expect(Number.isFinite(row[c]), `${module} ${block.names[c]}`).to.equal(true);
        }
        expect(block.stats.unattributed, module).to.equal(2);
        expect(block.stats.invalidTimes, module).to.equal(2);
      }
    });
  });

  describe('bounded memory', () => {
    it('keeps the table at maxHosts and counts evictions when 3× as many hosts arrive', () => {
      const maxHosts = 100;
      const block = createHostContextBlock('CONN', { maxHosts });
      for (let i = 0; i < 3 * maxHosts; i++) {
        featureRows(block, [connRecord({ ts: T0 + i, orig: `10.1.${i >> 8}.${i & 255}`, resp: 'r', port: 80 })]);
      }
      expect(block.stats.hosts).to.equal(maxHosts);
      expect(block.stats.evictions).to.equal(2 * maxHosts);
      expect(block.stats.expired).to.equal(0);
    });

    it('evicts the least recently seen host, keeping the state of recent ones', () => {
      const block = createHostContextBlock('CONN', { maxHosts: 2 });
      const rows = featureRows(block, [
        connRecord({ ts: T0, orig: 'old', resp: 'r', port: 80 }),
        connRecord({ ts: T0, orig: 'kept', resp: 'r', port: 80 }),
        connRecord({ ts: T0, orig: 'kept', resp: 'r', port: 80 }),
        connRecord({ ts: T0, orig: 'new', resp: 'r', port: 80 }), // evicts "old"
        connRecord({ ts: T0, orig: 'kept', resp: 'r', port: 80 }),
        connRecord({ ts: T0, orig: 'old', resp: 'r', port: 80 }), // starts afresh
      ]);
      const count = (row: Float64Array) => (Math.expm1(feature(block, row, 'conn.host.conn_rate_1m')) * 60) / (60 * Math.LN2);
      expect(count(rows[4]!)).to.be.closeTo(3, 1e-9);
      expect(count(rows[5]!)).to.be.closeTo(1, 1e-9);
      expect(block.stats.evictions).to.equal(2);
    });

    it('expires hosts idle for 8 half-lives of the longest window', () => {
      const block = createHostContextBlock('SSH', { maxHosts: 100, halfLivesSeconds: [10, 100] });
      featureRows(block, [
        { ts: T0, 'id.orig_h': 'idle', 'id.resp_h': 's' },
        { ts: T0 + 500, 'id.orig_h': 'busy', 'id.resp_h': 's' },
        { ts: T0 + 799, 'id.orig_h': 'busy', 'id.resp_h': 's' },
      ]);
      expect(block.stats).to.include({ hosts: 2, expired: 0 });
      featureRows(block, [{ ts: T0 + 801, 'id.orig_h': 'busy', 'id.resp_h': 's' }]);
      expect(block.stats).to.include({ hosts: 1, expired: 1, evictions: 0 });
    });
  });
});
