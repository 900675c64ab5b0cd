// conn.log features: documented values, unseen categories, missing fields, IPv6, --local-nets, real logs.
import { expect } from 'chai';
import { sharedDataFile } from '../support/shared-data.js';
import type { ZeekRecord } from '../../src/zeek/record.js';
import { column, expectAllFinite, hotColumns, oneHot, readRecords, trainOn, vectorOf } from './helpers.js';

const webConnection: ZeekRecord = {
  ts: 1379288667.706265,
  uid: 'CoyZrY2g74UvMMgp4a',
  'id.orig_h': '192.168.33.10',
  'id.orig_p': 1032,
  'id.resp_h': '54.245.228.191',
  'id.resp_p': 80,
  proto: 'tcp',
  service: 'http',
  duration: 0.44746,
  orig_bytes: 601,
  resp_bytes: 38393,
  conn_state: 'RSTO',
  missed_bytes: 0,
  history: 'ShADadR',
  orig_pkts: 22,
  orig_ip_bytes: 1489,
  resp_pkts: 31,
  resp_ip_bytes: 39641,
  tunnel_parents: [],
};

const dnsConnection: ZeekRecord = {
  ...webConnection,
  uid: 'CZGShC2znK1sV7jdI7',
  'id.resp_h': '4.2.2.3',
  'id.resp_p': 53,
  proto: 'udp',
  service: 'dns',
  conn_state: 'SF',
  history: 'Dd',
  duration: 0.06,
  orig_bytes: 28,
  resp_bytes: 44,
};

describe('conn features', () => {
  const featurizer = trainOn('CONN', [webConnection, dnsConnection]);

  it('gives the documented values for a realistic record', () => {
    const v = vectorOf(featurizer, webConnection);
    expect(column(featurizer, v, 'conn.duration_log')).to.be.closeTo(Math.log1p(447.46), 1e-9);
    expect(column(featurizer, v, 'conn.duration_missing')).to.equal(0);
    expect(column(featurizer, v, 'conn.orig_bytes_log1p')).to.be.closeTo(Math.log1p(601), 1e-12);
    expect(column(featurizer, v, 'conn.resp_ip_bytes_log1p')).to.be.closeTo(Math.log1p(39641), 1e-12);
    expect(column(featurizer, v, 'conn.orig_resp_byte_ratio_log')).to.be.closeTo(Math.log(602 / 38394), 1e-12);
    expect(column(featurizer, v, 'conn.history_orig_syn')).to.equal(1);
    expect(column(featurizer, v, 'conn.history_resp_synack')).to.equal(1);
    expect(column(featurizer, v, 'conn.history_resp_fin')).to.equal(0, "no 'f' in ShADadR");
    expect(column(featurizer, v, 'conn.history_resp_data')).to.equal(1);
    expect(column(featurizer, v, 'conn.history_orig_rst')).to.equal(1);
    expect(column(featurizer, v, 'conn.history_resp_rst')).to.equal(0);
    expect(column(featurizer, v, 'conn.resp_port_well_known')).to.equal(1);
    expect(hotColumns(featurizer, v, 'conn.direction_')).to.deep.equal(['conn.direction_outbound']);
    expect(oneHot(featurizer, v, 'conn.service')).to.deep.equal(['conn.service=http']);
    expect(oneHot(featurizer, v, 'conn.conn_state')).to.deep.equal(['conn.conn_state=RSTO']);
    expect(oneHot(featurizer, v, 'conn.resp_port')).to.deep.equal(['conn.resp_port=80']);
    expect(featurizer.display(featurizer.schema.names.indexOf('conn.orig_bytes_log1p'), column(featurizer, v, 'conn.orig_bytes_log1p'))).to.equal('601 bytes');
    expect(featurizer.display(featurizer.schema.names.indexOf('conn.duration_log'), column(featurizer, v, 'conn.duration_log'))).to.equal('0.4475 s');
  });

  it('puts a category never seen in training in "unseen" and in no known slot', () => {
    const v = vectorOf(featurizer, { ...webConnection, service: 'irc', conn_state: 'S0', 'id.resp_p': 6667, proto: 'sctp' });
    expect(oneHot(featurizer, v, 'conn.service')).to.deep.equal(['conn.service:unseen']);
    expect(oneHot(featurizer, v, 'conn.conn_state')).to.deep.equal(['conn.conn_state:unseen']);
    expect(oneHot(featurizer, v, 'conn.resp_port')).to.deep.equal(['conn.resp_port:unseen']);
    expect(oneHot(featurizer, v, 'conn.proto')).to.deep.equal(['conn.proto:unseen']);
    expect(column(featurizer, v, 'conn.resp_port_registered')).to.equal(1);
  });

  it('gives missing fields their default and indicator', () => {
    const { duration: _d, orig_bytes: _o, resp_bytes: _r, service: _s, history: _h, ...bare } = webConnection;
    const v = vectorOf(featurizer, bare);
    expect(column(featurizer, v, 'conn.duration_log')).to.equal(0);
    expect(column(featurizer, v, 'conn.duration_missing')).to.equal(1);
    expect(column(featurizer, v, 'conn.orig_bytes_log1p')).to.equal(0);
    expect(column(featurizer, v, 'conn.payload_bytes_missing')).to.equal(1);
    expect(oneHot(featurizer, v, 'conn.service')).to.deep.equal(['conn.service:missing']);
    expect(hotColumns(featurizer, v, 'conn.history_')).to.deep.equal([]);
  });

  it('never writes a non-finite value for corrupt numbers', () => {
    const v = vectorOf(featurizer, { ...webConnection, duration: -3, orig_bytes: Number.NaN, resp_bytes: 'lots', orig_pkts: Infinity });
    expect(v.every(Number.isFinite)).to.equal(true);
    expect(column(featurizer, v, 'conn.duration_log')).to.equal(0);
  });

  it('classifies IPv6 and IPv4-mapped addresses like IPv4', () => {
    const inbound = vectorOf(featurizer, { ...webConnection, 'id.orig_h': '2001:db8::7', 'id.resp_h': 'fd12:3456::1' });
    expect(hotColumns(featurizer, inbound, 'conn.direction_')).to.deep.equal(['conn.direction_inbound']);
    const internal = vectorOf(featurizer, { ...webConnection, 'id.orig_h': 'fe80::1%eth0', 'id.resp_h': '::ffff:10.1.2.3' });
    expect(hotColumns(featurizer, internal, 'conn.direction_')).to.deep.equal(['conn.direction_internal']);
    const external = vectorOf(featurizer, { ...webConnection, 'id.orig_h': '2001:db8::7', 'id.resp_h': '::ffff:8.8.8.8' });
    expect(hotColumns(featurizer, external, 'conn.direction_')).to.deep.equal(['conn.direction_external']);
  });

  it('follows --local-nets, and prefers the log own local_orig/local_resp', () => {
    const corporate = trainOn('CONN', [webConnection], { localNets: ['54.245.0.0/16', '2001:db8::/32'] });
    const v4 = vectorOf(corporate, webConnection);
    expect(hotColumns(corporate, v4, 'conn.direction_')).to.deep.equal(['conn.direction_inbound']);
    const v6 = vectorOf(corporate, { ...webConnection, 'id.orig_h': '2001:db8::1', 'id.resp_h': '2001:db9::1' });
    expect(hotColumns(corporate, v6, 'conn.direction_')).to.deep.equal(['conn.direction_outbound']);
    const logged = vectorOf(corporate, { ...webConnection, local_orig: true, local_resp: true });
    expect(hotColumns(corporate, logged, 'conn.direction_')).to.deep.equal(['conn.direction_internal']);
  });

  it('stays within a sane width', () => {
    expect(featurizer.width).to.be.within(20, 64);
  });

  it('yields only finite values on every record of real conn logs (TSV 2013 without local_resp, JSON 2019)', async function () {
    for (const relative of ['zat-2013/tsv/conn.log', 'zat-2019-ursnif/json/conn.log', 'stratosphere-sdt/002-nmap-portscan/json/conn.log.gz']) {
      const file = sharedDataFile(this, relative);
      expectAllFinite('CONN', await readRecords(file));
    }
  });
});
