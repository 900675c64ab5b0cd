// dns.log features: query shape, learned qtype/rcode vocabularies, flags, answers, missing opcode, real logs.
import { expect } from 'chai';
import { sharedDataFile } from '../support/shared-data.js';
import type { ZeekRecord } from '../../src/zeek/record.js';
import { column, expectAllFinite, hotColumns, oneHot, readRecords, trainOn, vectorOf } from './helpers.js';

/** A Zeek 8.2 dns.log record (with opcode). */
const lookup: ZeekRecord = {
  ts: 1300475168.854837,
  uid: 'CNsulC1rgPaDW4vIua',
  'id.orig_h': '141.142.220.118',
  'id.orig_p': 40526,
  'id.resp_h': '141.142.2.2',
  'id.resp_p': 53,
  proto: 'udp',
  trans_id: 26096,
  rtt: 0.00039196014404296875,
  query: 'upload.wikimedia.org',
  qclass: 1,
  qclass_name: 'C_INTERNET',
  qtype: 1,
  qtype_name: 'A',
  rcode: 0,
  rcode_name: 'NOERROR',
  AA: false,
  TC: false,
  RD: true,
  RA: true,
  Z: 0,
  answers: ['upload.pmtpa.wikimedia.org', '208.80.152.3'],
  TTLs: [124.0, 2156.0],
  rejected: false,
  opcode: 0,
  opcode_name: 'query',
};

describe('dns features', () => {
  const featurizer = trainOn('DNS', [lookup, { ...lookup, qtype: 28, qtype_name: 'AAAA', rcode: 3, rcode_name: 'NXDOMAIN' }]);

  it('gives the documented values for a realistic record', () => {
    const v = vectorOf(featurizer, lookup);
    expect(column(featurizer, v, 'dns.rtt_log')).to.be.closeTo(Math.log1p(0.39196014404296875), 1e-12);
    expect(column(featurizer, v, 'dns.query_length_log1p')).to.be.closeTo(Math.log1p(20), 1e-12);
    expect(column(featurizer, v, 'dns.query_labels_log1p')).to.be.closeTo(Math.log1p(3), 1e-12);
    expect(column(featurizer, v, 'dns.query_longest_label_log1p')).to.be.closeTo(Math.log1p(9), 1e-12);
    expect(column(featurizer, v, 'dns.query_digit_share')).to.equal(0);
    // upload.wikimedia.org: 20 characters, counts computed by hand
    const counts = [1, 1, 1, 2, 2, 2, 2, 1, 3, 1, 1, 1, 1, 1]; // u p l o a d . w i k m e r g
    const expected = -counts.reduce((sum, n) => sum + (n / 20) * Math.log2(n / 20), 0);
    expect(counts.reduce((a, b) => a + b)).to.equal(20);
    expect(column(featurizer, v, 'dns.query_entropy')).to.be.closeTo(expected, 1e-12);
    expect(column(featurizer, v, 'dns.answers_log1p')).to.be.closeTo(Math.log1p(2), 1e-12);
    expect(column(featurizer, v, 'dns.ttl_min_log')).to.be.closeTo(Math.log1p(124_000), 1e-9);
    expect(column(featurizer, v, 'dns.ttl_max_log')).to.be.closeTo(Math.log1p(2_156_000), 1e-9);
    expect(column(featurizer, v, 'dns.RD')).to.equal(1);
    expect(column(featurizer, v, 'dns.AA')).to.equal(0);
    expect(oneHot(featurizer, v, 'dns.qtype')).to.deep.equal(['dns.qtype=A']);
    expect(oneHot(featurizer, v, 'dns.rcode')).to.deep.equal(['dns.rcode=NOERROR']);
    expect(oneHot(featurizer, v, 'dns.opcode')).to.deep.equal(['dns.opcode=query']);
    expect(hotColumns(featurizer, v, 'dns.direction_')).to.deep.equal(['dns.direction_external']);
  });

  it('measures tunnelling-like names: long labels, digits, high entropy', () => {
    const tunnel = vectorOf(featurizer, { ...lookup, query: 'laczi1dwmfbaywb0fm5xhkrgz0heotzq.t1.biillpi.com.' });
    expect(column(featurizer, tunnel, 'dns.query_labels_log1p')).to.be.closeTo(Math.log1p(4), 1e-12, 'trailing dot is no label');
    expect(column(featurizer, tunnel, 'dns.query_longest_label_log1p')).to.be.closeTo(Math.log1p(32), 1e-12);
    expect(column(featurizer, tunnel, 'dns.query_digit_share')).to.be.closeTo(5 / 48, 1e-12);
    expect(column(featurizer, tunnel, 'dns.query_entropy')).to.be.greaterThan(column(featurizer, vectorOf(featurizer, lookup), 'dns.query_entropy'));
  });

  it('puts a query type and response code never seen in training in "unseen"', () => {
    const v = vectorOf(featurizer, { ...lookup, qtype: 10, qtype_name: 'NULL', rcode: 5, rcode_name: 'REFUSED' });
    expect(oneHot(featurizer, v, 'dns.qtype')).to.deep.equal(['dns.qtype:unseen']);
    expect(oneHot(featurizer, v, 'dns.rcode')).to.deep.equal(['dns.rcode:unseen']);
  });

  it('gives an unanswered query without opcode (Zeek < 8.1) its defaults and indicators', () => {
    const { rtt: _r, answers: _a, TTLs: _t, rcode: _c, rcode_name: _n, opcode: _o, opcode_name: _on, RA: _ra, ...unanswered } = lookup;
    const v = vectorOf(featurizer, unanswered);
    expect(column(featurizer, v, 'dns.rtt_log')).to.equal(0);
    expect(column(featurizer, v, 'dns.rtt_missing')).to.equal(1);
    expect(column(featurizer, v, 'dns.answers_log1p')).to.equal(0);
    expect(column(featurizer, v, 'dns.ttl_min_log')).to.equal(0);
    expect(column(featurizer, v, 'dns.RA')).to.equal(0);
    expect(oneHot(featurizer, v, 'dns.rcode')).to.deep.equal(['dns.rcode:missing']);
    expect(oneHot(featurizer, v, 'dns.opcode')).to.deep.equal(['dns.opcode:missing']);
    const noQuery = vectorOf(featurizer, { ...lookup, query: undefined as unknown as string });
    expect(column(featurizer, noQuery, 'dns.query_missing')).to.equal(1);
    expect(column(featurizer, noQuery, 'dns.query_length_log1p')).to.equal(0);
  });

  it('learns a code when the name column is absent', () => {
    const { qtype_name: _q, ...codeOnly } = lookup;
    const numeric = trainOn('DNS', [codeOnly]);
    expect(oneHot(numeric, vectorOf(numeric, codeOnly), 'dns.qtype')).to.deep.equal(['dns.qtype=1']);
  });

  it('classifies IPv6 resolvers like IPv4 ones, and follows --local-nets', () => {
    const v6 = vectorOf(featurizer, { ...lookup, 'id.orig_h': 'fd00::5', 'id.resp_h': '2001:4860:4860::8888' });
    expect(hotColumns(featurizer, v6, 'dns.direction_')).to.deep.equal(['dns.direction_outbound']);
    const campus = trainOn('DNS', [lookup], { localNets: ['141.142.0.0/16'] });
    expect(hotColumns(campus, vectorOf(campus, lookup), 'dns.direction_')).to.deep.equal(['dns.direction_internal']);
  });

  it('yields only finite values on every record of real dns logs (2013 without opcode, 2018 JSON, 8.2.2 tunnels)', async function () {
    for (const relative of ['zat-2013/tsv/dns.log', 'wrccdc2018/json/dns.log.gz', 'zeek-8.2.2/dmachard-iodine/json/dns.log', 'zeek-8.2.2/dmachard-dnscat2/tsv/dns.log']) {
      const records = await readRecords(sharedDataFile(this, relative));
      const featurizer = expectAllFinite('DNS', records);
      if (relative.startsWith('zat-2013')) {
        expect(records.some((r) => 'opcode' in r)).to.equal(false);
        expect(oneHot(featurizer, vectorOf(featurizer, records[0]!), 'dns.opcode')).to.deep.equal(['dns.opcode:missing']);
      }
    }
  });
});
