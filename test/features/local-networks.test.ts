// --local-nets: IPv4 and IPv6 CIDR parsing and matching, IPv4-mapped IPv6, defaults, bad input.
import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { DEFAULT_LOCAL_NETS, parseLocalNets } from '../../src/features/index.js';
import { parseAddressInto } from '../../src/features/local-networks.js';

function words(address: string): number[] | 0 {
  const out = new Uint32Array(4);
  return parseAddressInto(address, out) === 0 ? 0 : [...out];
}

describe('local networks', () => {
  it('parses IPv4, IPv6, compressed, embedded-IPv4 and zoned addresses to 128-bit words', () => {
    expect(words('10.1.2.3')).to.deep.equal([0, 0, 0xffff, 0x0a010203]);
    expect(words('::ffff:10.1.2.3')).to.deep.equal([0, 0, 0xffff, 0x0a010203]);
    expect(words('::ffff:a01:203')).to.deep.equal([0, 0, 0xffff, 0x0a010203]);
    expect(words('2001:db8::1')).to.deep.equal([0x20010db8, 0, 0, 1]);
    expect(words('2001:DB8:0:0:0:0:0:1')).to.deep.equal([0x20010db8, 0, 0, 1]);
    expect(words('fe80::1%eth0')).to.deep.equal([0xfe800000, 0, 0, 1]);
    expect(words('::')).to.deep.equal([0, 0, 0, 0]);
    expect(words('::1')).to.deep.equal([0, 0, 0, 1]);
    expect(words('1::')).to.deep.equal([0x00010000, 0, 0, 0]);
    expect(words('1:2:3:4:5:6:7:8')).to.deep.equal([0x00010002, 0x00030004, 0x00050006, 0x00070008]);
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['', '10.1.2', '10.1.2.256', '1.2.3.4.5', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', ':1', '1:', 'example.com', '1.2.3.04444']) {
      expect(words(bad), bad).to.equal(0);
    }
  });

  it('defaults to RFC 1918, RFC 4193, loopback and link-local for both families', () => {
    const nets = parseLocalNets(DEFAULT_LOCAL_NETS);
    for (const local of ['10.9.8.7', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.3.4', 'fd00::1', 'fc12::9', '::1', 'fe80::abcd%en0', '::ffff:192.168.0.9']) {
      expect(nets.contains(local), local).to.equal(true);
    }
    for (const remote of ['172.32.0.1', '8.8.8.8', '11.0.0.1', '2001:4860:4860::8888', 'fec0::1', '::2', '::ffff:8.8.8.8', 'not-an-address']) {
      expect(nets.contains(remote), remote).to.equal(false);
    }
  });

  it('matches custom prefixes of any length, ignoring host bits', () => {
    const nets = parseLocalNets(['198.51.100.77/25', '2001:db8:abcd:12::/63', '203.0.113.5']);
    expect(nets.contains('198.51.100.0')).to.equal(true);
    expect(nets.contains('198.51.100.127')).to.equal(true);
    expect(nets.contains('198.51.100.128')).to.equal(false);
    expect(nets.contains('2001:db8:abcd:13:ffff::1')).to.equal(true);
    expect(nets.contains('2001:db8:abcd:14::1')).to.equal(false);
    expect(nets.contains('203.0.113.5')).to.equal(true);
    expect(nets.contains('203.0.113.6')).to.equal(false);
    expect(parseLocalNets(['0.0.0.0/0']).contains('2001:db8::1')).to.equal(false, 'an IPv4 prefix never matches a real IPv6 address');
    expect(parseLocalNets(['::/0']).contains('8.8.8.8')).to.equal(true);
    expect(parseLocalNets([]).contains('10.0.0.1')).to.equal(false);
  });

  it('refuses a bad CIDR with a UsageError naming it', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0/8', 'ten/8', '10.0.0.0/', '10.0.0.0/-1', 'fe80::%eth0/10']) {
      expect(() => parseLocalNets([bad]), bad).to.throw(UsageError, bad);
    }
  });
});
