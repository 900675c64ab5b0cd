// The replay publisher feeds a real client like the package would, and the package model logs the answers.
import { expect } from 'chai';
import { LogRecordPublisher, preEncodeLiveRecord, renderLiveRecord } from '../../src/replay/publisher.js';
import { toLiveJson } from '../../src/replay/live-json.js';
import { ZeekPackageModel } from '../../src/replay/zeek-package-model.js';
import { shardOf } from '../../src/replay/shard.js';
import { ZeekWebSocketClient, type ZeekInput } from '../../src/zeek/websocket-client.js';
import { anomalyEvent, logsSubscription, mitigateEvent, sidecarDoneEvent } from '../../src/zeek/broker-contract.js';
import type { LogEntry, ZeekRecord } from '../../src/zeek/record.js';
import { startEmulator } from '../zeek-emulator/emulator.js';

function conn(i: number, origH: string): LogEntry {
  const record: ZeekRecord = { ts: 1000 + i, uid: `C${i}`, 'id.orig_h': origH, 'id.orig_p': 40000 + i, 'id.resp_h': '10.9.9.9', 'id.resp_p': 80, proto: 'tcp', duration: 1 };
  return { stream: 'conn', record, source: { file: 'test', line: i + 1 } };
}

describe('replay: publisher', () => {
  it('publishes batches per (shard, stream) with per-topic seq, then end_of_input to every shard', async () => {
    const server = await startEmulator();
    const shard0 = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription(0)] });
    const shard1 = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription(1)] });
    await Promise.all([shard0.connect(), shard1.connect()]);
    const hosts = ['141.142.220.50', '141.142.220.118', '192.168.56.1', '141.142.220.238'];
    const entries = Array.from({ length: 23 }, (_, i) => conn(i, hosts[i % hosts.length]!));
    const publisher = new LogRecordPublisher(server, { shards: 2, batchSize: 4 });
    await publisher.publishAll(entries);
    await publisher.finish();
    const drain = async (c: ZeekWebSocketClient): Promise<ZeekInput[]> => {
      const got: ZeekInput[] = [];
      for (;;) {
        const x = (await c.next())!;
        got.push(x);
        if (x.kind === 'end_of_input') return got;
      }
    };
    const [a, b] = await Promise.all([drain(shard0), drain(shard1)]);
    const uidsOf = (inputs: ZeekInput[]): string[] => inputs.flatMap((x) => (x.kind === 'log_records' ? x.records.map((r) => JSON.parse(r).uid as string) : []));
    const expected = (shard: number): string[] => entries.filter((e) => shardOf(e.record['id.orig_h'] as string, 2) === shard).map((e) => e.record.uid as string);
    expect(uidsOf(a)).to.deep.equal(expected(0));
    expect(uidsOf(b)).to.deep.equal(expected(1));
    for (const c of [shard0, shard1]) expect(c.stats).to.include({ gaps: 0, seqRestarts: 0, endOfInputs: 1 });
    expect(a.filter((x) => x.kind === 'log_records').map((x) => (x as { seq: number }).seq)).to.deep.equal(
      Array.from({ length: Math.ceil(expected(0).length / 4) }, (_, i) => i * 4));
    expect(expected(0).length).to.be.greaterThan(4);
    expect(expected(1).length).to.be.greaterThan(4);
    expect(JSON.parse((a[0] as unknown as { records: string[] }).records[0]!).id.orig_p).to.deep.equal({ port: 40001, proto: 'tcp' });
    expect(publisher.stats).to.include({ records: 23, recordsUnheard: 0 });
    expect(publisher.networkTime).to.equal(1022);
    await Promise.all([shard0.close(), shard1.close()]);
    await server.close();
  });

  it('paces records at --rate with batches flushed by interval', async () => {
    const server = await startEmulator();
    const client = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription()] });
    await client.connect();
    const publisher = new LogRecordPublisher(server, { batchSize: 1000, ratePerSecond: 200, batchIntervalMs: 20 });
    await publisher.publishAll(Array.from({ length: 20 }, (_, i) => conn(i, '10.0.0.1')));
    await publisher.finish();
    // 20 records over ~100 ms with a 20 ms interval cannot fit in one batch of 1000
    expect(publisher.stats.batches).to.be.greaterThan(1);
    let records = 0;
    for (let x = await client.next(); x && x.kind === 'log_records'; x = await client.next()) records += x.records.length;
    expect(records).to.equal(20);
    await client.close();
    await server.close();
  });

  it('publishes records rendered beforehand exactly like the log entries they came from, sharded alike', async () => {
    const server = await startEmulator();
    const client = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription(1)] });
    await client.connect();
    const hosts = ['141.142.220.50', '141.142.220.118', '192.168.56.1', '141.142.220.238'];
    const entries = Array.from({ length: 12 }, (_, i) => conn(i, hosts[i % hosts.length]!));
    const rendered = entries.map(renderLiveRecord);
    expect(rendered[3]).to.include({ stream: 'conn', originator: hosts[3], ts: 1003 });
    const received = async (items: Parameters<LogRecordPublisher['publishAll']>[0]): Promise<string[]> => {
      const publisher = new LogRecordPublisher(server, { shards: 2, batchSize: 3 });
      await publisher.publishAll(items);
      await publisher.finish();
      expect(publisher.networkTime).to.equal(1011);
      const got: string[] = [];
      for (let x = await client.next(); x && x.kind === 'log_records'; x = await client.next()) got.push(...x.records);
      return got;
    };
    const fromEntries = await received(entries);
    const fromRendered = await received(rendered);
    expect(fromEntries.length).to.be.greaterThan(0);
    expect(fromEntries.length).to.be.lessThan(12);
    expect(fromRendered).to.deep.equal(fromEntries);
    expect(fromRendered).to.deep.equal(entries.filter((e) => shardOf(e.record['id.orig_h'] as string, 2) === 1).map((e) => toLiveJson(e.record, 'conn')));
    await client.close();
    await server.close();
  });

  it('publishes pre-encoded records (alone or mixed with others in a batch) as the same batches, and reports each batch before it goes out', async () => {
    const server = await startEmulator();
    const client = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription()] });
    await client.connect();
    const entries = Array.from({ length: 10 }, (_, i) => conn(i, `10.0.0.${i % 3}`));
    entries[4]!.record.uid = 'C"quoted\u0001';
    const received = async (items: Parameters<LogRecordPublisher['publishAll']>[0]): Promise<{ inputs: ZeekInput[]; reported: string[][] }> => {
      const reported: string[][] = [];
      const publisher = new LogRecordPublisher(server, { batchSize: 4, onBatchPublish: (records) => reported.push([...records]) });
      await publisher.publishAll(items);
      await publisher.finish();
      const inputs: ZeekInput[] = [];
      for (let x = await client.next(); x && x.kind === 'log_records'; x = await client.next()) inputs.push(x);
      return { inputs, reported };
    };
    const plain = await received(entries);
    const rendered = entries.map(renderLiveRecord);
    const encoded = await received(rendered.map(preEncodeLiveRecord));
    const mixed = await received(rendered.map((r, i) => (i % 3 === 0 ? preEncodeLiveRecord(r) : r)));
    expect(plain.inputs.map((x) => x.kind === 'log_records' && x.records.length)).to.deep.equal([4, 4, 2]);
    expect(encoded.inputs).to.deep.equal(plain.inputs);
    expect(mixed.inputs).to.deep.equal(plain.inputs);
    const batches = plain.inputs.map((x) => (x.kind === 'log_records' ? [...x.records] : []));
    for (const run of [plain, encoded, mixed]) expect(run.reported).to.deep.equal(batches);
    expect(batches.flat()[4]).to.include('C\\"quoted\\\\x01');
    await client.close();
    await server.close();
  });

  it('counts records no sidecar heard, as Zeek loses them', async () => {
    const server = await startEmulator();
    const publisher = new LogRecordPublisher(server, { batchSize: 2 });
    await publisher.publishAll([conn(0, '10.0.0.1'), conn(1, '10.0.0.1'), conn(2, '10.0.0.1')]);
    await publisher.finish();
    expect(publisher.stats).to.include({ records: 3, recordsUnheard: 3 });
    await server.close();
  });
});

describe('replay: what the Zeek package would log', () => {
  const answer = (uid: string, host: string, score = 0.75) => anomalyEvent({
    uid, stream: 'conn', originator: { host, port: '55470/tcp' }, responder: { host: '192.168.56.103', port: '22/tcp' }, score, threshold: 0.5, summary: 'test summary',
  });

  it('logs every anomaly and raises one notice per originator per suppression interval (network time)', () => {
    const model = new ZeekPackageModel({ noticeSuppressionSeconds: 600 });
    model.networkTime = 1427726719.365117;
    for (let i = 0; i < 9; i++) model.handle(answer(`C${i}`, '192.168.56.1'));
    model.handle(answer('D', '10.9.9.9', 0.99));
    model.networkTime += 601;
    model.handle(answer('E', '192.168.56.1'));
    expect(model.anomalyLog).to.have.length(11);
    expect(model.notices.map((n) => n.uid)).to.deep.equal(['C0', 'D', 'E']);
    expect(model.suppressedNotices).to.equal(8);
    // the notice the real Zeek 8.2.2 probe wrote (pcap-roundtrip.notice.log), field for field, with
    // msg and sub as zeek-scripts/response.zeek words them
    expect(model.notices[0]).to.deep.include({
      ts: 1427726719.365117, uid: 'C0', 'id.orig_h': '192.168.56.1', 'id.orig_p': 55470, 'id.resp_h': '192.168.56.103', 'id.resp_p': 22,
      proto: 'tcp', msg: 'conn record scored 0.750, above its threshold 0.500', sub: 'test summary', src: '192.168.56.1', dst: '192.168.56.103', p: 22,
      actions: ['Notice::ACTION_LOG'], suppress_for: 600,
    });
    expect(model.lines[0]!.startsWith('autozeekwatch.log: {"ts":1427726719.365117,"uid":"C0"')).to.equal(true);
  });

  it('refuses mitigation when disabled, and for never_block addresses; drops otherwise', () => {
    const off = new ZeekPackageModel();
    off.handle(mitigateEvent({ address: '192.168.56.1', durationSeconds: 0, reason: 'r', score: 0.9 }));
    expect(off.netControl[0]).to.include({ action: 'refused', entity: '192.168.56.1/32' });
    const on = new ZeekPackageModel({ mitigationEnabled: true, neverBlock: ['10.0.0.0/8', '2001:db8::/32'] });
    on.networkTime = 100;
    on.handle(mitigateEvent({ address: '10.1.2.3', durationSeconds: 0, reason: 'r', score: 0.9 }));
    on.handle(mitigateEvent({ address: '2001:db8::5', durationSeconds: 0, reason: 'r', score: 0.9 }));
    on.handle(mitigateEvent({ address: '192.168.56.1', durationSeconds: 0, reason: 'proto test', score: 0.9 }));
    on.handle(mitigateEvent({ address: '192.168.56.1', durationSeconds: 0, reason: 'again', score: 0.9 }));
    on.handle(mitigateEvent({ address: '2001:db9::1', durationSeconds: 3600, reason: 'long', score: 0.9 }));
    expect(on.netControl.map((a) => a.action)).to.deep.equal(['refused', 'refused', 'drop_address_catch_release', 'already_blocked', 'drop_address']);
    expect(on.netControl[2]).to.include({ entity: '192.168.56.1/32', expire: 600, location: 'proto test' });
    expect(on.netControl[4]).to.include({ entity: '2001:db9::1/128', expire: 3600 });
    // response.zeek's notices: one per refusal and per block made, none for a host already blocked
    expect(on.notices.map((n) => [n.note, n.src])).to.deep.equal([
      ['AutoZeekWatch::Mitigation_Refused', '10.1.2.3'],
      ['AutoZeekWatch::Mitigation_Refused', '2001:db8::5'],
      ['AutoZeekWatch::Host_Blocked', '192.168.56.1'],
      ['AutoZeekWatch::Host_Blocked', '2001:db9::1'],
    ]);
    expect(on.notices[3]!.msg).to.equal('blocked 2001:db9::1 for 1.0 hr (score 0.900)');
    expect(off.notices[0]!.msg).to.match(/^not blocking 192\.168\.56\.1 \(score 0\.900\): mitigation is disabled/);
    expect(() => new ZeekPackageModel({ neverBlock: ['10.0.0.0/40'] })).to.throw(/not a subnet/);
  });

  it('records sidecar_done and ignores events the package does not handle', () => {
    const model = new ZeekPackageModel();
    expect(model.handle(sidecarDoneEvent('all answers sent'))).to.equal(true);
    expect(model.sidecarDone).to.equal('all answers sent');
    expect(model.handle({ name: 'Other::x', args: [] })).to.equal(false);
  });
});
