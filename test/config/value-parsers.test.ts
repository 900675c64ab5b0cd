// The value parsers behind the config keys: durations, shards, listen addresses, CIDRs.
import { expect } from 'chai';
import { cidrValue, ConfigValueError, durationValue, formatDuration, parseListenAddress, shardValue } from '../../src/config/value-parsers.js';
import { didYouMean } from '../../src/config/did-you-mean.js';

describe('config value parsers', () => {
  it('reads durations in s, m, h, d and combinations, and formats them back', () => {
    expect(durationValue('0s', false)).to.equal(0);
    expect(durationValue('90s', false)).to.equal(90);
    expect(durationValue('10m', false)).to.equal(600);
    expect(durationValue('1h30m', false)).to.equal(5400);
    expect(durationValue('1.5h', false)).to.equal(5400);
    expect(durationValue('1d', false)).to.equal(86400);
    expect(durationValue('120', true)).to.equal(120);
    for (const bad of ['10', '10 m', 'm10', '1x', '', '-5s']) expect(() => durationValue(bad, false), bad).to.throw(ConfigValueError);
    for (const s of [0, 45, 600, 5400, 90061]) expect(durationValue(formatDuration(s), false)).to.equal(s);
  });

  it('reads shards as all or k/N with 0 <= k < N', () => {
    expect(shardValue('all', false)).to.equal('all');
    expect(shardValue('0/1', false)).to.deep.equal({ index: 0, count: 1 });
    expect(shardValue('3/4', false)).to.deep.equal({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '1', 'one/two', 2]) expect(() => shardValue(bad, false), String(bad)).to.throw(ConfigValueError);
  });

  it('reads listen addresses, defaulting an empty host to loopback', () => {
    expect(parseListenAddress('127.0.0.1:9477')).to.deep.equal({ host: '127.0.0.1', port: 9477 });
    expect(parseListenAddress('[::1]:0')).to.deep.equal({ host: '::1', port: 0 });
    expect(parseListenAddress(':9477')).to.deep.equal({ host: '127.0.0.1', port: 9477 });
    expect(parseListenAddress('0.0.0.0:9477')).to.deep.equal({ host: '0.0.0.0', port: 9477 });
    for (const bad of ['9477', '127.0.0.1:70000', '[nope]:1', '::1:9477']) expect(() => parseListenAddress(bad), bad).to.throw(ConfigValueError);
  });

  it('accepts IPv4/IPv6 addresses and CIDR blocks and rejects others', () => {
    for (const ok of ['10.0.0.0/8', '192.0.2.1', 'fd00::/8', '::1', '0.0.0.0/0']) expect(cidrValue(ok, false)).to.equal(ok);
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0/8', '10.0.0.0/8/1', '10.0.0.0/x']) expect(() => cidrValue(bad, false), bad).to.throw(ConfigValueError);
  });

  it('suggests the closest key, also for a key in the wrong section, and nothing for nonsense', () => {
    const keys = ['zeek.url', 'zeek.topic_prefix', 'log.level', 'mitigation.never_block'];
    expect(didYouMean('zeek.topic-prefix', keys)).to.equal('zeek.topic_prefix');
    expect(didYouMean('never_block', keys)).to.equal('mitigation.never_block');
    expect(didYouMean('log.levle', keys)).to.equal('log.level');
    expect(didYouMean('completely.unrelated', keys)).to.equal(undefined);
  });
});
