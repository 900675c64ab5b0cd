// Pins the ground-truth sources: a Stratosphere label column (Background is unknown unless listed as
// benign), attacker CIDRs (IPv4 and IPv6, either end), responder ports, and the uid,label CSV.
import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { parseUidLabels, RecordLabeller } from '../../src/eval/labels.js';
import type { ZeekRecord } from '../../src/zeek/record.js';

const conn = (fields: Partial<Record<string, string | number>>): ZeekRecord => ({
  ts: 1,
  uid: 'Cabc',
  'id.orig_h': '10.0.0.1',
  'id.orig_p': 40000,
  'id.resp_h': '10.0.0.2',
  'id.resp_p': 80,
  ...fields,
});

describe('eval labels: label column', () => {
  const labeller = new RecordLabeller({ labelColumn: 'label' });

  it('reads Stratosphere labels: Benign benign, Background and empty unknown, Malicious attack with its detailedlabel', () => {
    expect(labeller.label(conn({ label: 'Benign', detailedlabel: 'Google' }))).to.deep.equal({ verdict: 'benign' });
    expect(labeller.label(conn({ label: 'Background', detailedlabel: '' }))).to.deep.equal({ verdict: 'unknown' });
    expect(labeller.label(conn({ label: '' }))).to.deep.equal({ verdict: 'unknown' });
    expect(labeller.label(conn({}))).to.deep.equal({ verdict: 'unknown' });
    expect(labeller.label(conn({ label: 'Malicious', detailedlabel: 'CC' }))).to.deep.equal({ verdict: 'attack', attackLabel: 'CC' });
    expect(labeller.label(conn({ label: 'Malicious', detailedlabel: '' }))).to.deep.equal({ verdict: 'attack', attackLabel: 'Malicious' });
  });

  it('counts Background as benign when it is listed among the benign labels (any case)', () => {
    const generous = new RecordLabeller({ labelColumn: 'label', benignLabels: ['Benign', 'background'] });
    expect(generous.label(conn({ label: 'Background' }))).to.deep.equal({ verdict: 'benign' });
  });
});

describe('eval labels: attacker CIDRs and ports', () => {
  it('marks records whose originator is in a CIDR, IPv4 and IPv6', () => {
    const labeller = new RecordLabeller({ attackers: ['172.16.1.11/32', '2001:db8:bad::/48'] });
    expect(labeller.label(conn({ 'id.orig_h': '172.16.1.11' })).verdict).to.equal('attack');
    expect(labeller.label(conn({ 'id.orig_h': '172.16.1.12' })).verdict).to.equal('benign');
    expect(labeller.label(conn({ 'id.orig_h': '2001:db8:bad:1::5' })).verdict).to.equal('attack');
    expect(labeller.label(conn({ 'id.orig_h': '2001:db8:bae::5' })).verdict).to.equal('benign');
    // only the originator is matched by default
    expect(labeller.label(conn({ 'id.resp_h': '172.16.1.11' })).verdict).to.equal('benign');
  });

  it('matches the responder or either end when asked', () => {
    const responder = new RecordLabeller({ attackers: ['192.168.1.194'], attackerRole: 'responder' });
    expect(responder.label(conn({ 'id.resp_h': '192.168.1.194' })).verdict).to.equal('attack');
    expect(responder.label(conn({ 'id.orig_h': '192.168.1.194' })).verdict).to.equal('benign');
    const either = new RecordLabeller({ attackers: ['192.168.1.194'], attackerRole: 'either' });
    expect(either.label(conn({ 'id.orig_h': '192.168.1.194' })).verdict).to.equal('attack');
  });

  it('marks records to an attack responder port', () => {
    const labeller = new RecordLabeller({ attackPorts: [1337] });
    expect(labeller.label(conn({ 'id.resp_p': 1337 }))).to.deep.equal({ verdict: 'attack', attackLabel: 'port 1337' });
    expect(labeller.label(conn({ 'id.orig_p': 1337 })).verdict).to.equal('benign');
  });

  it('refuses a malformed CIDR and a run without any ground truth', () => {
    expect(() => new RecordLabeller({ attackers: ['10.0.0.0/33'] })).to.throw(UsageError, /--attackers/);
    expect(() => new RecordLabeller({})).to.throw(UsageError, /no ground truth/);
  });
});

describe('eval labels: uid,label CSV', () => {
  it('labels listed uids as attacks with their label, everything else benign, and reports uids never seen', () => {
    const csv = parseUidLabels('uid,label\nCaaa,scan\nCbbb,beacon\nCzzz,scan\n', 'labels.csv');
    expect(csv.problems).to.deep.equal([]);
    const labeller = new RecordLabeller({}, csv);
    expect(labeller.label(conn({ uid: 'Caaa' }))).to.deep.equal({ verdict: 'attack', attackLabel: 'scan' });
    expect(labeller.label(conn({ uid: 'Cbbb' }))).to.deep.equal({ verdict: 'attack', attackLabel: 'beacon' });
    expect(labeller.label(conn({ uid: 'Cother' }))).to.deep.equal({ verdict: 'benign' });
    expect(labeller.unmatchedUids()).to.deep.equal(['Czzz']);
  });

  it('reports unusable lines with file and line number instead of failing', () => {
    const csv = parseUidLabels('Caaa,scan\nnot a uid!,x\n\n# comment\nCaaa,beacon\nCbbb\n', 'l.csv');
    expect(csv.labels.get('Caaa')).to.equal('scan');
    expect(csv.labels.get('Cbbb')).to.equal('attack');
    expect(csv.problems).to.have.length(2);
    expect(csv.problems[0]).to.match(/^l\.csv:2: /);
    expect(csv.problems[1]).to.match(/^l\.csv:5: uid Caaa listed again/);
  });
});
