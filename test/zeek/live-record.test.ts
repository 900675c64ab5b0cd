// parseLiveRecord: nested to_json records made flat like log lines, and strict refusal of untrusted bad input.
import { expect } from 'chai';
import { parseLiveRecord } from '../../src/zeek/live-record.js';

const where = { file: 'websocket:autozeekwatch/logs/0/conn', line: 0 };
const LIVE_CONN = '{"ts":1300475167.096535,"uid":"CHhAvVGS1DHFjwGM9","id":{"orig_h":"141.142.220.202","orig_p":{"port":5353,"proto":"udp"},"resp_h":"224.0.0.251","resp_p":{"port":5353,"proto":"udp"},"ctx":{}},"proto":"udp","duration":8.219155,"local_orig":false,"tunnel_parents":[],"ip_proto":17}';

describe('zeek/live-record', () => {
  it('flattens id, turns port objects into numbers, keeps their protocol as id.proto and drops ctx:{}', () => {
    expect(parseLiveRecord(LIVE_CONN, where, 'conn')).to.deep.equal({
      ts: 1300475167.096535, uid: 'CHhAvVGS1DHFjwGM9', 'id.orig_h': '141.142.220.202', 'id.orig_p': 5353,
      'id.resp_h': '224.0.0.251', 'id.resp_p': 5353, 'id.proto': 'udp', proto: 'udp', duration: 8.219155,
      local_orig: false, tunnel_parents: [], ip_proto: 17,
    });
  });

  it('keeps id.proto for streams without a proto column (http)', () => {
    const record = parseLiveRecord('{"ts":1,"id":{"orig_h":"a","orig_p":{"port":1,"proto":"tcp"},"resp_h":"b","resp_p":{"port":80,"proto":"tcp"}},"method":"GET","tags":[]}', where, 'http');
    expect(record).to.include({ 'id.proto': 'tcp', 'id.resp_p': 80, method: 'GET' });
  });

  it('drops null (unset or NaN) fields and keeps vector holes as null', () => {
    expect(parseLiveRecord('{"ts":1,"rtt":null,"TTLs":[1.0,null]}', where)).to.deep.equal({ ts: 1, TTLs: [1, null] });
  });

  for (const [name, json, reason, field] of [
    ['invalid JSON (raw control byte, as Zeek can send)', '{"ts":1,"query":"a\u0001b', 'invalid-json', undefined],
    ['a lone surrogate in the text', '{"ts":1,"q":"\ud800"}', 'invalid-utf8', undefined],
    ['an escaped lone surrogate', '{"ts":1,"q":"\\ud800"}', 'invalid-utf8', 'q'],
    ['an escaped lone surrogate in a field name', '{"ts":1,"\\udc00x":1}', 'invalid-utf8', '\udc00x'],
    ['an escaped lone surrogate after an escaped backslash', '{"ts":1,"q":"\\\\\\ud800"}', 'invalid-utf8', 'q'],
    ['a string ts', '{"ts":"now"}', 'bad-ts', 'ts'],
    ['a port out of range', '{"ts":1,"id":{"orig_p":{"port":70000,"proto":"tcp"}}}', 'bad-value', 'id.orig_p'],
    ['a string duration in conn', '{"ts":1,"duration":"8.0 secs 219.0 msecs"}', 'bad-value', 'duration'],
    ['a number where conn wants a string', '{"ts":1,"id":{"orig_h":17}}', 'bad-value', 'id.orig_h'],
    ['a top-level array', '[]', 'not-an-object', undefined],
    ['deep nesting', `{"ts":1,"a":${'{"b":'.repeat(20)}1${'}'.repeat(20)}}`, 'bad-value', undefined],
    ['a __proto__ key', '{"ts":1,"__proto__":{"polluted":true}}', 'bad-value', '__proto__'],
  ] as const) {
    it(`refuses ${name} (${reason})`, () => {
      let caught: { reason?: string; field?: string; file?: string } = {};
      try {
        parseLiveRecord(json, where, 'conn');
      } catch (err) {
        caught = err as typeof caught;
      }
      expect(caught.reason).to.equal(reason);
      if (field !== undefined) expect(caught.field).to.equal(field);
      expect(caught.file).to.equal(where.file);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  }

  it('reads escaped surrogate pairs and escaped backslashes before a u as the text they stand for', () => {
    const record = parseLiveRecord('{"ts":1,"q":"\\ud83d\\ude00","path":"C:\\\\users"}', where);
    expect(record).to.include({ q: '\u{1f600}', path: 'C:\\users' });
  });

  it('refuses a record longer than the cap without parsing it', () => {
    expect(() => parseLiveRecord(`{"ts":1,"q":"${'a'.repeat(1 << 20)}"}`, where)).to.throw().with.property('reason', 'line-too-long');
  });
});
