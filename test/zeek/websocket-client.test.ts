// The sidecar's WebSocket client against the real emulator on 127.0.0.1: ack, reconnects, gaps, bad frames,
// the bounded queue, TLS, and flushing on close.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZeekWebSocketClient, ZeekConnectionError, type ZeekInput, type ZeekWebSocketClientOptions } from '../../src/zeek/websocket-client.js';
import { anomalyEvent, controlTopic, endOfInputEvent, logRecordsEvent, logsSubscription } from '../../src/zeek/broker-contract.js';
import type { ZeekWebSocketServer } from '../../src/replay/zeek-server.js';
import { eventually, malformedFrames, startEmulator, until } from '../zeek-emulator/emulator.js';

const TOPIC = 'autozeekwatch/logs/0/conn';
const records = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `{"uid":"C${from + i}"}`);

describe('websocket-client', () => {
  let server: ZeekWebSocketServer;
  let client: ZeekWebSocketClient | undefined;
  const connect = async (options: Partial<ZeekWebSocketClientOptions> = {}): Promise<ZeekWebSocketClient> => {
    client = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription()], reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...options });
    await client.connect();
    return client;
  };
  const publish = (seq: number, n: number, topic = TOPIC, node = 'zeek'): void => {
    server.publish(topic, logRecordsEvent({ node, stream: 'conn', seq, records: records(n, seq) }));
  };

  beforeEach(async () => {
    server = await startEmulator();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.close();
  });

  it('subscribes with its application name, gets the ack, and receives batches and end_of_input in order', async () => {
    const c = await connect();
    expect(server.clients.map((x) => [x.applicationName, x.subscriptions])).to.deep.equal([['autozeekwatch', ['autozeekwatch/logs/']]]);
    publish(0, 3);
    server.publish('autozeekwatch/logs/0/end', endOfInputEvent('zeek'));
    const a = await c.next();
    const b = await c.next();
    expect(a).to.deep.equal({ kind: 'log_records', topic: TOPIC, node: 'zeek', stream: 'conn', seq: 0, records: records(3) });
    expect(b).to.deep.equal({ kind: 'end_of_input', topic: 'autozeekwatch/logs/0/end', node: 'zeek' });
    expect(c.stats).to.include({ acks: 1, batchesReceived: 1, recordsReceived: 3, endOfInputs: 1 });
  });

  it('reconnects with a clear error when no ack comes (as with manager_is_logger=T)', async () => {
    await server.close();
    server = await startEmulator({ ack: 'never' });
    client = new ZeekWebSocketClient({ url: server.url, topics: ['x/'], ackTimeoutMs: 100, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
    const errors: ZeekConnectionError[] = [];
    client.on('error', (e: ZeekConnectionError) => errors.push(e));
    void client.connect();
    await until(() => client!.stats.ackTimeouts >= 2, 'two ack timeouts');
    expect(client.stats.connectAttempts).to.be.at.least(2);
    expect(client.isConnected).to.equal(false);
    expect(errors[0]).to.be.instanceOf(ZeekConnectionError);
    expect(errors[0]!.reason).to.equal('ack-timeout');
    expect(errors[0]!.message).to.contain('manager_is_logger');
  });

  it('reconnects and resubscribes after Zeek restarts on the same port, counting the records lost meanwhile', async () => {
    const c = await connect();
    const port = server.port;
    publish(0, 3);
    await c.next();
    const disconnected = eventually<{ code: number }>((r) => c.once('disconnected', r), 'disconnected');
    await server.close();
    expect((await disconnected).code).to.equal(1001);
    server = await startEmulator({ port });
    await server.waitForSubscriber(TOPIC);
    expect(server.clients[0]!.subscriptions).to.deep.equal(['autozeekwatch/logs/']);
    publish(10, 2);
    expect(await c.next()).to.include({ seq: 10 });
    expect(c.stats).to.include({ acks: 2, disconnects: 1, gaps: 1, recordsMissing: 7 });
  });

  it('reconnects after an abrupt drop without a CLOSE frame', async () => {
    const c = await connect();
    server.dropClients();
    await until(() => c.stats.acks === 2, 'the second ack');
    expect(c.stats.disconnects).to.equal(1);
  });

  it('counts gaps and restarts from seq per (node, topic)', async () => {
    const c = await connect();
    const gaps: unknown[] = [];
    c.on('gap', (g) => gaps.push(g));
    publish(0, 3);
    publish(3, 2);
    publish(10, 1);
    publish(0, 4, 'autozeekwatch/logs/1/conn');
    publish(0, 1, TOPIC, 'worker-2');
    publish(0, 1);
    await until(() => c.stats.batchesReceived === 6, 'six batches');
    expect(c.stats).to.include({ gaps: 1, recordsMissing: 5, seqRestarts: 1 });
    expect(gaps).to.deep.equal([{ node: 'zeek', topic: TOPIC, stream: 'conn', expectedSeq: 5, seq: 10, missing: 5 }]);
  });

  it('counts and skips one malformed frame of each kind and keeps the connection', async () => {
    const c = await connect({ maxMessageBytes: 4096 });
    const frames = malformedFrames(TOPIC);
    for (const frame of Object.values(frames)) server.sendRaw(frame);
    server.sendRaw('x'.repeat(10_000));
    server.sendRaw('{"type":"data-message","topic":"t","@data-type":"vector","data":[{"@data-type":"count","data":1},{"@data-type":"count","data":1},{"@data-type":"vector","data":[{"@data-type":"string","data":"Other::event"},{"@data-type":"vector","data":[]}]}]}');
    publish(0, 1);
    const next = await c.next();
    expect(next).to.include({ kind: 'log_records', seq: 0 });
    expect(c.stats).to.include({
      invalidJsonFrames: 1, controlCharacterFrames: 1, invalidUtf8Frames: 1, oversizedFrames: 1,
      malformedMessages: 4, otherEvents: 1, disconnects: 0, acks: 1, batchesReceived: 1,
    });
    expect(c.isConnected).to.equal(true);
  });

  it('reads frames with raw control bytes when asked to repair them', async () => {
    const c = await connect({ repairControlCharacters: true });
    server.sendRaw(Buffer.from(`{"type":"data-message","topic":"${TOPIC}","@data-type":"vector","data":[{"@data-type":"count","data":1},{"@data-type":"count","data":1},{"@data-type":"vector","data":[{"@data-type":"string","data":"AutoZeekWatch::log_records"},{"@data-type":"vector","data":[{"@data-type":"string","data":"z\u0001"},{"@data-type":"string","data":"conn"},{"@data-type":"count","data":0},{"@data-type":"vector","data":[]}]}]}]}`));
    expect(await c.next()).to.include({ node: 'z\u0001' });
    expect(c.stats.controlCharacterFrames).to.equal(0);
  });

  it('drops and counts batches when the consumer lags and the queue is full, without stalling reads', async () => {
    const c = await connect({ queueCapacity: 2 });
    for (let i = 0; i < 5; i++) publish(i * 10, 10);
    await until(() => c.stats.batchesReceived === 5, 'five batches read');
    expect(c.stats).to.include({ batchesDropped: 3, recordsDropped: 30 });
    expect(c.queued).to.equal(2);
    const got: ZeekInput[] = [(await c.next())!, (await c.next())!];
    expect(got.map((x) => (x.kind === 'log_records' ? x.seq : -1))).to.deep.equal([0, 10]);
    publish(50, 1);
    expect(await c.next()).to.include({ seq: 50 });
  });

  it('reports server errors after the ack and keeps going', async () => {
    const c = await connect();
    const serverError = eventually<{ context: string }>((r) => c.once('server_error', r), 'server_error');
    expect(c.publish(controlTopic(), { name: 'AutoZeekWatch::nope', args: [] })).to.equal(true);
    expect((await serverError).context).to.equal('failed to create Zeek event');
    expect(c.stats.serverErrors).to.equal(1);
  });

  it('flushes every published answer before closing, and refuses to publish when not connected', async () => {
    const c = await connect();
    const n = 300;
    for (let i = 0; i < n; i++) {
      c.publish(controlTopic(), anomalyEvent({
        uid: `C${i}`, stream: 'conn', originator: { host: '10.0.0.1', port: '1234/tcp' }, responder: { host: '10.0.0.2', port: '80/tcp' },
        score: 1, threshold: 0.5, summary: 'x'.repeat(200),
      }));
    }
    await c.close();
    await until(() => server.received.length === n, 'every answer at the server');
    expect(server.received.map((r) => (r.event.args[0] as { value: string }).value)).to.deep.equal(Array.from({ length: n }, (_, i) => `C${i}`));
    expect(c.stats.published).to.equal(n);
    expect(c.publish(controlTopic(), { name: 'x', args: [] })).to.equal(false);
    expect(c.stats.publishRefused).to.equal(1);
    expect(await c.next()).to.equal(undefined);
  });

  it('sends events published while corked, in order, once the callback returns', async () => {
    const c = await connect();
    const n = 50;
    const returned = c.corked(() => {
      for (let i = 0; i < n; i++) {
        c.publish(controlTopic(), anomalyEvent({
          uid: `K${i}`, stream: 'dns', originator: { host: '10.0.0.1', port: '53/udp' }, responder: { host: '10.0.0.2', port: '53/udp' },
          score: 2, threshold: 1, summary: `anomaly ${i}`,
        }));
      }
      return 'done';
    });
    expect(returned).to.equal('done');
    await until(() => server.received.length === n, 'every corked answer at the server');
    expect(server.received.map((r) => (r.event.args[0] as { value: string }).value)).to.deep.equal(Array.from({ length: n }, (_, i) => `K${i}`));
    // corking without a connection just runs the callback
    await c.close();
    expect(c.corked(() => c.publish(controlTopic(), { name: 'x', args: [] }))).to.equal(false);
  });

  describe('TLS', () => {
    let dir: string;
    before(function () {
      dir = mkdtempSync(path.join(tmpdir(), 'azw-tls-'));
      try {
        writeFileSync(path.join(dir, 'san.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:TRUE\n');
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
          '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-config', path.join(dir, 'san.cnf'), '-extensions', 'ext'], { stdio: 'pipe' });
      } catch (err) {
        console.log(`      (skipped: openssl could not make a test certificate: ${(err as Error).message.split('\n')[0]})`);
        this.skip();
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('connects over wss with the CA file and refuses without it', async () => {
      const { readFileSync } = await import('node:fs');
      await server.close();
      server = await startEmulator({ tls: { cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) } });
      expect(server.url.startsWith('wss://')).to.equal(true);
      const untrusting = new ZeekWebSocketClient({ url: server.url, topics: [], reconnect: { initialDelayMs: 1000 } });
      const refused = eventually<ZeekConnectionError>((r) => untrusting.once('error', r), 'a TLS error');
      void untrusting.connect();
      expect((await refused).reason).to.equal('socket');
      await untrusting.close();
      const c = await connect({ ca: path.join(dir, 'cert.pem') });
      publish(0, 1);
      expect(await c.next()).to.include({ seq: 0 });
    });
  });
});
