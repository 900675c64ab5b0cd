// Zeek → sidecar through the real protocol on 127.0.0.1: records/s of log_records batches (50 to_json strings
// each) from the emulator to ZeekWebSocketClient, and per-batch latency at 10,000 records/s.
import { ZeekWebSocketServer } from '../src/replay/zeek-server.js';
import { ZeekWebSocketClient } from '../src/zeek/websocket-client.js';
import { logRecordsEvent, logsSubscription, logsTopic } from '../src/zeek/broker-contract.js';

const RECORD = '{"ts":1427726689.213953,"uid":"Cr83712qON68slEeyl","id":{"orig_h":"192.168.56.1","orig_p":{"port":55470,"proto":"tcp"},"resp_h":"192.168.56.103","resp_p":{"port":22,"proto":"tcp"},"ctx":{}},"proto":"tcp","service":"ssh","duration":8.219155073165894,"orig_bytes":2885,"resp_bytes":2448,"conn_state":"SF","local_orig":true,"local_resp":true,"missed_bytes":0,"history":"ShADadFf","orig_pkts":26,"orig_ip_bytes":4249,"resp_pkts":19,"resp_ip_bytes":3444,"ip_proto":6}';
const BATCH = 50;
const TOPIC = logsTopic(0, 'conn');
const batchRecords = Array.from({ length: BATCH }, () => RECORD);

async function throughput(server: ZeekWebSocketServer, client: ZeekWebSocketClient, totalRecords: number): Promise<void> {
  const batches = totalRecords / BATCH;
  const consumer = (async () => {
    let records = 0;
    while (records < totalRecords) {
      const x = await client.next();
      if (x?.kind === 'log_records') records += x.records.length;
    }
  })();
  const started = performance.now();
  for (let i = 0; i < batches; i++) {
    server.publish(TOPIC, logRecordsEvent({ node: 'zeek', stream: 'conn', seq: i * BATCH, records: batchRecords }));
    if (server.bufferedAmount > 8 * 2 ** 20) await server.drain();
  }
  await consumer;
  const seconds = (performance.now() - started) / 1000;
  console.log(`throughput_records: ${totalRecords} records`);
  console.log(`throughput: ${Math.round(totalRecords / seconds)} records/s`);
  console.log(`throughput_bytes: ${((client.stats.bytesReceived / seconds) / 2 ** 20).toFixed(1)} MiB/s`);
  console.log(`dropped_batches: ${client.stats.batchesDropped}`);
}

async function latency(server: ZeekWebSocketServer, client: ZeekWebSocketClient, ratePerSecond: number, seconds: number): Promise<void> {
  const batches = Math.round((ratePerSecond * seconds) / BATCH);
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const consumer = (async () => {
    while (latencies.length < batches) {
      const x = await client.next();
      if (x?.kind !== 'log_records') continue;
      latencies.push(performance.now() - sentAt.get(x.seq)!);
    }
  })();
  const started = performance.now();
  const seqBase = 10_000_000;
  for (let i = 0; i < batches; i++) {
    const due = started + (i * BATCH * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const seq = seqBase + i * BATCH;
    sentAt.set(seq, performance.now());
    server.publish(TOPIC, logRecordsEvent({ node: 'zeek', stream: 'conn', seq, records: batchRecords }));
  }
  await consumer;
  latencies.sort((a, b) => a - b);
  const q = (p: number): string => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  console.log(`latency_rate: ${ratePerSecond} records/s (${batches} batches of ${BATCH})`);
  console.log(`latency_p50: ${q(0.5)} ms`);
  console.log(`latency_p99: ${q(0.99)} ms`);
  console.log(`latency_max: ${latencies[latencies.length - 1]!.toFixed(2)} ms`);
}

const server = new ZeekWebSocketServer({ pingIntervalMs: 0 });
await server.start();
const client = new ZeekWebSocketClient({ url: server.url, topics: [logsSubscription()], queueCapacity: 100_000 });
await client.connect();
await throughput(server, client, 20_000); // warm-up
await throughput(server, client, 500_000);
await latency(server, client, 10_000, 5);
console.log(`rss: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
console.log('note: 2 shared cores, other engineers running; figures are lower bounds');
await client.close();
await server.close();
