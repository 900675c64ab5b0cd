// Vocabularies: top-K with a minimum count, deterministic ties, other/missing slots, and the vocabularySize option.
import { expect } from 'chai';
import { MIN_VOCABULARY_COUNT, Vocabulary, VocabularyCounter } from '../../src/features/vocabulary.js';
import { oneHot, trainOn, vectorOf } from './helpers.js';
import type { ZeekRecord } from '../../src/zeek/record.js';

describe('vocabulary', () => {
  it('keeps the K most frequent values seen at least the minimum count, ties by value', () => {
    const counter = new VocabularyCounter();
    const seen: [string | number, number][] = [['http', 9], ['dns', 5], ['ssl', 5], ['ssh', 4], ['ftp', MIN_VOCABULARY_COUNT - 1], [443, 6]];
    for (const [value, times] of seen) for (let i = 0; i < times; i++) counter.observe(value);
    counter.observe(undefined);
    expect(counter.top(3)).to.deep.equal(['http', 443, 'dns']);
    expect(counter.top(10)).to.deep.equal(['http', 443, 'dns', 'ssl', 'ssh']);
    expect(counter.top(0)).to.deep.equal([]);
  });

  it('maps known values to their slot, anything else to other, unset to missing', () => {
    const vocabulary = new Vocabulary(['tcp', 'udp']);
    expect(vocabulary.width).to.equal(4);
    expect(vocabulary.slotOf('udp')).to.equal(1);
    expect(vocabulary.slotOf('icmp')).to.equal(vocabulary.otherSlot);
    expect(vocabulary.slotOf(17)).to.equal(vocabulary.otherSlot);
    expect(vocabulary.slotOf(undefined)).to.equal(vocabulary.missingSlot);
    expect(() => new Vocabulary(['a', 'a'])).to.throw(RangeError);
  });

  it('learns vocabularies from data (not a fixed list), and vocabularySize lowers every field cap', () => {
    const base: ZeekRecord = { 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2', 'id.resp_p': 80, proto: 'tcp', conn_state: 'SF' };
    const services = ['http', 'dns', 'gopher', 'quic'].map((service) => ({ ...base, service }));
    const wide = trainOn('CONN', services);
    expect(wide.schema.names.filter((n) => n.startsWith('conn.service='))).to.have.members(['conn.service=http', 'conn.service=dns', 'conn.service=gopher', 'conn.service=quic']);
    expect(oneHot(wide, vectorOf(wide, { ...base, service: 'gopher' }), 'conn.service')).to.deep.equal(['conn.service=gopher']);
    const narrow = trainOn('CONN', services, { vocabularySize: 1 });
    expect(narrow.schema.names.filter((n) => n.startsWith('conn.service'))).to.have.length(3);
    expect(narrow.width).to.be.lessThan(wide.width);
  });

  it('does not learn values seen fewer times than the minimum', () => {
    const base: ZeekRecord = { proto: 'tcp', service: 'http' };
    const featurizer = trainOn('CONN', [base, { ...base, service: 'rare' }], {}, MIN_VOCABULARY_COUNT - 1);
    expect(featurizer.schema.names.filter((n) => n.startsWith('conn.service='))).to.deep.equal([]);
  });
});
