// Host-context throughput and memory: records/s per module with 10k and 1M distinct originators
// (uniform random, so 1M against the 100k default cap is the worst case: ~90 % of records evict a host).
import { createHostContextBlock, DEFAULT_HOST_CONTEXT_OPTIONS } from '../src/features/host-context.js';
import { LOG_MODULES, type LogModule, type ZeekRecord } from '../src/zeek/record.js';

const RECORDS = 1_000_000;
const WARMUP = 200_000;
const T0 = 1_700_000_000;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A pool of realistic records of `module`, reused with a new originator and time each iteration. */
function recordPool(module: LogModule, size: number, next: () => number): ZeekRecord[] {
  const pool: ZeekRecord[] = [];
  for (let i = 0; i < size; i++) {
    const resp = `192.0.${Math.floor(next() * 4)}.${Math.floor(next() * 250)}`;
    const base: ZeekRecord = { ts: 0, uid: `C${i}`, 'id.orig_h': '', 'id.orig_p': 40000 + i, 'id.resp_h': resp };
    switch (module) {
      case 'CONN':
        Object.assign(base, { 'id.resp_p': [80, 443, 53, 22][i % 4], proto: 'tcp', conn_state: i % 7 === 0 ? 'S0' : 'SF', duration: next() * 10, orig_bytes: Math.floor(next() * 5000), resp_bytes: Math.floor(next() * 50000) });
        break;
      case 'DNS':
        Object.assign(base, { 'id.resp_p': 53, proto: 'udp', query: `host${Math.floor(next() * 500)}.example${i % 20}.com`, rcode_name: i % 10 === 0 ? 'NXDOMAIN' : 'NOERROR' });
        break;
      case 'SSH':
        Object.assign(base, { 'id.resp_p': 22, auth_success: i % 3 === 0 ? false : true });
        break;
      case 'HTTP':
        Object.assign(base, { 'id.resp_p': 80, host: `site${i % 50}.example.com`, status_code: i % 9 === 0 ? 404 : 200 });
        break;
      case 'SSL':
        Object.assign(base, { 'id.resp_p': 443, server_name: `svc${i % 50}.example.net`, established: i % 11 !== 0 });
        break;
    }
    pool.push(base);
  }
  return pool;
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function run(module: LogModule, distinctHosts: number, maxHosts: number): void {
  const next = random(42);
  const hosts = Array.from({ length: distinctHosts }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const pool = recordPool(module, 4096, next);
  const order = Uint32Array.from({ length: 1 << 20 }, () => Math.floor(next() * distinctHosts));
  const block = createHostContextBlock(module, { ...DEFAULT_HOST_CONTEXT_OPTIONS, maxHosts });
  const out = new Float64Array(block.names.length);
  let checksum = 0;
  const step = (i: number): void => {
    const record = pool[i & 4095]!;
    record['id.orig_h'] = hosts[order[i & 0xfffff]!]!;
    record.ts = T0 + i * 0.001; // 1,000 records/s of traffic time
    block.write(record, out, 0);
    checksum += out[0]!;
  };
  for (let i = 0; i < WARMUP; i++) step(i);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = WARMUP; i < WARMUP + RECORDS; i++) step(i);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  globalThis.gc?.();
  const after = process.memoryUsage();
  const tag = `${module.toLowerCase()} hosts=${distinctHosts} cap=${maxHosts}`;
  console.log(`${tag} features: ${block.names.length}`);
  console.log(`${tag} throughput: ${Math.round(RECORDS / seconds)} records/s`);
  console.log(`${tag} cost: ${((seconds / RECORDS) * 1e9).toFixed(0)} ns/record (wall)`);
  // CPU time is less distorted than wall time when other processes share the 2 cores
  console.log(`${tag} cpu: ${(((cpu.user + cpu.system) * 1e3) / RECORDS).toFixed(0)} ns/record`);
  console.log(`${tag} tracked: ${block.stats.hosts} hosts, ${block.stats.evictions} evictions`);
  console.log(`${tag} heap + typed arrays: ${mib(after.heapUsed + after.arrayBuffers)} MiB (whole process, earlier runs' garbage collected)`);
  console.log(`${tag} rss: ${mib(after.rss)} MiB`);
  if (!Number.isFinite(checksum)) throw new Error('non-finite feature');
}

const modules = process.argv.slice(2).filter((m): m is LogModule => (LOG_MODULES as readonly string[]).includes(m));
for (const module of modules.length > 0 ? modules : LOG_MODULES) {
  run(module, 10_000, DEFAULT_HOST_CONTEXT_OPTIONS.maxHosts);
  run(module, 1_000_000, DEFAULT_HOST_CONTEXT_OPTIONS.maxHosts);
}
run('CONN', 1_000_000, 1_000_000);
