// Pins the original tool's feature set: its fixed column lists, values outside a list vanishing,
// raw (unscaled) counts, its traffic direction and broadcast rules, and no host state.
import { expect } from 'chai';
import { createOriginalFeaturizer, originalTrafficDirection } from '../../src/eval/original-features.js';
import type { LogModule, ZeekRecord } from '../../src/zeek/record.js';

function vector(module: LogModule, record: ZeekRecord): Record<string, number> {
  const f = createOriginalFeaturizer(module);
  const out = new Float64Array(f.width);
  f.featurize(record, out);
  const prefix = `original.${module.toLowerCase()}.`;
  return Object.fromEntries(f.schema.names.map((name, i) => [name.slice(prefix.length), out[i]!]));
}

describe('eval original features', () => {
  it('has the original column counts per log type', () => {
    const widths = Object.fromEntries((['CONN', 'DNS', 'HTTP', 'SSH', 'SSL'] as const).map((m) => [m, createOriginalFeaturizer(m).width]));
    expect(widths).to.deep.equal({ CONN: 34, DNS: 27, HTTP: 16, SSH: 9, SSL: 65 });
  });

  it('one-hot encodes conn against fixed lists and keeps counts raw', () => {
    const v = vector('CONN', {
      'id.orig_h': '10.0.0.5',
      'id.resp_h': '8.8.8.8',
      proto: 'tcp',
      conn_state: 'SF',
      orig_pkts: 12,
      resp_ip_bytes: 40000,
      local_orig: true,
    });
    expect(v['conn_state_SF']).to.equal(1);
    expect(v['proto_tcp']).to.equal(1);
    expect(v['service_other']).to.equal(1); // unset service is "other"
    expect(v['traffic_direction_outgoing']).to.equal(1);
    expect(v['orig_pkts']).to.equal(12);
    expect(v['resp_ip_bytes']).to.equal(40000);
    expect(v['local_orig']).to.equal(1);
    expect(v['local_resp']).to.equal(0);
  });

  it('lets a value outside the fixed list vanish (all zeros), as pandas get_dummies + column selection did', () => {
    const v = vector('CONN', { 'id.orig_h': '10.0.0.5', 'id.resp_h': '10.0.0.6', proto: 'icmp', conn_state: 'OTH', service: 'smb' });
    expect(v['proto_tcp'] + v['proto_udp']!).to.equal(0);
    const services = Object.entries(v).filter(([k]) => k.startsWith('service_'));
    expect(services.every(([, x]) => x === 0)).to.equal(true);
  });

  it('uses the original traffic direction: IPv6 wins, then private/public per end', () => {
    expect(originalTrafficDirection('10.0.0.1', '192.168.1.1')).to.equal('internal');
    expect(originalTrafficDirection('10.0.0.1', '1.1.1.1')).to.equal('outgoing');
    expect(originalTrafficDirection('1.1.1.1', '10.0.0.1')).to.equal('incoming');
    expect(originalTrafficDirection('1.1.1.1', '8.8.8.8')).to.equal('external');
    expect(originalTrafficDirection('fd00::1', '10.0.0.1')).to.equal('IPv6');
    // conn's fixed list has no IPv6 column, so an IPv6 flow has no direction at all
    const v = vector('CONN', { 'id.orig_h': 'fd00::1', 'id.resp_h': 'fd00::2' });
    expect(Object.entries(v).filter(([k]) => k.startsWith('traffic_direction_')).every(([, x]) => x === 0)).to.equal(true);
    expect(vector('DNS', { 'id.orig_h': 'fd00::1', 'id.resp_h': 'fd00::2' })['traffic_direction_IPv6']).to.equal(1);
  });

  it('reads dns, ssh and ssl fields the way the original did', () => {
    const dns = vector('DNS', { 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.255', rtt: 0.02, qtype_name: 'TXT', RD: true, rcode_name: 'NXDOMAIN' });
    expect(dns['rtt']).to.equal(0.02);
    expect(dns['has_rtt']).to.equal(1);
    expect(dns['has_qclass_name']).to.equal(0);
    expect(dns['RD']).to.equal(1);
    expect(dns['is_destination_broadcast']).to.equal(1);
    expect(dns['rcode_name_NXDOMAIN']).to.equal(1);
    expect(['*', 'A', 'AAAA', 'HTTPS', 'PTR'].map((t) => dns[`qtype_name_${t}`])).to.deep.equal([0, 0, 0, 0, 0]);
    const ssh = vector('SSH', { 'id.orig_h': '45.1.2.3', 'id.resp_h': '192.168.1.194', version: 2, auth_attempts: 4, direction: 'INBOUND' });
    expect([ssh['version_2'], ssh['auth_attempts'], ssh['direction'], ssh['traffic_direction_incoming']]).to.deep.equal([1, 4, 0, 1]);
    const ssl = vector('SSL', { 'id.orig_h': '10.0.0.1', 'id.resp_h': '1.2.3.4', version: 'TLSv13', ssl_history: 'CsxknGIi', cert_chain_fps: ['a', 'b'] });
    expect([ssl['version_TLSv13'], ssl['cert_chain_fps'], ssl['has_cert_chain_fps'], ssl['ssl_history_has_C'], ssl['ssl_history_has_c']]).to.deep.equal([1, 2, 1, 1, 0]);
  });
});
