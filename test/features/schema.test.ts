// Feature schemas and featurizer state: hash over version/module/names, round trip through plain data
// (and msgpack), refusal of a mismatched state with the typed error, host-context routing.
import { expect } from 'chai';
import { pack, unpack } from 'msgpackr';
import { ModelFormatError } from '../../src/errors.js';
import { FEATURE_SCHEMA_VERSION, FeatureSchemaMismatchError, VocabularyLearner, featurizerFromState, type FeaturizerState } from '../../src/features/index.js';
import { schemaHash } from '../../src/features/schema.js';
import { LOG_MODULES, type ZeekRecord } from '../../src/zeek/record.js';
import { trainOn } from './helpers.js';

const records: Record<string, ZeekRecord[]> = {
  CONN: [
    { ts: 1, 'id.orig_h': '10.0.0.1', 'id.orig_p': 5000, 'id.resp_h': '8.8.8.8', 'id.resp_p': 53, proto: 'udp', service: 'dns', duration: 0.1, orig_bytes: 40, resp_bytes: 90, conn_state: 'SF', history: 'Dd', orig_pkts: 1, resp_pkts: 1 },
    { ts: 2, 'id.orig_h': '10.0.0.1', 'id.orig_p': 5001, 'id.resp_h': '1.1.1.1', 'id.resp_p': 443, proto: 'tcp', service: 'ssl', duration: 3, orig_bytes: 900, resp_bytes: 5000, conn_state: 'SF', history: 'ShADadFf', orig_pkts: 9, resp_pkts: 8 },
  ],
  DNS: [{ ts: 1, 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', query: 'example.com', qtype_name: 'A', rcode_name: 'NOERROR', rtt: 0.01, answers: ['93.184.216.34'], TTLs: [300] }],
  HTTP: [{ ts: 1, 'id.orig_h': '10.0.0.1', 'id.resp_h': '93.184.216.34', 'id.resp_p': 80, method: 'GET', host: 'example.com', uri: '/a?b=1', status_code: 200, user_agent: 'curl/8' }],
  SSH: [{ ts: 1, 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.22', 'id.resp_p': 22, version: 2, auth_success: true, auth_attempts: 1, client: 'SSH-2.0-OpenSSH_9.6', server: 'SSH-2.0-OpenSSH_9.2p1 Debian-2' }],
  SSL: [{ ts: 1, 'id.orig_h': '10.0.0.1', 'id.resp_h': '1.1.1.1', 'id.resp_p': 443, version: 'TLSv13', cipher: 'TLS_AES_128_GCM_SHA256', server_name: 'one.one.one.one', established: true, ssl_history: 'CsiI' }],
};

function vectors(featurizer: ReturnType<typeof trainOn>, rows: readonly ZeekRecord[]): number[][] {
  return rows.map((row) => {
    const out = new Float64Array(featurizer.width);
    featurizer.featurize(row, out);
    return [...out];
  });
}

describe('feature schema and state', () => {
  it('hashes version, module and names: any change gives another hash', () => {
    const names = ['conn.a', 'conn.b'];
    const hash = schemaHash('CONN', 1, names);
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    expect(schemaHash('CONN', 1, [...names])).to.equal(hash);
    expect(schemaHash('CONN', 1, ['conn.a', 'conn.c'])).to.not.equal(hash);
    expect(schemaHash('CONN', 1, ['conn.b', 'conn.a'])).to.not.equal(hash);
    expect(schemaHash('CONN', 2, names)).to.not.equal(hash);
    expect(schemaHash('DNS', 1, names)).to.not.equal(hash);
    expect(schemaHash('CONN', 1, ['conn.a\nconn.b'])).to.not.equal(hash);
  });

  it('gives each module a versioned, named, hashed schema whose hash follows the learned vocabulary', () => {
    const a = trainOn('CONN', records.CONN!);
    expect(a.schema.module).to.equal('CONN');
    expect(a.schema.version).to.equal(FEATURE_SCHEMA_VERSION.CONN);
    expect(a.schema.names).to.have.length(a.width);
    expect(a.schema.hash).to.equal(schemaHash('CONN', a.schema.version, a.schema.names));
    const b = trainOn('CONN', [records.CONN![0]!]);
    expect(b.schema.hash).to.not.equal(a.schema.hash);
  });

  for (const module of LOG_MODULES) {
    it(`round-trips a ${module} featurizer through toState → msgpack → featurizerFromState to identical output`, () => {
      const learner = new VocabularyLearner(module, { localNets: ['10.0.0.0/8', 'fd00::/8'], vocabularySize: 5 });
      for (let i = 0; i < 3; i++) for (const row of records[module]!) learner.observe(row);
      expect(learner.observed).to.equal(3 * records[module]!.length);
      const original = learner.build();
      const state = unpack(pack(original.toState())) as FeaturizerState;
      expect(JSON.parse(JSON.stringify(state))).to.deep.equal(state);
      const restored = featurizerFromState(state);
      expect(restored.schema).to.deep.equal(original.schema);
      const rows = [...records[module]!, { ...records[module]![0]!, 'id.orig_h': '2001:db8::1', 'id.resp_h': 'fd00::1' }];
      expect(vectors(restored, rows)).to.deep.equal(vectors(original, rows));
      expect(restored.describe(0)).to.equal(original.describe(0));
      expect(restored.display(0, 1)).to.equal(original.display(0, 1));
    });
  }

  it('refuses a state from another schema version with FeatureSchemaMismatchError (code SCHEMA_MISMATCH)', () => {
    const state = trainOn('DNS', records.DNS!).toState();
    const error = catchError(() => featurizerFromState({ ...state, version: state.version + 1 }));
    expect(error).to.be.instanceOf(FeatureSchemaMismatchError);
    expect(error).to.be.instanceOf(ModelFormatError);
    expect((error as FeatureSchemaMismatchError).code).to.equal('SCHEMA_MISMATCH');
    expect((error as Error).message).to.match(/DNS.*version/);
  });

  it('refuses a state whose hash differs (features changed, or vocabulary tampered with)', () => {
    const state = trainOn('SSL', records.SSL!).toState();
    expect(() => featurizerFromState({ ...state, hash: '0'.repeat(64) })).to.throw(FeatureSchemaMismatchError, /retrain/);
    const tampered = { ...state, vocabularies: { ...state.vocabularies, cipher: ['TLS_NULL_WITH_NULL_NULL'] } };
    expect(() => featurizerFromState(tampered)).to.throw(FeatureSchemaMismatchError);
    expect(() => featurizerFromState({ ...state, module: 'SMB' as never })).to.throw(FeatureSchemaMismatchError, /SMB/);
  });

  it('refuses something that is not a featurizer state with ModelFormatError', () => {
    const state = trainOn('SSH', records.SSH!).toState();
    for (const bad of [null, {}, { ...state, format: 'other' }, { ...state, localNets: ['10.0.0.0/99'] }, { ...state, vocabularies: { client_software: [{}] } }]) {
      const error = catchError(() => featurizerFromState(bad as unknown as FeaturizerState));
      expect(error, JSON.stringify(bad)).to.be.instanceOf(ModelFormatError);
      expect(error).to.not.be.instanceOf(FeatureSchemaMismatchError);
    }
  });

  it('appends the host-context block when asked, and routes describe/display/reset to it', () => {
    const without = trainOn('CONN', records.CONN!, { hostContext: false });
    const withHost = trainOn('CONN', records.CONN!, { hostContext: true });
    expect(withHost.schema.names.slice(0, without.width)).to.deep.equal(without.schema.names);
    expect(withHost.width).to.be.at.least(without.width);
    if (withHost.width > without.width) {
      expect(withHost.schema.hash).to.not.equal(without.schema.hash);
      expect(withHost.describe(without.width)).to.be.a('string').and.not.equal('');
      expect(withHost.display(without.width, 0)).to.be.a('string');
    }
    const out = new Float64Array(withHost.width);
    for (const row of records.CONN!) withHost.featurize(row, out);
    withHost.reset();
    expect(out.every(Number.isFinite)).to.equal(true);
    expect(() => withHost.describe(withHost.width)).to.throw(RangeError);
    expect(() => withHost.featurize(records.CONN![0]!, new Float64Array(withHost.width - 1))).to.throw(/slots/);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
