// Warms the live path up before the first real batch: a throwaway copy of the models scores made-up records,
// and a throwaway service decodes made-up frames and answers made-up anomalies, so the JIT has compiled
// decode → parse → featurize → score → explain → format → answer when Zeek's traffic arrives.
import os from 'node:os';
import { loadScoringModel } from '../model/loaded-model.js';
import { streamOfModule, LOG_MODULES, type LogStream } from '../zeek/record.js';
import { brokerToEvent, encodeEventMessage, parseServerMessage } from '../zeek/broker-json.js';
import { logRecordsEvent, readLogRecordsEvent } from '../zeek/broker-contract.js';
import type { ZeekInput } from '../zeek/websocket-client.js';
import { MitigationPolicy, type MitigationOptions } from '../response/mitigation-policy.js';
import { ScoreFileWriter } from '../sinks/score-file.js';
import { RecordScorer, type ScoredRecord, type ScorerOptions } from './record-scorer.js';
import { emptyOutcome, scoreLiveBatch, type BatchOutcome, type LiveBatch } from './live-batch.js';
import { LiveScoringService, type ScoringEngine, type ZeekConnection } from './live-scoring.js';
import { originatorOf } from './scoring-pool.js';
import { packAnomalies, packRecords, unpackAnomalies, unpackRecords } from './batch-transfer.js';

/** Made-up records per stream and their batch size: enough calls for V8 to optimise the hot functions. */
export const WARM_UP_RECORDS = 2000;
const WARM_UP_BATCH = 50;

function endpoint(i: number, proto: string): string {
  return `"id":{"orig_h":"10.${i % 7}.${i % 13}.${1 + (i % 200)}","orig_p":{"port":${1024 + ((i * 7919) % 60000)},"proto":"${proto}"},` +
    `"resp_h":"192.0.2.${1 + (i % 50)}","resp_p":{"port":${[53, 80, 443, 22, 8080][i % 5]},"proto":"${proto}"},"ctx":{}}`;
}

/**
 * A to_json-shaped record of `stream`; values vary with i so every branch of a featurizer is taken, and fields come
 * and go as in Zeek 8.2.2's own records (../shared/data/zeek-8.2.2: no `service` on unidentified connections, no
 * `duration` or bytes on S0, no `rtt`/`answers` on unanswered queries, …) so the compiled code has seen each shape.
 */
export function warmUpRecord(stream: LogStream, i: number): string {
  const ts = 1_700_000_000 + i * 0.37;
  const head = `"ts":${ts},"uid":"Cwarm${i}"`;
  switch (stream) {
    case 'conn': {
      const udp = i % 3 === 0;
      const state = ['SF', 'S0', 'REJ', 'RSTO'][i % 4]!;
      const service = i % 4 === 3 ? '' : `"service":"${['dns', 'http', 'ssl'][i % 3]}",`;
      const volumes = state === 'S0' ? '' : `"duration":${(i % 97) * 1.5},"orig_bytes":${(i * 131) % 100000},"resp_bytes":${(i * 977) % 10000000},`;
      return `{${head},${endpoint(i, udp ? 'udp' : 'tcp')},"proto":"${udp ? 'udp' : 'tcp'}",${service}${volumes}"conn_state":"${state}",` +
        `"local_orig":true,"local_resp":${i % 2 === 0},"missed_bytes":0,"history":"${['ShADadFf', 'S', 'ShR', 'Dd'][i % 4]}","orig_pkts":${i % 50},` +
        `"orig_ip_bytes":${(i * 17) % 90000},"resp_pkts":${i % 40},"resp_ip_bytes":${(i * 29) % 90000},"ip_proto":${udp ? 17 : 6}}`;
    }
    case 'dns': {
      const answered = i % 3 !== 2;
      const reply = answered
        ? `"rtt":${(i % 10) / 1000},"query":"h${i % 300}.example${i % 3}.com","qclass":1,"qclass_name":"C_INTERNET","qtype":${[1, 28, 15, 16][i % 4]},"qtype_name":"${['A', 'AAAA', 'MX', 'TXT'][i % 4]}",` +
          `"rcode":${i % 5 === 0 ? 3 : 0},"rcode_name":"${i % 5 === 0 ? 'NXDOMAIN' : 'NOERROR'}","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["192.0.2.${i % 250}"],"TTLs":[${60 + (i % 300)}.0],`
        : `"query":"h${i % 300}.example${i % 3}.com","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","AA":false,"TC":false,"RD":true,"RA":false,"Z":0,`;
      return `{${head},${endpoint(i, 'udp')},"proto":"udp","trans_id":${i % 65536},${reply}"rejected":false,"opcode":0,"opcode_name":"query"}`;
    }
    case 'http': {
      const body = i % 3 === 0 ? '' : `,"resp_fuids":["Fwarm${i}"],"resp_mime_types":["text/html"]`;
      return `{${head},${endpoint(i, 'tcp')},"trans_depth":1,"method":"${['GET', 'POST', 'HEAD'][i % 3]}","host":"site${i % 40}.example","uri":"/p/${i % 500}?q=${i}",` +
        `"referrer":"http://site${i % 7}.example/","version":"1.1","user_agent":"agent/${i % 9}","request_body_len":${(i * 13) % 5000},"response_body_len":${(i * 71) % 900000},` +
        `"status_code":${[200, 404, 301, 500][i % 4]},"status_msg":"OK","tags":[]${body}}`;
    }
    case 'ssh':
      return `{${head},${endpoint(i, 'tcp')},"version":2,"auth_success":${i % 4 === 0},"auth_attempts":${i % 6},` +
        `"client":"SSH-2.0-OpenSSH_${8 + (i % 2)}.${i % 9}","server":"SSH-2.0-OpenSSH_9.6","cipher_alg":"chacha20-poly1305@openssh.com",` +
        `"mac_alg":"umac-64-etm@openssh.com","compression_alg":"none","kex_alg":"curve25519-sha256","host_key_alg":"ssh-ed25519","host_key_fingerprint":"ab:cd:${i % 99}"}`;
    case 'ssl': {
      const sni = i % 9 === 8 ? '' : `"server_name":"sni${i % 60}.example",`;
      return `{${head},${endpoint(i, 'tcp')},"version":"${['TLSv12', 'TLSv13', 'TLSv10'][i % 3]}","cipher":"TLS_AES_128_GCM_SHA256","curve":"x25519",` +
        `${sni}"resumed":${i % 5 === 0},"established":${i % 7 !== 0},"ssl_history":"CsiI"${i % 2 === 0 ? ',"sni_matches_cert":true' : ''}}`;
    }
  }
}

/**
 * Scores WARM_UP_RECORDS made-up records per model through throwaway RecordScorers over their own copy of
 * the models (host-context state lives in a model, so the real models see nothing of it). Every other batch is
 * explained record by record, so the anomaly path is compiled as well as the plain one that most records take.
 * Returns how many records were scored.
 */
export async function warmUpScoring(modelFiles: readonly string[], scorer: Partial<ScorerOptions> = {}): Promise<number> {
  const models = await Promise.all(modelFiles.map((f) => loadScoringModel(f)));
  const plain = new RecordScorer(models, { ...scorer, explainAll: false });
  const explaining = new RecordScorer(models, { ...scorer, explainAll: true });
  let scored = 0;
  for (const model of models) {
    const stream = streamOfModule(model.module);
    for (let start = 0; start < WARM_UP_RECORDS; start += WARM_UP_BATCH) {
      const records = Array.from({ length: WARM_UP_BATCH }, (_, k) => warmUpRecord(stream, start + k));
      const throwaway = (start / WARM_UP_BATCH) % 2 === 0 ? explaining : plain;
      scored += scoreLiveBatch({ stream, records, source: 'warm-up' }, throwaway).scored;
    }
  }
  return scored;
}

/** Made-up batches per stream for warmUpAnswering: every record of them is answered as an anomaly. */
export const WARM_UP_ANSWER_BATCHES = 24;

/**
 * An anomaly as the scorer reports one, made up from a running count. Time runs on for hours across the warm-up
 * (2.5 s an answer) and a few hosts recur, so risk decays, crosses the mitigation level, blocks and releases:
 * every branch of the answer path gets type feedback, not just the first one.
 */
function madeUpAnomaly(stream: LogStream, i: number, originator: string): ScoredRecord {
  return {
    ts: 1_700_000_000 + i * 2.5, uid: `Cwarm${i}`, stream, origH: i % 3 === 0 ? `10.9.9.${i % 5}` : originator, origP: 1024 + (i % 60000),
    respH: `192.0.2.${1 + (i % 50)}`, respP: 443, proto: 'tcp', score: 1 + (i % 20) / 10, threshold: 1, probability: 1e-6,
    anomalous: true, top: [{ feature: 'warm_up', says: `made-up record ${i} of the warm-up`, error: 1 }], model: 'warm-up',
  };
}

/** Stands in for the scoring engine: each record becomes an anomaly, through the pool's packing both ways. */
class AnswerEverythingEngine implements ScoringEngine {
  private answered = 0;

  async submit(batch: LiveBatch): Promise<BatchOutcome> {
    const records = unpackRecords(packRecords(batch.records));
    const outcome = emptyOutcome();
    const anomalies = records.map((json) => madeUpAnomaly(batch.stream, this.answered++, originatorOf(json)));
    outcome.anomalies = unpackAnomalies(packAnomalies(anomalies));
    outcome.scored = anomalies.length;
    return outcome;
  }
  async reload(): Promise<string[]> {
    return [];
  }
  async close(): Promise<void> {}
}

/**
 * Runs a throwaway LiveScoringService over made-up log_records frames (decoded as the client decodes them)
 * whose every record is an anomaly: answers are encoded and dropped, score lines go to the null device and the
 * mitigation policy is a throwaway copy. The main thread's side of a cold start (frame decoding, answers)
 * is then compiled before Zeek's first batch. Returns how many answers were encoded.
 */
export async function warmUpAnswering(topicPrefix: string, mitigation: Partial<MitigationOptions> = {}): Promise<number> {
  const inputs: ZeekInput[] = [];
  for (const module of LOG_MODULES) {
    const stream = streamOfModule(module);
    const topic = `${topicPrefix}/logs/0/${stream}`;
    for (let b = 0; b < WARM_UP_ANSWER_BATCHES; b++) {
      const records = Array.from({ length: WARM_UP_BATCH }, (_, k) => warmUpRecord(stream, b * WARM_UP_BATCH + k));
      const frame = encodeEventMessage(topic, logRecordsEvent({ node: 'warm-up', stream, seq: b * WARM_UP_BATCH, records }), { realStyle: 'fixed6', stringStyle: 'zeek' });
      const message = parseServerMessage(frame);
      if (message.type === 'data-message') inputs.push({ kind: 'log_records', topic, ...readLogRecordsEvent(brokerToEvent(message.data)) });
    }
  }
  let answers = 0;
  const connection: ZeekConnection = {
    next: async () => inputs.shift(),
    publish: (topic, event) => {
      answers += encodeEventMessage(topic, event).length > 0 ? 1 : 0;
      return true;
    },
    flush: async () => {},
    corked: (publishAll) => publishAll(),
  };
  const writer = new ScoreFileWriter(os.devNull);
  try {
    await new LiveScoringService(connection, new AnswerEverythingEngine(), writer, new MitigationPolicy(mitigation), { topicPrefix }).run();
  } finally {
    await writer.close();
  }
  return answers;
}
