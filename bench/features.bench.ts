// Featurize throughput per module: records/s of the per-record block alone and with the host-context
// block, on records read from ../shared/data when present (else generated ones), on one thread.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { VocabularyLearner } from '../src/features/index.js';
import { readLogFile } from '../src/zeek/index.js';
import type { LogModule, ZeekRecord } from '../src/zeek/record.js';
import { sharedDataDir } from '../test/support/shared-data.js';

const SAMPLE_FILES: Record<LogModule, string> = {
  CONN: 'zat-2019-ursnif/json/conn.log',
  HTTP: 'stratosphere-sdt/011-ctu-normal-43-day1/tsv/http.labeled.log',
  DNS: 'wrccdc2018/tsv/dns.log.gz',
  SSH: 'stratosphere-sdt/007-ssh-honeypot-infected/json/ssh.log.gz',
  SSL: 'wrccdc2018/tsv/ssl.log.gz',
};

const RECORDS_PER_RUN = 1_000_000;

function generated(module: LogModule, i: number): ZeekRecord {
  const base: ZeekRecord = { ts: 1e9 + i, uid: `C${i}`, 'id.orig_h': `10.0.${i & 255}.${(i >> 8) & 255}`, 'id.orig_p': 40000 + (i % 20000), 'id.resp_h': `93.184.${i & 7}.34`, 'id.resp_p': [80, 443, 53, 22][i & 3]! };
  switch (module) {
    case 'CONN':
      return { ...base, proto: 'tcp', service: 'http', duration: (i % 100) / 10, orig_bytes: i % 5000, resp_bytes: i % 90000, conn_state: 'SF', history: 'ShADadFf', orig_pkts: 9, orig_ip_bytes: 900, resp_pkts: 12, resp_ip_bytes: 9000 };
    case 'DNS':
      return { ...base, proto: 'udp', query: `host${i % 977}.example.com`, qtype_name: 'A', rcode_name: 'NOERROR', rtt: 0.01, RD: true, RA: true, answers: ['93.184.216.34'], TTLs: [300] };
    case 'HTTP':
      return { ...base, method: 'GET', host: 'example.com', uri: `/path/${i % 313}?q=${i}`, user_agent: 'Mozilla/5.0', status_code: 200, response_body_len: i % 100000, resp_mime_types: ['text/html'] };
    case 'SSH':
      return { ...base, version: 2, auth_success: (i & 1) === 0, auth_attempts: 1 + (i % 3), client: 'SSH-2.0-OpenSSH_9.6', server: 'SSH-2.0-OpenSSH_9.2p1 Debian-2', kex_alg: 'curve25519-sha256' };
    case 'SSL':
      return { ...base, version: 'TLSv13', cipher: 'TLS_AES_128_GCM_SHA256', server_name: `s${i % 101}.example.com`, established: true, ssl_history: 'CsiI', cert_chain_fps: ['a', 'b'] };
  }
}

async function sample(module: LogModule): Promise<{ records: ZeekRecord[]; source: string }> {
  const dir = sharedDataDir();
  const file = dir === undefined ? undefined : path.join(dir, SAMPLE_FILES[module]);
  if (file !== undefined && existsSync(file)) {
    const records: ZeekRecord[] = [];
    for await (const entry of readLogFile(file)) records.push(entry.record);
    if (records.length > 0) return { records, source: SAMPLE_FILES[module] };
  }
  return { records: Array.from({ length: 4096 }, (_, i) => generated(module, i)), source: 'generated' };
}

function measure(module: LogModule, records: readonly ZeekRecord[], hostContext: boolean): { width: number; perSecond: number } {
  const learner = new VocabularyLearner(module, { hostContext });
  for (const record of records) learner.observe(record);
  const featurizer = learner.build();
  const out = new Float64Array(featurizer.width);
  // Warm-up so the JIT has optimised the hot path before timing.
  for (let i = 0; i < 200_000; i++) featurizer.featurize(records[i % records.length]!, out);
  featurizer.reset();
  globalThis.gc?.();
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS_PER_RUN; i++) {
    featurizer.featurize(records[i % records.length]!, out);
    checksum += out[0]!;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!Number.isFinite(checksum)) throw new Error(`${module}: non-finite feature`);
  return { width: featurizer.width, perSecond: RECORDS_PER_RUN / seconds };
}

console.log('# one thread; 2 shared cores busy with other work: figures are lower bounds');
for (const module of ['CONN', 'HTTP', 'DNS', 'SSH', 'SSL'] as const) {
  const { records, source } = await sample(module);
  const plain = measure(module, records, false);
  const withHost = measure(module, records, true);
  const name = module.toLowerCase();
  console.log(`${name}.sample: ${records.length} records (${source})`);
  console.log(`${name}.width_per_record: ${plain.width} features`);
  console.log(`${name}.featurize_per_record: ${Math.round(plain.perSecond)} records/s`);
  console.log(`${name}.width_with_host_context: ${withHost.width} features`);
  console.log(`${name}.featurize_with_host_context: ${Math.round(withHost.perSecond)} records/s`);
}
