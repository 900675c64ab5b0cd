// Vocabularies: top-K with a minimum count, deterministic ties, other/missing/unseen slots, and the vocabularySize option.
import { expect } from 'chai';
import { featurizerFromState, VocabularyLearner } from '../../src/features/index.js';
import { MAX_SEEN_VALUES, MIN_VOCABULARY_COUNT, Vocabulary, VocabularyCounter } from '../../src/features/vocabulary.js';
import { oneHot, trainOn, vectorOf } from './helpers.js';
import type { ZeekRecord } from '../../src/zeek/record.js';

describe('vocabulary', () => {
  it('keeps the K most frequent values seen at least the minimum count, ties by value', () => {
    const counter = new VocabularyCounter();
    const seen: [string | number, number][] = [['http', 9], ['dns', 5], ['ssl', 5], ['ssh', 4], ['ftp', MIN_VOCABULARY_COUNT - 1], [443, 6]];
    let row = 0;
    for (const [value, times] of seen) for (let i = 0; i < times; i++) counter.observe(value, row++);
    counter.observe(undefined, row++);
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

  it('with novelty, tells a value training had (other) from one it never had (unseen)', () => {
    const vocabulary = new Vocabulary(['tcp', 'udp'], { seen: ['icmp', 'tcp'] });
    expect(vocabulary.width).to.equal(5);
    expect(vocabulary.slotOf('tcp')).to.equal(0);
    expect(vocabulary.slotOf('icmp')).to.equal(vocabulary.otherSlot);
    expect(vocabulary.slotOf('sctp')).to.equal(vocabulary.unseenSlot).and.to.equal(4);
    expect(vocabulary.slotOf(undefined)).to.equal(vocabulary.missingSlot);
    // too many values in training to tell: everything outside the list is other, the slot stays
    const varied = new Vocabulary(['tcp'], { seen: null });
    expect(varied.width).to.equal(4);
    expect(varied.slotOf('sctp')).to.equal(varied.otherSlot);
  });

  it('remembers the values first seen before a given record, up to a bound, and forgets them once it had to prune', () => {
    const counter = new VocabularyCounter();
    ['b', 'a', 'b', 7, 'c'].forEach((value, row) => counter.observe(value, row));
    expect(counter.seenBefore(3)).to.deep.equal(['a', 'b']); // 7 is first seen at row 3
    expect(counter.seenBefore(5)).to.deep.equal([7, 'a', 'b', 'c']);
    const many = new VocabularyCounter();
    for (let i = 0; i <= MAX_SEEN_VALUES; i++) many.observe(i, i);
    expect(many.seenBefore(MAX_SEEN_VALUES)).to.have.length(MAX_SEEN_VALUES);
    expect(many.seenBefore(MAX_SEEN_VALUES + 1)).to.equal(undefined);
    const pruned = new VocabularyCounter();
    for (let i = 0; i < 50_001; i++) pruned.observe(`value ${i}`, 0);
    expect(pruned.seenBefore(1)).to.equal(undefined);
  });

  it('learns unseen slots for protocol fields only, from the rows it is told, and keeps them in the model state', () => {
    const learner = new VocabularyLearner('HTTP', { hostContext: false });
    const base: ZeekRecord = { method: 'GET', status_code: 200, user_agent: 'curl/8', 'id.resp_p': 80 };
    for (let i = 0; i < 5; i++) learner.observe(base);
    learner.observe({ ...base, method: 'PUT', user_agent: 'wget' }); // row 5: in training, once
    learner.observe({ ...base, method: 'DELETE' }); // row 6: after the rows the model learns from
    const featurizer = learner.build(6);
    const reloaded = featurizerFromState(featurizer.toState());
    for (const f of [featurizer, reloaded]) {
      expect(oneHot(f, vectorOf(f, { ...base, method: 'PUT' }), 'http.method')).to.deep.equal(['http.method:other']);
      expect(oneHot(f, vectorOf(f, { ...base, method: 'DELETE' }), 'http.method')).to.deep.equal(['http.method:unseen']);
      expect(oneHot(f, vectorOf(f, { ...base, method: 'BREW' }), 'http.method')).to.deep.equal(['http.method:unseen']);
      expect(oneHot(f, vectorOf(f, { ...base, 'id.resp_p': 8080 }), 'http.resp_port')).to.deep.equal(['http.resp_port:unseen']);
      // free text has no unseen column: a new user agent is everyday
      expect(oneHot(f, vectorOf(f, { ...base, user_agent: 'new/1' }), 'http.user_agent')).to.deep.equal(['http.user_agent:other']);
      expect(f.schema.names).to.not.include('http.user_agent:unseen');
      expect(f.describe(f.schema.names.indexOf('http.method:unseen'))).to.equal('request method is a value never seen in training');
      // explanations name the record's own value, only for the column it is in
      const at = (name: string) => f.schema.names.indexOf(name);
      expect(f.valueText(at('http.method:unseen'), { ...base, method: 'DELETE' })).to.equal('"DELETE"');
      expect(f.valueText(at('http.method:other'), { ...base, method: 'PUT' })).to.equal('"PUT"');
      expect(f.valueText(at('http.method:other'), base)).to.equal(undefined);
      expect(f.valueText(at('http.method:unseen'), { ...base, method: 'PUT' })).to.equal(undefined);
      expect(f.valueText(at('http.method=GET'), base)).to.equal(undefined);
      expect(f.valueText(at('http.resp_port:unseen'), { ...base, 'id.resp_p': 8080 })).to.equal('8080');
      // a value from the wire is quoted short, whole characters only
      const long = f.valueText(at('http.method:unseen'), { ...base, method: `${'X'.repeat(62)}😀${'Y'.repeat(500)}` })!;
      expect(long).to.equal(`"${'X'.repeat(62)}…"`);
      expect(f.valueText(at('http.method:unseen'), { ...base, method: 'M'.repeat(64) })).to.equal(`"${'M'.repeat(64)}"`);
    }
    expect(reloaded.schema.hash).to.equal(featurizer.schema.hash);
    // without a row bound every value observed counts as seen
    expect(oneHot(learner.build(), vectorOf(learner.build(), { ...base, method: 'DELETE' }), 'http.method')).to.deep.equal(['http.method:other']);
  });

  it('learns vocabularies from data (not a fixed list), and vocabularySize lowers every field cap', () => {
    const base: ZeekRecord = { 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2', 'id.resp_p': 80, proto: 'tcp', conn_state: 'SF' };
    const services = ['http', 'dns', 'gopher', 'quic'].map((service) => ({ ...base, service }));
    const wide = trainOn('CONN', services);
    expect(wide.schema.names.filter((n) => n.startsWith('conn.service='))).to.have.members(['conn.service=http', 'conn.service=dns', 'conn.service=gopher', 'conn.service=quic']);
    expect(oneHot(wide, vectorOf(wide, { ...base, service: 'gopher' }), 'conn.service')).to.deep.equal(['conn.service=gopher']);
    const narrow = trainOn('CONN', services, { vocabularySize: 1 });
    expect(narrow.schema.names.filter((n) => n.startsWith('conn.service'))).to.have.length(4);
    expect(narrow.width).to.be.lessThan(wide.width);
  });

  it('does not learn values seen fewer times than the minimum', () => {
    const base: ZeekRecord = { proto: 'tcp', service: 'http' };
    const featurizer = trainOn('CONN', [base, { ...base, service: 'rare' }], {}, MIN_VOCABULARY_COUNT - 1);
    expect(featurizer.schema.names.filter((n) => n.startsWith('conn.service='))).to.deep.equal([]);
  });
});
