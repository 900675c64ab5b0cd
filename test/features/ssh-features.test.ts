// ssh.log features: auth outcome, software and algorithm vocabularies, banners, logs without auth_success, real logs.
import { expect } from 'chai';
import { sharedDataFile } from '../support/shared-data.js';
import { sshSoftware } from '../../src/features/ssh-features.js';
import type { ZeekRecord } from '../../src/zeek/record.js';
import { column, expectAllFinite, hotColumns, oneHot, readRecords, trainOn, vectorOf } from './helpers.js';

const login: ZeekRecord = {
  ts: 1521911921.43646,
  uid: 'CmvGHd2utfyynxhHN4',
  'id.orig_h': '10.128.0.233',
  'id.orig_p': 41540,
  'id.resp_h': '10.47.27.186',
  'id.resp_p': 22,
  version: 2,
  auth_success: true,
  auth_attempts: 1,
  client: 'SSH-2.0-OpenSSH_7.6p1 Debian-4',
  server: 'SSH-2.0-OpenSSH_6.7p1 Debian-5+deb8u4',
  cipher_alg: 'chacha20-poly1305@openssh.com',
  mac_alg: 'umac-64-etm@openssh.com',
  compression_alg: 'none',
  kex_alg: 'curve25519-sha256@libssh.org',
  host_key_alg: 'ecdsa-sha2-nistp256',
  host_key: '79:f0:93:5b:02:a4:f4:ff:82:f4:76:ca:4b:dd:ef:25',
};

describe('ssh features', () => {
  const featurizer = trainOn('SSH', [login, { ...login, auth_success: false, auth_attempts: 3 }]);

  it('reduces a banner to its software token', () => {
    expect(sshSoftware('SSH-2.0-OpenSSH_7.6p1 Debian-4')).to.equal('OpenSSH_7.6p1');
    expect(sshSoftware('SSH-2.0-libssh_0.9.6')).to.equal('libssh_0.9.6');
    expect(sshSoftware('SSH-1.99-Cisco-1.25')).to.equal('Cisco-1.25');
    expect(sshSoftware('\\x16\\x03\\x01\\x00')).to.equal('\\x16\\x03\\x01\\x00');
  });

  it('gives the documented values for a realistic record', () => {
    const v = vectorOf(featurizer, login);
    expect(column(featurizer, v, 'ssh.auth_success')).to.equal(1);
    expect(column(featurizer, v, 'ssh.auth_failure')).to.equal(0);
    expect(column(featurizer, v, 'ssh.auth_unknown')).to.equal(0);
    expect(column(featurizer, v, 'ssh.auth_attempts_log1p')).to.be.closeTo(Math.log1p(1), 1e-12);
    expect(column(featurizer, v, 'ssh.client_is_ssh_banner')).to.equal(1);
    expect(oneHot(featurizer, v, 'ssh.client_software')).to.deep.equal(['ssh.client_software=OpenSSH_7.6p1']);
    expect(oneHot(featurizer, v, 'ssh.server_software')).to.deep.equal(['ssh.server_software=OpenSSH_6.7p1']);
    expect(oneHot(featurizer, v, 'ssh.kex_alg')).to.deep.equal(['ssh.kex_alg=curve25519-sha256@libssh.org']);
    expect(oneHot(featurizer, v, 'ssh.version')).to.deep.equal(['ssh.version=2']);
    expect(oneHot(featurizer, v, 'ssh.resp_port')).to.deep.equal(['ssh.resp_port=22']);
    expect(hotColumns(featurizer, v, 'ssh.direction_')).to.deep.equal(['ssh.direction_internal']);
    const failed = vectorOf(featurizer, { ...login, auth_success: false, auth_attempts: 3 });
    expect(column(featurizer, failed, 'ssh.auth_failure')).to.equal(1);
    expect(featurizer.display(featurizer.schema.names.indexOf('ssh.auth_attempts_log1p'), column(featurizer, failed, 'ssh.auth_attempts_log1p'))).to.equal('3');
  });

  it('puts new software in "other" and an algorithm never seen in "unseen", and notices a TLS hello sent to port 22', () => {
    const v = vectorOf(featurizer, { ...login, client: '\\x16\\x03\\x01\\x00\\xa5\\x01', kex_alg: 'diffie-hellman-group1-sha1', server: 'SSH-2.0-dropbear_2019.78' });
    expect(oneHot(featurizer, v, 'ssh.client_software')).to.deep.equal(['ssh.client_software:other']);
    expect(oneHot(featurizer, v, 'ssh.server_software')).to.deep.equal(['ssh.server_software:other']);
    expect(oneHot(featurizer, v, 'ssh.kex_alg')).to.deep.equal(['ssh.kex_alg:unseen']);
    expect(column(featurizer, v, 'ssh.client_is_ssh_banner')).to.equal(0);
  });

  it('handles a log without auth_success (older or truncated sessions): outcome unknown', () => {
    // Shape of stratosphere-sdt/004 JSON: no auth_success, no server, no algorithms.
    const early: ZeekRecord = { ts: 1663683561.7, uid: 'Cw', 'id.orig_h': '10.0.83.193', 'id.orig_p': 33728, 'id.resp_h': '172.16.1.49', 'id.resp_p': 22, auth_attempts: 0, direction: 'INBOUND', client: 'SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5' };
    const v = vectorOf(featurizer, early);
    expect(column(featurizer, v, 'ssh.auth_unknown')).to.equal(1);
    expect(column(featurizer, v, 'ssh.auth_success')).to.equal(0);
    expect(column(featurizer, v, 'ssh.auth_failure')).to.equal(0);
    expect(column(featurizer, v, 'ssh.auth_attempts_missing')).to.equal(0);
    expect(column(featurizer, v, 'ssh.server_is_ssh_banner')).to.equal(0);
    expect(oneHot(featurizer, v, 'ssh.server_software')).to.deep.equal(['ssh.server_software:missing']);
    expect(oneHot(featurizer, v, 'ssh.cipher_alg')).to.deep.equal(['ssh.cipher_alg:missing']);
    const { auth_attempts: _a, ...noAttempts } = early;
    const w = vectorOf(featurizer, noAttempts);
    expect(column(featurizer, w, 'ssh.auth_attempts_missing')).to.equal(1);
    expect(column(featurizer, w, 'ssh.auth_attempts_log1p')).to.equal(0);
  });

  it('classifies IPv6 hosts like IPv4 ones, and follows --local-nets', () => {
    const honeypot = { ...login, 'id.orig_h': '2001:718:2:1663::1ce', 'id.resp_h': '2001:718:2:1663:2d1c:6afd:7fc2:31f8' };
    expect(hotColumns(featurizer, vectorOf(featurizer, honeypot), 'ssh.direction_')).to.deep.equal(['ssh.direction_external']);
    const czech = trainOn('SSH', [login], { localNets: ['2001:718::/32'] });
    expect(hotColumns(czech, vectorOf(czech, honeypot), 'ssh.direction_')).to.deep.equal(['ssh.direction_internal']);
    expect(hotColumns(czech, vectorOf(czech, login), 'ssh.direction_')).to.deep.equal(['ssh.direction_external']);
  });

  it('yields only finite values on every record of real ssh logs (with and without auth_success, IPv6, brute force)', async function () {
    for (const relative of ['wrccdc2018/tsv/ssh.log.gz', 'stratosphere-sdt/004-ssh-logins/json/ssh.log', 'stratosphere-sdt/006-ssh-honeypot/tsv/ssh.log', 'stratosphere-sdt/007-ssh-honeypot-infected/json/ssh.log.gz', 'zeek-8.2.2/zeek-sshguess/json/ssh.log']) {
      const records = await readRecords(sharedDataFile(this, relative));
      const featurizer = expectAllFinite('SSH', records);
      if (relative.startsWith('stratosphere-sdt/004')) {
        expect(records.every((r) => !('auth_success' in r))).to.equal(true);
        expect(column(featurizer, vectorOf(featurizer, records[0]!), 'ssh.auth_unknown')).to.equal(1);
      }
    }
  });
});
