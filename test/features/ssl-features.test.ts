// ssl.log features: version/cipher/curve vocabularies, cipher classes, SNI, history letters, chains,
// the 2013 layout (cert_hash, validation_status) and the current one, real logs.
import { expect } from 'chai';
import { sharedDataFile } from '../support/shared-data.js';
import { cipherHasForwardSecrecy, cipherIsWeak } from '../../src/features/ssl-features.js';
import type { ZeekRecord } from '../../src/zeek/record.js';
import { column, expectAllFinite, hotColumns, oneHot, readRecords, trainOn, vectorOf } from './helpers.js';

/** Current layout (Zeek 6+). */
const handshake: ZeekRecord = {
  ts: 1521911720.615923,
  uid: 'CmC9kY1X0u9nP78KZc',
  'id.orig_h': '10.164.94.120',
  'id.orig_p': 39611,
  'id.resp_h': '93.184.216.34',
  'id.resp_p': 443,
  version: 'TLSv12',
  cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  curve: 'secp256r1',
  server_name: 'www.example.com',
  resumed: false,
  established: true,
  ssl_history: 'CsxknGIifi',
  cert_chain_fps: ['b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe', 'cb2db573610f401e8d602917bbbe6ab4162255f208efad909d5440691aa0203c'],
  client_cert_chain_fps: [],
  sni_matches_cert: true,
};

/** The 2013 layout (zat-2013/tsv/ssl.log): no established/ssl_history/curve, cert_hash and validation_status. */
const handshake2013: ZeekRecord = {
  ts: 1379288668.148196,
  uid: 'CnKO90rg6a1qQ9Fc',
  'id.orig_h': '192.168.33.10',
  'id.orig_p': 1033,
  'id.resp_h': '54.230.86.87',
  'id.resp_p': 443,
  version: 'TLSv10',
  cipher: 'TLS_RSA_WITH_RC4_128_MD5',
  subject: 'CN=*.cloudfront.net,O=Amazon.com\\, Inc.,L=Seattle,ST=Washington,C=US',
  issuer_subject: 'CN=DigiCert High Assurance CA-3,OU=www.digicert.com,O=DigiCert Inc,C=US',
  not_valid_before: 1289368800,
  not_valid_after: 1384408799,
  cert_hash: '5976df54f826f8a1bb018f26ed251980',
  validation_status: 'ok',
};

describe('ssl features', () => {
  const featurizer = trainOn('SSL', [handshake, handshake2013]);

  it('classes cipher suites', () => {
    expect(cipherHasForwardSecrecy('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')).to.equal(true);
    expect(cipherHasForwardSecrecy('TLS_AES_256_GCM_SHA384')).to.equal(true);
    expect(cipherHasForwardSecrecy('TLS_RSA_WITH_AES_128_CBC_SHA')).to.equal(false);
    expect(cipherIsWeak('TLS_RSA_WITH_RC4_128_MD5')).to.equal(true);
    expect(cipherIsWeak('TLS_RSA_WITH_3DES_EDE_CBC_SHA')).to.equal(false, '3DES is dated, not broken');
    expect(cipherIsWeak('TLS_RSA_EXPORT_WITH_DES40_CBC_SHA')).to.equal(true);
    expect(cipherIsWeak('TLS_DH_anon_WITH_AES_128_CBC_SHA')).to.equal(true);
    expect(cipherIsWeak('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')).to.equal(false);
  });

  it('gives the documented values for a realistic record', () => {
    const v = vectorOf(featurizer, handshake);
    expect(column(featurizer, v, 'ssl.established')).to.equal(1);
    expect(column(featurizer, v, 'ssl.established_missing')).to.equal(0);
    expect(column(featurizer, v, 'ssl.server_name_present')).to.equal(1);
    expect(column(featurizer, v, 'ssl.server_name_length_log1p')).to.be.closeTo(Math.log1p(15), 1e-12);
    expect(column(featurizer, v, 'ssl.server_name_entropy')).to.be.greaterThan(2);
    expect(column(featurizer, v, 'ssl.sni_matches_cert')).to.equal(1);
    expect(column(featurizer, v, 'ssl.sni_mismatch')).to.equal(0);
    expect(column(featurizer, v, 'ssl.cipher_forward_secrecy')).to.equal(1);
    expect(column(featurizer, v, 'ssl.cipher_weak')).to.equal(0);
    expect(column(featurizer, v, 'ssl.cert_chain_log1p')).to.be.closeTo(Math.log1p(2), 1e-12);
    expect(column(featurizer, v, 'ssl.client_cert_chain_log1p')).to.equal(0);
    expect(column(featurizer, v, 'ssl.ssl_history_server_certificate')).to.equal(1);
    expect(column(featurizer, v, 'ssl.ssl_history_client_certificate')).to.equal(0);
    expect(column(featurizer, v, 'ssl.ssl_history_client_key_exchange')).to.equal(1);
    expect(column(featurizer, v, 'ssl.ssl_history_server_heartbeat')).to.equal(0);
    expect(oneHot(featurizer, v, 'ssl.version')).to.deep.equal(['ssl.version=TLSv12']);
    expect(oneHot(featurizer, v, 'ssl.curve')).to.deep.equal(['ssl.curve=secp256r1']);
    expect(oneHot(featurizer, v, 'ssl.validation_status')).to.deep.equal(['ssl.validation_status:missing']);
    expect(hotColumns(featurizer, v, 'ssl.direction_')).to.deep.equal(['ssl.direction_outbound']);
  });

  it('reads the heartbeat letters of a Heartbleed exchange', () => {
    const v = vectorOf(featurizer, { ...handshake, ssl_history: 'CsxknBb', established: false });
    expect(column(featurizer, v, 'ssl.ssl_history_client_heartbeat')).to.equal(1);
    expect(column(featurizer, v, 'ssl.ssl_history_server_heartbeat')).to.equal(1);
    expect(column(featurizer, v, 'ssl.established')).to.equal(0);
  });

  it('reads the 2013 layout: cert_hash as a one-certificate chain, validation_status learned, no established', () => {
    const v = vectorOf(featurizer, handshake2013);
    expect(column(featurizer, v, 'ssl.established_missing')).to.equal(1);
    expect(column(featurizer, v, 'ssl.ssl_history_missing')).to.equal(1);
    expect(column(featurizer, v, 'ssl.cert_chain_log1p')).to.be.closeTo(Math.log1p(1), 1e-12);
    expect(column(featurizer, v, 'ssl.cert_chain_missing')).to.equal(0);
    expect(column(featurizer, v, 'ssl.cipher_weak')).to.equal(1);
    expect(column(featurizer, v, 'ssl.server_name_present')).to.equal(0);
    expect(column(featurizer, v, 'ssl.server_name_entropy')).to.equal(0);
    expect(oneHot(featurizer, v, 'ssl.validation_status')).to.deep.equal(['ssl.validation_status=ok']);
    expect(oneHot(featurizer, v, 'ssl.curve')).to.deep.equal(['ssl.curve:missing']);
    const olderFuids = vectorOf(featurizer, { ...handshake, cert_chain_fps: undefined as unknown as string[], cert_chain_fuids: ['F1', 'F2', 'F3'] });
    expect(column(featurizer, olderFuids, 'ssl.cert_chain_log1p')).to.be.closeTo(Math.log1p(3), 1e-12);
  });

  it('puts a version, cipher and validation result never seen in training in "unseen"', () => {
    const v = vectorOf(featurizer, { ...handshake2013, version: 'SSLv3', cipher: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', validation_status: 'self signed certificate' });
    expect(oneHot(featurizer, v, 'ssl.version')).to.deep.equal(['ssl.version:unseen']);
    expect(oneHot(featurizer, v, 'ssl.cipher')).to.deep.equal(['ssl.cipher:unseen']);
    expect(oneHot(featurizer, v, 'ssl.validation_status')).to.deep.equal(['ssl.validation_status:unseen']);
  });

  it('classifies IPv6 like IPv4, and follows --local-nets', () => {
    const v6 = vectorOf(featurizer, { ...handshake, 'id.orig_h': 'fe80::aa:bb', 'id.resp_h': '2606:2800:220:1:248:1893:25c8:1946' });
    expect(hotColumns(featurizer, v6, 'ssl.direction_')).to.deep.equal(['ssl.direction_outbound']);
    const none = trainOn('SSL', [handshake], { localNets: [] });
    expect(hotColumns(none, vectorOf(none, handshake), 'ssl.direction_')).to.deep.equal(['ssl.direction_external']);
  });

  it('yields only finite values on every record of real ssl logs (2013, fuids era, 2018, 2019 JSON, 8.2.2)', async function () {
    for (const relative of [
      'zat-2013/tsv/ssl.log',
      'rita-proxy-beacon/tsv/ssl.log',
      'wrccdc2018/tsv/ssl.log.gz',
      'zat-2019-ursnif/json/ssl.log',
      'stratosphere-sdt/011-ctu-normal-43-day1/tsv/ssl.labeled.log.gz',
      'zeek-8.2.2/zeek-tls-heartbleed-success/json/ssl.log',
    ]) {
      const records = await readRecords(sharedDataFile(this, relative));
      const featurizer = expectAllFinite('SSL', records);
      if (relative.startsWith('zat-2013')) {
        expect(column(featurizer, vectorOf(featurizer, records[0]!), 'ssl.cert_chain_log1p')).to.be.closeTo(Math.log1p(1), 1e-12);
      }
    }
  });
});
