// Reader throughput: records/s for ~200k-line conn TSV, JSON and gzip TSV files, and peak RSS (flat in file size).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readLogFile } from '../src/zeek/log-file.js';
import { ReadSummary } from '../src/zeek/read-summary.js';

const LINES = 200_000;
// one real conn record from Zeek 8.2.2 (../shared/data/zeek-8.2.2/zeek-http-bro.org), varied per line
const TSV_HEADER = [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn', '#open\t2026-11-26-03-03-11',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount',
].join('\n');
const tsvLine = (i: number) =>
  `${1389719042 + i / 1000}\tCtvG9I1QqEFSQ4m5U${i % 10}\t10.0.2.15\t${1024 + (i % 60000)}\t192.150.187.43\t80\ttcp\thttp\t5.391660\t${839 + (i % 100)}\t17540\tSF\tT\tF\t0\tShADadfF\t16\t1499\t21\t18384\t-\t6`;
const jsonLine = (i: number) =>
  `{"ts":${1389719042 + i / 1000},"uid":"CiYnX43WT56s3SIA${i % 10}","id.orig_h":"10.0.2.15","id.orig_p":${1024 + (i % 60000)},"id.resp_h":"192.150.187.43","id.resp_p":80,"proto":"tcp","service":"http","duration":5.39165997505188,"orig_bytes":${839 + (i % 100)},"resp_bytes":17540,"conn_state":"SF","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadfF","orig_pkts":16,"orig_ip_bytes":1499,"resp_pkts":21,"resp_ip_bytes":18384,"ip_proto":6}`;

async function measure(label: string, file: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const summary = new ReadSummary();
  let peakRss = process.memoryUsage().rss;
  let checksum = 0;
  const start = process.hrtime.bigint();
  for await (const entry of readLogFile(file, { summary })) {
    checksum += entry.record['id.orig_p'] as number;
    if ((summary.records & 0x3fff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (summary.records !== LINES || summary.skipped !== 0 || checksum === 0) throw new Error(`${label}: ${summary.format()}`);
  console.log(`${label} records/s: ${Math.round(LINES / seconds)} records/s`);
  console.log(`${label} peak rss: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'azw-reader-bench-'));
try {
  // built and written inside a function so the text is garbage before the reads measure RSS
  const sizes = ((): string => {
    const tsvText = TSV_HEADER + '\n' + Array.from({ length: LINES }, (_, i) => tsvLine(i)).join('\n') + '\n';
    const jsonText = Array.from({ length: LINES }, (_, i) => jsonLine(i)).join('\n') + '\n';
    writeFileSync(path.join(dir, 'conn.log'), tsvText);
    writeFileSync(path.join(dir, 'conn.json'), jsonText);
    writeFileSync(path.join(dir, 'conn.log.gz'), gzipSync(tsvText, { level: 6 }));
    return `tsv ${(tsvText.length / 2 ** 20).toFixed(1)} MiB, json ${(jsonText.length / 2 ** 20).toFixed(1)} MiB`;
  })();
  console.log(`file sizes: ${sizes} (${LINES} lines each)`);
  console.log('note: 2 shared cores with other jobs running; figures are lower bounds');
  await measure('conn tsv', path.join(dir, 'conn.log'));
  await measure('conn json', path.join(dir, 'conn.json'));
  await measure('conn tsv.gz', path.join(dir, 'conn.log.gz'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
