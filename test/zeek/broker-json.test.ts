// Broker JSON v1 codec: every data type both ways, events, framing, and the exact frames of a real Zeek 8.2.2.
import { expect } from 'chai';
import {
  BrokerJsonError, BROKER_DATA_TYPES, address, boolean, brokerToEvent, count, decodeBrokerData, encodeBrokerData,
  encodeDataMessage, encodeError, encodeEventMessage, encodeHandshake, encodeStringElement, enumValue, eventToBroker, formatReal,
  formatTimespan, formatTimestamp, integer, none, parseJsonKeepingNumbers, parseServerMessage, parseTimespan,
  parseTimestamp, port, real, repairZeekJson, set, string, subnet, table, timespan, timestamp, vector,
  type BrokerData, type BrokerEvent, type EncodeOptions,
} from '../../src/zeek/broker-json.js';
import {
  CLIENT_ECHO_PREFIX, CLIENT_INTEGER_FOR_COUNT_PREFIX, CLIENT_REAL_WITHOUT_POINT_PREFIX, CLIENT_STOP,
  CLIENT_UNKNOWN_EVENT_PREFIX, CLIENT_WRONG_ARG_COUNT, ZEEK_ACK, ZEEK_ECHOED_EVENT, ZEEK_SAMPLE_EVENT,
} from '../zeek-emulator/transcript-frames.js';
import { encodeLogRecordsMessage, logRecordsEvent, readLogRecordsEvent } from '../../src/zeek/broker-contract.js';

/** One value of every type, as the real probe's AZW::echo arguments. */
const EVERY_TYPE: BrokerData[] = [
  boolean(true), count(42), integer(-7), real(5.5), string('x'), address('2001:db8::1'), subnet('10.0.0.0/8'),
  port('53/udp'), timestamp(1700000000.123), timespan(1.5), enumValue('udp'), vector([string('a')]),
  set([count(1)]), table([[string('k'), count(2)]]),
];

function decodeText(text: string): BrokerData {
  return decodeBrokerData(JSON.parse(text));
}

function errorOf(fn: () => unknown): BrokerJsonError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(BrokerJsonError);
    return err as BrokerJsonError;
  }
  throw new Error('expected a BrokerJsonError');
}

describe('broker-json: data types', () => {
  it('covers all fifteen Broker types and round-trips each through text', () => {
    const values = [none(), ...EVERY_TYPE];
    expect(new Set(values.map((v) => v.type))).to.deep.equal(new Set(BROKER_DATA_TYPES));
    for (const v of values) expect(decodeText(encodeBrokerData(v)), v.type).to.deep.equal(v);
  });

  it('writes each scalar as Zeek spells it', () => {
    expect(encodeBrokerData(none())).to.equal('{"@data-type":"none","data":{}}');
    expect(encodeBrokerData(real(5))).to.equal('{"@data-type":"real","data":5.0}');
    expect(encodeBrokerData(real(5), { realStyle: 'fixed6' })).to.equal('{"@data-type":"real","data":5.000000}');
    expect(encodeBrokerData(timespan(1.5))).to.equal('{"@data-type":"timespan","data":"1500ms"}');
    expect(encodeBrokerData(timestamp(1700000000.123456))).to.equal('{"@data-type":"timestamp","data":"2023-11-14T22:13:20.123"}');
    expect(encodeBrokerData(port({ port: 0, proto: '?' }))).to.equal('{"@data-type":"port","data":"0/?"}');
    expect(encodeBrokerData(table([[string('k'), count(1)]]))).to.equal(
      '{"@data-type":"table","data":[{"key":{"@data-type":"string","data":"k"},"value":{"@data-type":"count","data":1}}]}');
  });

  it('always writes reals with a decimal point, which JSON.stringify does not', () => {
    expect(JSON.stringify(1.0)).to.equal('1');
    expect(formatReal(1)).to.equal('1.0');
    expect(formatReal(-0.5)).to.equal('-0.5');
    expect(formatReal(1e21)).to.equal('1.0e+21');
    expect(formatReal(1e-7)).to.equal('1.0e-7');
    expect(formatReal(0.97, 'fixed6')).to.equal('0.970000');
  });

  it('refuses NaN and Infinity for reals, times and timespans, and unsafe counts', () => {
    for (const v of [real(NaN), real(Infinity), timestamp(NaN), timespan(-Infinity), count(-1), count(1.5), integer(2 ** 60)]) {
      expect(errorOf(() => encodeBrokerData(v)).reason, v.type).to.equal('not-encodable');
    }
  });

  it('reads timespans in every unit, fractions included, and writes the largest exact unit', () => {
    expect(parseTimespan('1500ms')).to.equal(1.5);
    expect(parseTimespan('1.5s')).to.equal(1.5);
    expect(parseTimespan('10min')).to.equal(600);
    expect(parseTimespan('2h')).to.equal(7200);
    expect(parseTimespan('1d')).to.equal(86400);
    expect(parseTimespan('250us')).to.equal(0.00025);
    expect(parseTimespan('-43200s')).to.equal(-43200);
    expect(parseTimespan('7ns')).to.equal(7e-9);
    expect([formatTimespan(0), formatTimespan(600), formatTimespan(0.00025), formatTimespan(7e-9)]).to.deep.equal(['0s', '600s', '250us', '7ns']);
    expect(errorOf(() => parseTimespan('5 secs')).reason).to.equal('bad-value');
  });

  it('reads timestamps with and without fraction or zone as UTC, as Zeek 8.2.2 accepted them', () => {
    expect(parseTimestamp('2023-11-14T22:13:20.123')).to.be.closeTo(1700000000.123, 1e-6);
    expect(parseTimestamp('2023-11-14T22:13:20.123Z')).to.be.closeTo(1700000000.123, 1e-6);
    expect(parseTimestamp('2023-11-14T22:13:20')).to.equal(1700000000);
    expect(parseTimestamp('2023-11-15T00:13:20+02:00')).to.equal(1700000000);
    expect(formatTimestamp(1700000000)).to.equal('2023-11-14T22:13:20.000');
    expect(errorOf(() => parseTimestamp('yesterday')).reason).to.equal('bad-value');
  });

  it('refuses bad addresses, subnets and ports with the path of the bad value', () => {
    const bad = (text: string): string => JSON.stringify({ '@data-type': 'vector', data: [{ '@data-type': 'count', data: 1 }, JSON.parse(text)] });
    const e = errorOf(() => decodeText(bad('{"@data-type":"address","data":"10.0.0.999"}')));
    expect(e.reason).to.equal('bad-value');
    expect(e.path).to.equal('[1]');
    expect(errorOf(() => decodeText('{"@data-type":"subnet","data":"10.0.0.0/33"}')).reason).to.equal('bad-value');
    expect(errorOf(() => decodeText('{"@data-type":"port","data":"70000/tcp"}')).reason).to.equal('bad-value');
    expect(errorOf(() => decodeText('{"@data-type":"port","data":"80/sctp"}')).reason).to.equal('bad-value');
  });

  it('refuses wrong JSON kinds, unknown types and missing fields with typed reasons', () => {
    expect(errorOf(() => decodeText('{"@data-type":"count","data":"5"}')).reason).to.equal('wrong-type');
    expect(errorOf(() => decodeText('{"@data-type":"count","data":-5}')).reason).to.equal('bad-value');
    expect(errorOf(() => decodeText('{"@data-type":"boolean","data":1}')).reason).to.equal('wrong-type');
    expect(errorOf(() => decodeText('{"@data-type":"record","data":[]}')).reason).to.equal('unknown-data-type');
    expect(errorOf(() => decodeText('{"data":1}')).reason).to.equal('missing-field');
    expect(errorOf(() => decodeText('{"@data-type":"count"}')).reason).to.equal('missing-field');
    expect(errorOf(() => decodeText('[1]')).reason).to.equal('not-an-object');
    expect(errorOf(() => decodeText('{"@data-type":"table","data":[5]}')).reason).to.equal('wrong-type');
  });

  it('tells `5` from `5.0` when numbers keep their literal, as Zeek does', () => {
    const strict = (t: string): BrokerData => decodeBrokerData(parseJsonKeepingNumbers(t));
    expect(strict('{"@data-type":"real","data":5.0}')).to.deep.equal(real(5));
    expect(strict('{"@data-type":"real","data":5e0}')).to.deep.equal(real(5));
    expect(errorOf(() => strict('{"@data-type":"real","data":5}')).reason).to.equal('wrong-type');
    expect(errorOf(() => strict('{"@data-type":"count","data":42.0}')).reason).to.equal('wrong-type');
    expect(strict('{"@data-type":"count","data":42}')).to.deep.equal(count(42));
    // the lenient path (JSON.parse) accepts both, for what Zeek sends
    expect(decodeText('{"@data-type":"real","data":5}')).to.deep.equal(real(5));
  });

  it('parses JSON like JSON.parse apart from numbers, and refuses what it refuses', () => {
    const text = '{"a":[1,2.5,"x\\u0041\\n",true,false,null,{}],"b":{"c":-3e2}}';
    const strict = parseJsonKeepingNumbers(text) as { a: unknown[]; b: { c: { value: number } } };
    expect(strict.a[2]).to.equal('xA\n');
    expect(strict.b.c.value).to.equal(-300);
    for (const bad of ['{nope', '[1,]', '{"a":1}x', '"\u0001"', '', '01']) {
      expect(() => parseJsonKeepingNumbers(bad), JSON.stringify(bad)).to.throw(BrokerJsonError);
    }
  });
});

describe('broker-json: events and messages', () => {
  const event: BrokerEvent = { name: 'AZW::echo', args: EVERY_TYPE };

  it('wraps an event as [1, 1, [name, args]] and reads it back, with or without metadata', () => {
    expect(brokerToEvent(eventToBroker(event))).to.deep.equal(event);
    const withMeta: BrokerEvent = { ...event, metadata: [[1, timestamp(1700000000)]] };
    expect(brokerToEvent(eventToBroker(withMeta))).to.deep.equal(withMeta);
    const emptyMeta = vector([count(1), count(1), vector([string('e'), vector([]), vector([])])]);
    expect(brokerToEvent(emptyMeta)).to.deep.equal({ name: 'e', args: [], metadata: [] });
  });

  it('refuses vectors that are not events', () => {
    for (const v of [
      vector([count(1), count(1)]),
      vector([count(2), count(1), vector([string('e'), vector([])])]),
      vector([count(1), count(2), vector([string('e'), vector([])])]),
      vector([count(1), count(1), vector([count(5), vector([])])]),
      vector([count(1), count(1), vector([string('e'), string('args')])]),
      string('x'),
    ]) expect(errorOf(() => brokerToEvent(v)).reason).to.equal('not-an-event');
  });

  it('decodes every type from the real Zeek 8.2.2 sample frame once its raw control byte is repaired', () => {
    expect(errorOf(() => parseServerMessage(ZEEK_SAMPLE_EVENT)).reason).to.equal('control-character');
    const message = parseServerMessage(ZEEK_SAMPLE_EVENT, { repairControlCharacters: true });
    expect(message.type).to.equal('data-message');
    if (message.type !== 'data-message') return;
    expect(message.topic).to.equal('azw/out');
    const e = brokerToEvent(message.data);
    expect(e.name).to.equal('AZW::sample');
    expect(e.args).to.deep.equal([
      boolean(true), count(42), integer(-7), real(5), string('hé"\n\u0001'), address('192.168.1.1'), subnet('10.0.0.0/8'),
      port('8080/tcp'), timestamp(1700000000.123), timespan(1.5), enumValue('tcp'), vector([string('a'), string('b')]),
      set([count(1), count(2), count(3)]), table([[string('k'), count(1)]]),
    ]);
  });

  it('re-encodes Zeek\'s echoed frame byte for byte in Zeek style (reals %f)', () => {
    const message = parseServerMessage(ZEEK_ECHOED_EVENT);
    if (message.type !== 'data-message') throw new Error('not data');
    expect(encodeDataMessage(message.topic, message.data, { realStyle: 'fixed6', stringStyle: 'zeek' })).to.equal(ZEEK_ECHOED_EVENT);
  });

  it('encodes client frames exactly as the ones the real Zeek decoded', () => {
    expect(encodeEventMessage('azw/in', { name: 'AZW::echo', args: EVERY_TYPE }).startsWith(CLIENT_ECHO_PREFIX)).to.equal(true);
    expect(encodeEventMessage('azw/in', { name: 'AZW::echo', args: [boolean(true), count(42), integer(-7)] })).to.equal(CLIENT_WRONG_ARG_COUNT);
    expect(encodeEventMessage('azw/in', { name: 'AZW::stop', args: [] })).to.equal(CLIENT_STOP);
    // the refused ones differ from ours exactly where the client went wrong
    const ours = encodeEventMessage('azw/in', { name: 'AZW::echo', args: [boolean(true), count(42), integer(-7), real(5)] });
    expect(CLIENT_REAL_WITHOUT_POINT_PREFIX).to.contain('"real","data":5}');
    expect(ours).to.contain('"real","data":5.0}');
    expect(CLIENT_INTEGER_FOR_COUNT_PREFIX).to.contain('{"@data-type":"integer","data":42}');
    expect(CLIENT_UNKNOWN_EVENT_PREFIX).to.contain('AZW::nope');
  });

  it('parses the ack, both error spellings, and refuses other shapes', () => {
    expect(parseServerMessage(ZEEK_ACK)).to.deep.equal({ type: 'ack', endpoint: 'e6576c3f-9d8b-5fba-9751-122afcd16865-websocket-0', version: '8.2.2' });
    const error = { type: 'error', code: 'deserialization_failed', context: 'failed to create Zeek event' };
    expect(parseServerMessage(encodeError(error.code, error.context))).to.deep.equal(error);
    expect(parseServerMessage(encodeError(error.code, error.context, 'message'))).to.deep.equal(error);
    expect(encodeError('invalid_uri', 'Invalid URI - use /v1/messages/json')).to.equal('{"type":"error","code":"invalid_uri","context":"Invalid URI - use /v1/messages/json"}');
    expect(errorOf(() => parseServerMessage('{"type":"ack"}')).reason).to.equal('wrong-type');
    expect(errorOf(() => parseServerMessage('{"type":"hello"}')).reason).to.equal('wrong-type');
    expect(errorOf(() => parseServerMessage('[]')).reason).to.equal('not-an-object');
    expect(errorOf(() => parseServerMessage('{nope')).reason).to.equal('not-json');
    expect(encodeHandshake(['autozeekwatch/logs/'])).to.equal('["autozeekwatch/logs/"]');
  });

  it('writes strings Zeek-style (raw control bytes, backslash-v) only when asked, and can repair them', () => {
    const zeekStyle = encodeBrokerData(string('a\u0001b\vc"\\'), { stringStyle: 'zeek' });
    expect(zeekStyle).to.equal('{"@data-type":"string","data":"a\u0001b\\vc\\"\\\\"}');
    expect(() => JSON.parse(zeekStyle)).to.throw(SyntaxError);
    expect(decodeText(repairZeekJson(zeekStyle))).to.deep.equal(string('a\u0001b\vc"\\'));
    // an escaped backslash followed by v is not \v
    expect(repairZeekJson('"\\\\v"')).to.equal('"\\\\v"');
    expect(decodeText(encodeBrokerData(string('a\u0001b\vc')))).to.deep.equal(string('a\u0001b\vc'));
  });

  it('writes Zeek-style strings without control bytes exactly as JSON does, and every other string escape by escape', () => {
    const plain = '{"uid":"C1","id":{"orig_h":"10.0.0.1"},"path":"C:\\x","note":"é😀\u007f"}';
    expect(encodeBrokerData(string(plain), { stringStyle: 'zeek' })).to.equal(`{"@data-type":"string","data":${JSON.stringify(plain)}}`);
    // a lone surrogate stays raw in Zeek's style (JSON.stringify would escape it)
    expect(encodeBrokerData(string('a\ud800"'), { stringStyle: 'zeek' })).to.equal('{"@data-type":"string","data":"a\ud800\\""}');
    expect(encodeBrokerData(string('t\tn\nr\r'), { stringStyle: 'zeek' })).to.equal('{"@data-type":"string","data":"t\\tn\\nr\\r"}');
    const batch = vector([string('a"b'), count(3), string('\u0002')]);
    expect(encodeBrokerData(batch, { stringStyle: 'zeek' })).to.equal(
      '{"@data-type":"vector","data":[{"@data-type":"string","data":"a\\"b"},{"@data-type":"count","data":3},{"@data-type":"string","data":"\u0002"}]}');
  });

  it('keeps strings with and without escapes and numbers at any position when parsing strictly', () => {
    const parsed = parseJsonKeepingNumbers('{"plain":"abc","escaped":"a\\"b\\u00e9","n":[1,-2.50,3e2]}') as { plain: string; escaped: string; n: { literal: string; value: number }[] };
    expect(parsed.plain).to.equal('abc');
    expect(parsed.escaped).to.equal('a"bé');
    expect(parsed.n.map((x) => [x.literal, x.value])).to.deep.equal([['1', 1], ['-2.50', -2.5], ['3e2', 300]]);
    expect(() => parseJsonKeepingNumbers('{"a":01}')).to.throw(BrokerJsonError);
  });

  it('reads vectors of strings element by element, and names the element that is refused', () => {
    const records = ['{"ts":1}', 'a"b\\c', ''];
    const json = { '@data-type': 'vector', data: [...records.map((r) => ({ '@data-type': 'string', data: r })), { '@data-type': 'count', data: 3 }] };
    expect(decodeBrokerData(json)).to.deep.equal(vector([...records.map((r) => string(r)), count(3)]));
    for (const [bad, reason] of [
      [{ '@data-type': 'string', data: 5 }, 'wrong-type'],
      [{ '@data-type': 'string' }, 'missing-field'],
      ['just text', 'not-an-object'],
      [{ '@data-type': 'strings', data: 'x' }, 'unknown-data-type'],
    ] as const) {
      const error = errorOf(() => decodeBrokerData({ '@data-type': 'vector', data: [{ '@data-type': 'string', data: 'ok' }, bad] }, 'data'));
      expect([error.reason, error.path]).to.deep.equal([reason, 'data[1]']);
    }
  });

  it('encodes a string element alone exactly as inside any Broker value, in both string styles', () => {
    for (const text of ['plain', 'a"b\\c', 'ctl\u0001\u000b', 'lone \ud800', '']) {
      expect(encodeStringElement(text)).to.equal(encodeBrokerData(string(text)));
      expect(encodeStringElement(text, 'zeek')).to.equal(encodeBrokerData(string(text), { stringStyle: 'zeek' }));
    }
  });

  it('joins pre-encoded records into the same log_records frame the event encoder writes', () => {
    const zeekStyle: EncodeOptions = { realStyle: 'fixed6', stringStyle: 'zeek' };
    for (const records of [[], ['{"ts":1.0,"uid":"C1"}'], ['{"q":"[]"}', 'ctl\u0001', '{"a":[]}']]) {
      const batch = { node: 'worker-[]-1', stream: 'dns', seq: 41 };
      for (const style of [{}, zeekStyle] as EncodeOptions[]) {
        const joined = encodeLogRecordsMessage('autozeekwatch/logs/0/dns', batch, records.map((r) => encodeStringElement(r, style.stringStyle)), style);
        expect(joined).to.equal(encodeEventMessage('autozeekwatch/logs/0/dns', logRecordsEvent({ ...batch, records }), style));
      }
      const parsed = parseServerMessage(encodeLogRecordsMessage('t', batch, records.map((r) => encodeStringElement(r))));
      expect(parsed.type === 'data-message' && readLogRecordsEvent(brokerToEvent(parsed.data))).to.deep.equal({ ...batch, records });
    }
  });
});
