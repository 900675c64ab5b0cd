// Replays log entries the way the Zeek package publishes them: to_json strings batched per (shard, stream),
// AutoZeekWatch::log_records to autozeekwatch/logs/<shard>/<stream>, at a set rate, then end_of_input per shard.
import type { LogEntry, LogStream } from '../zeek/record.js';
import {
  DEFAULT_TOPIC_PREFIX, encodeLogRecordsMessage, endOfInputEvent, endTopic, logRecordsEvent, logsTopic,
} from '../zeek/broker-contract.js';
import { encodeStringElement } from '../zeek/broker-json.js';
import { toLiveJson } from './live-json.js';
import { shardOf } from './shard.js';
import { ZEEK_ENCODING, type ZeekWebSocketServer } from './zeek-server.js';

export interface PublisherOptions {
  /** the `node` argument (default `zeek`, a standalone Zeek) */
  readonly node?: string;
  /** AutoZeekWatch::shards (default 1) */
  readonly shards?: number;
  /** AutoZeekWatch::batch_size (default 50) */
  readonly batchSize?: number;
  /** AutoZeekWatch::batch_interval: a batch is sent at the latest this long after its first record (default 100 ms) */
  readonly batchIntervalMs?: number;
  /** records per second; undefined or 0 = as fast as the client takes them */
  readonly ratePerSecond?: number;
  readonly topicPrefix?: string;
  /** pause while this many bytes wait in the server's send buffers (default 8 MiB) */
  readonly highWaterBytes?: number;
  /** called just before each log_records batch goes out, with its to_json strings (a benchmark times them) */
  readonly onBatchPublish?: (records: readonly string[]) => void;
}

export interface PublishStats {
  records: number;
  batches: number;
  /** records that reached no subscriber (Zeek drops them too) */
  recordsUnheard: number;
  readonly perStream: Map<LogStream, number>;
}

/**
 * A record already rendered as the package publishes it, so a replay can render before it starts the
 * clock (in Zeek, to_json runs in C++ and costs the sidecar nothing).
 */
export interface LiveRecord {
  readonly stream: LogStream;
  /** the `to_json(rec, T, /^_/, T)` string */
  readonly json: string;
  /** `id.orig_h` ('' when absent): picks the shard */
  readonly originator: string;
  /** the record's `ts`: Zeek's network time when it is published */
  readonly ts: number | undefined;
  /** `json` as a Broker string value the way Zeek writes it (see preEncodeLiveRecord); encoded when sent if absent */
  readonly encoded?: string;
}

/** Renders a log entry once, for publishing later. */
export function renderLiveRecord(entry: LogEntry): LiveRecord {
  const origH = entry.record['id.orig_h'];
  const ts = entry.record.ts;
  return {
    stream: entry.stream,
    json: toLiveJson(entry.record, entry.stream),
    originator: typeof origH === 'string' ? origH : '',
    ts: typeof ts === 'number' ? ts : undefined,
  };
}

/**
 * Adds the record's Broker encoding, so publishing it later only joins text: a replay that measures the
 * sidecar encodes before it starts the clock (in Zeek the encoding is C++ on Zeek's own cores).
 */
export function preEncodeLiveRecord(record: LiveRecord): LiveRecord {
  return { ...record, encoded: encodeStringElement(record.json, ZEEK_ENCODING.stringStyle) };
}

function isLiveRecord(entry: LogEntry | LiveRecord): entry is LiveRecord {
  return typeof (entry as LiveRecord).json === 'string';
}

interface PendingBatch {
  readonly shard: number;
  readonly stream: LogStream;
  readonly records: string[];
  /** the records' Broker encodings, while every record of the batch has one */
  encoded: string[] | undefined;
  readonly firstAt: number;
}

/**
 * seq numbers records per (node, shard, stream), i.e. per topic: a sidecar that subscribes to some shards
 * can then count gaps. With one shard this is the package's per-(node, stream) numbering.
 */
export class LogRecordPublisher {
  readonly stats: PublishStats = { records: 0, batches: 0, recordsUnheard: 0, perStream: new Map() };
  /** the largest `ts` published: Zeek's network time during the replay */
  networkTime = 0;
  private readonly server: ZeekWebSocketServer;
  private readonly options: PublisherOptions;
  private readonly batches = new Map<string, PendingBatch>();
  private readonly nextSeq = new Map<string, number>();

  constructor(server: ZeekWebSocketServer, options: PublisherOptions = {}) {
    this.server = server;
    this.options = options;
  }

  private get node(): string {
    return this.options.node ?? 'zeek';
  }

  /** Publishes every entry (flushing due batches as it goes); call finish() afterwards. */
  async publishAll(entries: AsyncIterable<LogEntry | LiveRecord> | Iterable<LogEntry | LiveRecord>, signal?: AbortSignal): Promise<void> {
    const rate = this.options.ratePerSecond ?? 0;
    const started = performance.now();
    let sent = 0;
    const publishOne = async (entry: LogEntry | LiveRecord): Promise<void> => {
      const wait = started + (sent / rate) * 1000 - performance.now();
      if (wait > 0) {
        this.flushDue(performance.now() + wait);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      if (this.addToBatch(entry)) await this.server.drain();
      sent++;
      this.flushDue(performance.now());
    };
    if (Symbol.iterator in entries) {
      // an array of records: at full speed, wait only for back-pressure, not one promise per record
      for (const entry of entries) {
        if (signal?.aborted) break;
        if (rate > 0) await publishOne(entry);
        else if (this.addToBatch(entry)) await this.server.drain();
      }
      return;
    }
    for await (const entry of entries) {
      if (signal?.aborted) break;
      if (rate > 0) await publishOne(entry);
      else if (this.addToBatch(entry)) await this.server.drain();
    }
  }

  /** Adds one entry (rendered now unless it already is) to its batch; sends the batch when full. */
  async add(entry: LogEntry | LiveRecord): Promise<void> {
    if (this.addToBatch(entry)) await this.server.drain();
  }

  /** add() without waiting: true when a batch went out and the server's send buffers are over the high-water mark. */
  private addToBatch(entry: LogEntry | LiveRecord): boolean {
    const live = isLiveRecord(entry) ? entry : renderLiveRecord(entry);
    const shard = shardOf(live.originator, this.options.shards ?? 1);
    const key = `${shard}/${live.stream}`;
    let batch = this.batches.get(key);
    if (batch === undefined) {
      batch = { shard, stream: live.stream, records: [], encoded: [], firstAt: performance.now() };
      this.batches.set(key, batch);
    }
    batch.records.push(live.json);
    if (live.encoded !== undefined) batch.encoded?.push(live.encoded);
    else batch.encoded = undefined;
    if (live.ts !== undefined && live.ts > this.networkTime) this.networkTime = live.ts;
    if (batch.records.length < (this.options.batchSize ?? 50)) return false;
    this.send(key, batch);
    return this.server.bufferedAmount > (this.options.highWaterBytes ?? 8 * 2 ** 20);
  }

  /** Sends the batches whose interval ends by `now` (performance.now() time). */
  flushDue(now: number): void {
    const interval = this.options.batchIntervalMs ?? 100;
    for (const [key, batch] of this.batches) if (batch.firstAt + interval <= now) this.send(key, batch);
  }

  /** Sends every partial batch, then end_of_input to each shard (what Pcap::file_done does in the package). */
  async finish(): Promise<void> {
    for (const [key, batch] of this.batches) this.send(key, batch);
    const shards = this.options.shards ?? 1;
    for (let shard = 0; shard < shards; shard++) {
      this.server.publish(endTopic(shard, this.options.topicPrefix ?? DEFAULT_TOPIC_PREFIX), endOfInputEvent(this.node));
    }
    await this.server.drain(0);
  }

  private send(key: string, batch: PendingBatch): void {
    this.batches.delete(key);
    const topic = logsTopic(batch.shard, batch.stream, this.options.topicPrefix ?? DEFAULT_TOPIC_PREFIX);
    const seq = this.nextSeq.get(topic) ?? 0;
    this.nextSeq.set(topic, seq + batch.records.length);
    this.options.onBatchPublish?.(batch.records);
    const receivers = batch.encoded !== undefined
      ? this.server.publishEncoded(topic, encodeLogRecordsMessage(topic, { node: this.node, stream: batch.stream, seq }, batch.encoded, ZEEK_ENCODING))
      : this.server.publish(topic, logRecordsEvent({ node: this.node, stream: batch.stream, seq, records: batch.records }));
    this.stats.batches++;
    this.stats.records += batch.records.length;
    if (receivers === 0) this.stats.recordsUnheard += batch.records.length;
    this.stats.perStream.set(batch.stream, (this.stats.perStream.get(batch.stream) ?? 0) + batch.records.length);
  }
}
