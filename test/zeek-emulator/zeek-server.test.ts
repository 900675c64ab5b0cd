// The emulator answers like the real Zeek 8.2.2 of the transcripts: ack, every error text, routing, close codes.
import { expect } from 'chai';
import type { ZeekWebSocketServer } from '../../src/replay/zeek-server.js';
import { encodeEventMessage, real, string, address, port, timespan } from '../../src/zeek/broker-json.js';
import { anomalyEvent, logRecordsEvent, controlTopic } from '../../src/zeek/broker-contract.js';
import { zeekWebSocketUrl } from '../../src/zeek/websocket-client.js';
import { PROBE_EVENTS, RawSession, startEmulator, until } from './emulator.js';
import {
  CLIENT_STOP, CLIENT_WRONG_ARG_COUNT, ZEEK_ECHOED_EVENT,
} from './transcript-frames.js';

const DECODE = '{"type":"error","code":"deserialization_failed","context":"failed to decode JSON object"}';
const CREATE = '{"type":"error","code":"deserialization_failed","context":"failed to create Zeek event"}';

describe('zeek emulator: protocol as Zeek 8.2.2 speaks it', () => {
  let server: ZeekWebSocketServer;
  const sessions: RawSession[] = [];
  const open = async (path = '/v1/messages/json', headers: Record<string, string> = {}): Promise<RawSession> => {
    const s = new RawSession(`ws://127.0.0.1:${server.port}${path}`, headers);
    sessions.push(s);
    await s.opened;
    return s;
  };

  beforeEach(async () => {
    server = await startEmulator({ nodeId: 'e6576c3f-9d8b-5fba-9751-122afcd16865', declaredEvents: PROBE_EVENTS, subscriptions: ['azw/in'] });
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.ws.terminate();
    await server.close();
  });

  it('acks with <node>-websocket-<n> counting every connection, and version 8.2.2', async () => {
    const wrong = await open('/nope');
    await wrong.closed;
    const s = await open();
    s.send('["azw/out"]');
    expect(await s.frame(0)).to.equal('{"type":"ack","endpoint":"e6576c3f-9d8b-5fba-9751-122afcd16865-websocket-1","version":"8.2.2"}');
  });

  it('refuses a wrong path with invalid_uri, then closes 1008 with the same reason', async () => {
    const s = await open('/v1/messages/json?x=1');
    s.send('["azw/out"]');
    expect(await s.frame(0)).to.equal('{"type":"error","code":"invalid_uri","context":"Invalid URI - use /v1/messages/json"}');
    expect(await s.closed).to.deep.equal({ code: 1008, reason: 'Invalid URI - use /v1/messages/json' });
  });

  it('refuses a bad X-Application-Name and accepts a good one', async () => {
    const bad = await open(undefined, { 'X-Application-Name': 'no spaces please' });
    expect(await bad.frame(0)).to.contain('"code":"invalid_application_name"');
    expect((await bad.closed).code).to.equal(1008);
    const good = await open(undefined, { 'X-Application-Name': 'autozeekwatch' });
    good.send('[]');
    expect(await good.frame(0)).to.contain('"type":"ack"');
    expect(server.clients[0]!.applicationName).to.equal('autozeekwatch');
  });

  for (const [first, context] of [['{"topics":1}', 'subscriptions not an array'], ['[1]', 'individual subscription not a string'], ['{nope', 'subscriptions not an array']] as const) {
    it(`answers the first message ${first} with "${context}" and never acks`, async () => {
      const s = await open();
      s.send(first);
      s.send('["azw/out"]');
      expect(await s.frame(0)).to.equal(`{"type":"error","code":"deserialization_failed","context":"${context}"}`);
      server.publish('azw/out', { name: 'AZW::x', args: [] });
      s.send(CLIENT_STOP);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(s.frames).to.have.length(1);
      expect(server.received).to.have.length(0);
    });
  }

  const cases: Array<[string, string, string, string | undefined]> = [
    ['not JSON', '{nope', DECODE, undefined],
    ['a real without a decimal point', CLIENT_WRONG_ARG_COUNT.replace('"integer","data":-7}', '"integer","data":-7},{"@data-type":"real","data":5}'), DECODE, undefined],
    ['a missing topic', '{"type":"data-message","@data-type":"count","data":1}', '{"type":"error","code":"deserialization_failed","context":"no topic in top-level JSON object"}', undefined],
    ['an unknown event name', CLIENT_STOP.replace('AZW::stop', 'AZW::nope'), CREATE, "Failed to lookup handler for 'AZW::nope'"],
    ['a wrong argument count', CLIENT_WRONG_ARG_COUNT, CREATE, "Unserialize error 'AZW::echo' arg_types.size()=14 and args.size()=3"],
    ['an integer where count is declared', CLIENT_WRONG_ARG_COUNT.replace('"count","data":42', '"integer","data":42'), CREATE, undefined],
  ];
  for (const [what, frame, reply, reporter] of cases) {
    it(`answers ${what} with the real error text and keeps the connection`, async () => {
      const s = await open();
      s.send('["azw/out"]');
      await s.frame(0);
      s.send(frame);
      expect(await s.frame(1)).to.equal(reply);
      if (reporter !== undefined) expect(server.reporter).to.include(reporter);
      s.send(CLIENT_STOP);
      await until(() => server.received.length === 1, 'the stop event after the error');
      expect(s.ws.readyState).to.equal(s.ws.OPEN);
    });
  }

  it('delivers a valid event to Zeek and to other subscribers, encoded as Zeek does, never back to the sender', async () => {
    const sender = await open();
    sender.send('["azw/"]');
    const listener = await open();
    listener.send('["azw/in"]');
    await sender.frame(0);
    await listener.frame(0);
    const message = ZEEK_ECHOED_EVENT.replace('"topic":"azw/out"', '"topic":"azw/in"').replace('AZW::echoed', 'AZW::echo')
      .replace('"data":5.500000', '"data":5.5');
    sender.send(message);
    expect(await listener.frame(1)).to.equal(message.replace('"data":5.5', '"data":5.500000'));
    expect(server.received).to.have.length(1);
    expect(server.received[0]!.handled).to.equal(true);
    expect(server.received[0]!.event.name).to.equal('AZW::echo');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sender.frames).to.have.length(1);
  });

  it('processes messages pipelined before the ack, in order, after it', async () => {
    const s = await open();
    s.send('["azw/out"]');
    s.send(CLIENT_WRONG_ARG_COUNT);
    s.send(CLIENT_STOP);
    expect(await s.frame(0)).to.contain('"type":"ack"');
    expect(await s.frame(1)).to.equal(CREATE);
    await until(() => server.received.length === 1, 'the pipelined stop');
  });

  it('routes by plain string prefix and publishes with Zeek\'s key order and %f reals', async () => {
    const a = await open();
    a.send('["azw/out"]');
    const b = await open();
    b.send('["other/"]');
    await a.frame(0);
    await b.frame(0);
    expect(server.publish('azw/outside', { name: 'AZW::x', args: [real(5), string('s')] })).to.equal(1);
    expect(await a.frame(1)).to.equal('{"type":"data-message","topic":"azw/outside","@data-type":"vector","data":[{"@data-type":"count","data":1},{"@data-type":"count","data":1},{"@data-type":"vector","data":[{"@data-type":"string","data":"AZW::x"},{"@data-type":"vector","data":[{"@data-type":"real","data":5.000000},{"@data-type":"string","data":"s"}]}]}]}');
    expect(b.frames).to.have.length(1);
  });

  it('closes every client with 1001 Terminating on shutdown and reports clients lost', async () => {
    const s = await open();
    s.send('[]');
    await s.frame(0);
    const lost = new Promise<number>((resolve) => server.once('client_lost', (_info, code: number) => resolve(code)));
    await server.close();
    expect(await s.closed).to.deep.equal({ code: 1001, reason: 'Terminating' });
    expect(await lost).to.equal(1001);
    server = await startEmulator();
  });

  it('uses the key "message" for errors when reproducing Zeek 7.2.0/7.2.1', async () => {
    await server.close();
    server = await startEmulator({ errorKey: 'message' });
    const s = await open();
    s.send('{"topics":1}');
    expect(await s.frame(0)).to.equal('{"type":"error","code":"deserialization_failed","message":"subscriptions not an array"}');
  });

  it('accepts the contract events with their exact types and refuses a score sent as `1`', async () => {
    await server.close();
    server = await startEmulator();
    const s = await open();
    s.send('[]');
    await s.frame(0);
    const good = encodeEventMessage(controlTopic(), anomalyEvent({
      uid: 'C1', stream: 'conn', originator: { host: '10.0.0.1', port: '1234/tcp' }, responder: { host: '10.0.0.2', port: '80/tcp' },
      score: 1, threshold: 0.5, summary: 's',
    }));
    s.send(good);
    await until(() => server.received.length === 1, 'the anomaly');
    expect(server.received[0]!.handled).to.equal(true);
    s.send(good.replace('"real","data":1.0', '"real","data":1'));
    expect(await s.frame(1)).to.equal(DECODE);
    s.send(encodeEventMessage(controlTopic(), { name: 'AutoZeekWatch::mitigate', args: [address('10.0.0.1'), real(600), string('r'), real(1)] }));
    expect(await s.frame(2)).to.equal(CREATE);
    s.send(encodeEventMessage(controlTopic(), { name: 'AutoZeekWatch::mitigate', args: [address('10.0.0.1'), timespan(600), string('r'), real(1)] }));
    await until(() => server.received.length === 2, 'the mitigate');
    // a log_records from a client is declared too, but port args must be ports
    s.send(encodeEventMessage(controlTopic(), { ...logRecordsEvent({ node: 'n', stream: 'conn', seq: 0, records: [] }), args: [port('1/tcp')] }));
    expect(await s.frame(3)).to.equal(CREATE);
  });

  it('builds URLs with brackets for IPv6 hosts', () => {
    expect(zeekWebSocketUrl('::1', 27759)).to.equal('ws://[::1]:27759/v1/messages/json');
    expect(zeekWebSocketUrl('127.0.0.1', 1, { tls: true })).to.equal('wss://127.0.0.1:1/v1/messages/json');
  });
});
