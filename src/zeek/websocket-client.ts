// The sidecar's connection to Zeek's WebSocket API: subscribe, wait for the ack, reconnect with backoff,
// hand log_records batches to the consumer through a bounded queue, publish answers. Zeek's frames are untrusted.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import WebSocket from 'ws';
import { AutoZeekWatchError } from '../errors.js';
import {
  BrokerJsonError, brokerToEvent, encodeEventMessage, encodeHandshake, parseServerMessage, type BrokerEvent,
} from './broker-json.js';
import { EVENT_END_OF_INPUT, EVENT_LOG_RECORDS, readEndOfInputEvent, readLogRecordsEvent } from './broker-contract.js';
import { BoundedQueue } from './websocket-queue.js';

export const WEBSOCKET_PATH = '/v1/messages/json';
export const DEFAULT_APPLICATION_NAME = 'autozeekwatch';

/** `ws://host:port/v1/messages/json` (or wss with `tls`); IPv6 hosts get brackets. */
export function zeekWebSocketUrl(host: string, port: number, options: { tls?: boolean } = {}): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${options.tls ? 'wss' : 'ws'}://${h}:${port}${WEBSOCKET_PATH}`;
}

/** A connection attempt that failed; the client reconnects by itself, this only reports why. */
export class ZeekConnectionError extends AutoZeekWatchError {
  readonly url: string;
  readonly reason: 'ack-timeout' | 'refused' | 'socket';
  constructor(reason: 'ack-timeout' | 'refused' | 'socket', url: string, detail: string, options?: { cause?: unknown }) {
    super('ZEEK_CONNECTION', `${url}: ${reason}: ${detail}`, options);
    this.url = url;
    this.reason = reason;
  }
}

export interface ReconnectOptions {
  /** first delay (default 250 ms) */
  readonly initialDelayMs?: number;
  /** cap (default 30 s) */
  readonly maxDelayMs?: number;
  /** growth per failed attempt (default 2) */
  readonly factor?: number;
  /** ± fraction of the delay drawn at random so restarted sidecars do not reconnect in lockstep (default 0.2) */
  readonly jitter?: number;
}

export interface ZeekWebSocketClientOptions {
  /** e.g. `ws://127.0.0.1:27759/v1/messages/json` (see zeekWebSocketUrl) */
  readonly url: string;
  /** topic prefixes, e.g. [`autozeekwatch/logs/`] */
  readonly topics: readonly string[];
  /** `X-Application-Name` header (default `autozeekwatch`); shows in Zeek's cluster.log */
  readonly applicationName?: string;
  /** PEM file of the CA that signed Zeek's certificate (wss) */
  readonly ca?: string;
  /** how long to wait for the ack after subscribing (default 10 s) */
  readonly ackTimeoutMs?: number;
  readonly reconnect?: ReconnectOptions;
  /** batches held for a lagging consumer before new ones are dropped and counted (default 1024) */
  readonly queueCapacity?: number;
  /** frames larger than this are counted and skipped (default 64 MiB) */
  readonly maxMessageBytes?: number;
  /** read frames with raw control bytes by escaping them, instead of skipping them (default false) */
  readonly repairControlCharacters?: boolean;
}

/** What the consumer receives, in arrival order. `records` are unparsed to_json strings. */
export type ZeekInput =
  | { readonly kind: 'log_records'; readonly topic: string; readonly node: string; readonly stream: string; readonly seq: number; readonly records: readonly string[] }
  | { readonly kind: 'end_of_input'; readonly topic: string; readonly node: string };

export interface AckInfo {
  readonly endpoint: string;
  readonly version: string;
}

export interface GapInfo {
  readonly node: string;
  readonly topic: string;
  readonly stream: string;
  readonly expectedSeq: number;
  readonly seq: number;
  readonly missing: number;
}

/** Counters of everything that happened; every skipped frame and dropped batch is here. */
export interface ZeekClientStats {
  connectAttempts: number;
  acks: number;
  ackTimeouts: number;
  refusals: number;
  disconnects: number;
  framesReceived: number;
  bytesReceived: number;
  /** frames skipped, by kind */
  binaryFrames: number;
  oversizedFrames: number;
  invalidUtf8Frames: number;
  invalidJsonFrames: number;
  controlCharacterFrames: number;
  malformedMessages: number;
  /** events with other names (ignored) */
  otherEvents: number;
  serverErrors: number;
  batchesReceived: number;
  recordsReceived: number;
  endOfInputs: number;
  /** the consumer lagged and the queue was full */
  batchesDropped: number;
  recordsDropped: number;
  /** per-(node, topic) seq accounting */
  gaps: number;
  recordsMissing: number;
  seqRestarts: number;
  published: number;
  publishRefused: number;
  publishFailed: number;
}

function emptyStats(): ZeekClientStats {
  return {
    connectAttempts: 0, acks: 0, ackTimeouts: 0, refusals: 0, disconnects: 0, framesReceived: 0, bytesReceived: 0,
    binaryFrames: 0, oversizedFrames: 0, invalidUtf8Frames: 0, invalidJsonFrames: 0, controlCharacterFrames: 0,
    malformedMessages: 0, otherEvents: 0, serverErrors: 0, batchesReceived: 0, recordsReceived: 0, endOfInputs: 0,
    batchesDropped: 0, recordsDropped: 0, gaps: 0, recordsMissing: 0, seqRestarts: 0, published: 0,
    publishRefused: 0, publishFailed: 0,
  };
}

/**
 * A WebSocket client of Zeek. Events: `connected`(AckInfo), `disconnected`({code, reason}),
 * `reconnecting`({attempt, delayMs}), `server_error`({code, context}), `gap`(GapInfo),
 * `error`(ZeekConnectionError; only emitted when someone listens). Inputs: `for await (const x of client)`.
 */
export class ZeekWebSocketClient extends EventEmitter {
  readonly url: string;
  private readonly options: ZeekWebSocketClientOptions;
  private readonly queue: BoundedQueue<ZeekInput>;
  private readonly counters = emptyStats();
  private readonly nextSeq = new Map<string, number>();
  private readonly ca: Buffer | undefined;
  private socket: WebSocket | undefined;
  private acked = false;
  private ack: AckInfo | undefined;
  private closing = false;
  private attempt = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pendingSends = 0;
  private flushWaiters: Array<() => void> = [];

  constructor(options: ZeekWebSocketClientOptions) {
    super();
    this.options = options;
    this.url = options.url;
    this.queue = new BoundedQueue(options.queueCapacity ?? 1024);
    this.ca = options.ca !== undefined ? readFileSync(options.ca) : undefined;
  }

  /** A copy of the counters. */
  get stats(): ZeekClientStats {
    return { ...this.counters };
  }

  /** Batches waiting for the consumer. */
  get queued(): number {
    return this.queue.length;
  }

  get isConnected(): boolean {
    return this.acked;
  }

  /** Starts connecting (once) and resolves with the next ack; keeps reconnecting on its own afterwards. */
  connect(): Promise<AckInfo> {
    if (this.closing) return Promise.reject(new Error('client is closed'));
    const acked = this.acked && this.ack !== undefined ? Promise.resolve(this.ack) : new Promise<AckInfo>((resolve) => this.once('connected', resolve));
    if (this.socket === undefined && this.reconnectTimer === undefined) this.open();
    return acked;
  }

  [Symbol.asyncIterator](): AsyncIterator<ZeekInput> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** The next input, or undefined once the client is closed and the queue drained. */
  async next(): Promise<ZeekInput | undefined> {
    const r = await this.queue.next();
    return r.done ? undefined : r.value;
  }

  /**
   * Sends an event to Zeek. False (and counted) when not connected: answers are not kept across
   * reconnects, as Zeek keeps nothing either. Throws BrokerJsonError for a value that cannot be encoded.
   */
  publish(topic: string, event: BrokerEvent): boolean {
    const text = encodeEventMessage(topic, event);
    const ws = this.socket;
    if (!this.acked || ws === undefined || ws.readyState !== WebSocket.OPEN) {
      this.counters.publishRefused++;
      return false;
    }
    this.pendingSends++;
    ws.send(text, (err) => {
      this.pendingSends--;
      if (err) this.counters.publishFailed++;
      else this.counters.published++;
      if (this.pendingSends === 0) for (const w of this.flushWaiters.splice(0)) w();
    });
    return true;
  }

  /**
   * Runs `publishAll` with the socket corked, so the events it publishes (one frame each, as Zeek wants)
   * leave in one write instead of one system call per frame: the answers to a batch with many anomalies.
   */
  corked<T>(publishAll: () => T): T {
    // ws keeps its net.Socket private; corking it is safe because ws itself corks around every frame
    const socket = (this.socket as unknown as { _socket?: { cork?: () => void; uncork?: () => void } } | undefined)?._socket;
    if (typeof socket?.cork !== 'function' || typeof socket.uncork !== 'function') return publishAll();
    socket.cork();
    try {
      return publishAll();
    } finally {
      socket.uncork();
    }
  }

  /** Resolves when everything published so far was handed to the operating system. */
  flush(): Promise<void> {
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Flushes, closes with 1000, stops reconnecting, and ends the input iterator (after queued inputs). */
  async close(reason = 'sidecar closing'): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.ackTimer);
    this.reconnectTimer = undefined;
    await this.flush();
    const ws = this.socket;
    if (ws !== undefined && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, reason);
      });
    }
    this.socket = undefined;
    this.acked = false;
    this.queue.end();
  }

  private report(err: ZeekConnectionError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private open(): void {
    this.counters.connectAttempts++;
    this.acked = false;
    const ws = new WebSocket(this.url, {
      headers: { 'X-Application-Name': this.options.applicationName ?? DEFAULT_APPLICATION_NAME },
      // we check sizes and UTF-8 ourselves so that a bad frame costs one frame, not the connection
      maxPayload: Math.max(this.options.maxMessageBytes ?? 64 * 2 ** 20, 1) * 4,
      skipUTF8Validation: true,
      handshakeTimeout: this.options.ackTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      ...(this.ca !== undefined ? { ca: this.ca } : {}),
    });
    this.socket = ws;
    ws.on('open', () => {
      ws.send(encodeHandshake(this.options.topics));
      this.ackTimer = setTimeout(() => this.onAckTimeout(ws), this.options.ackTimeoutMs ?? 10_000);
    });
    ws.on('message', (data, isBinary) => this.onFrame(ws, data as Buffer, isBinary));
    ws.on('error', (err) => {
      if (ws === this.socket) this.report(new ZeekConnectionError('socket', this.url, err.message, { cause: err }));
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onAckTimeout(ws: WebSocket): void {
    if (ws !== this.socket || this.acked) return;
    this.counters.ackTimeouts++;
    this.report(new ZeekConnectionError('ack-timeout', this.url,
      `no ack within ${this.options.ackTimeoutMs ?? 10_000} ms after subscribing; the server accepted the connection ` +
      'but never confirmed the subscriptions (a Zeek cluster with manager_is_logger=T never acks WebSocket clients: ' +
      'use a separate logger node; a standalone Zeek ≥ 8.1 needs a cluster backend loaded)'));
    ws.terminate();
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.socket) return;
    clearTimeout(this.ackTimer);
    const wasAcked = this.acked;
    this.acked = false;
    this.socket = undefined;
    if (this.pendingSends > 0) {
      // sends that never completed are lost with the socket; their callbacks may not fire
      this.pendingSends = 0;
      for (const w of this.flushWaiters.splice(0)) w();
    }
    if (wasAcked) {
      this.counters.disconnects++;
      this.emit('disconnected', { code, reason });
    }
    if (!this.closing) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const r = this.options.reconnect ?? {};
    const base = Math.min(r.maxDelayMs ?? 30_000, (r.initialDelayMs ?? 250) * (r.factor ?? 2) ** this.attempt);
    const jitter = r.jitter ?? 0.2;
    const delayMs = Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * Math.random())));
    this.attempt++;
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing) this.open();
    }, delayMs);
  }

  private onFrame(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    if (ws !== this.socket) return;
    const c = this.counters;
    c.framesReceived++;
    c.bytesReceived += data.length;
    if (isBinary) { c.binaryFrames++; return; }
    if (data.length > (this.options.maxMessageBytes ?? 64 * 2 ** 20)) { c.oversizedFrames++; return; }
    if (!isUtf8(data)) { c.invalidUtf8Frames++; return; }
    let message;
    try {
      message = parseServerMessage(data.toString('utf8'), { repairControlCharacters: this.options.repairControlCharacters ?? false });
    } catch (err) {
      if (err instanceof BrokerJsonError && err.reason === 'control-character') c.controlCharacterFrames++;
      else if (err instanceof BrokerJsonError && err.reason === 'not-json') c.invalidJsonFrames++;
      else c.malformedMessages++;
      return;
    }
    switch (message.type) {
      case 'ack':
        if (this.acked) { c.malformedMessages++; return; }
        clearTimeout(this.ackTimer);
        this.acked = true;
        this.attempt = 0;
        this.ack = { endpoint: message.endpoint, version: message.version };
        c.acks++;
        this.emit('connected', this.ack);
        return;
      case 'error':
        if (!this.acked) {
          // a refused handshake is never acked by Zeek; start over instead of waiting for the timeout
          c.refusals++;
          this.report(new ZeekConnectionError('refused', this.url, `${message.code}: ${message.context}`));
          clearTimeout(this.ackTimer);
          ws.close(1000, 'subscription refused');
          return;
        }
        c.serverErrors++;
        this.emit('server_error', { code: message.code, context: message.context });
        return;
      case 'data-message':
        this.onData(message.topic, message.data);
        return;
    }
  }

  private onData(topic: string, data: Parameters<typeof brokerToEvent>[0]): void {
    const c = this.counters;
    let input: ZeekInput;
    try {
      const event = brokerToEvent(data);
      if (event.name === EVENT_LOG_RECORDS) {
        const batch = readLogRecordsEvent(event);
        input = { kind: 'log_records', topic, ...batch };
      } else if (event.name === EVENT_END_OF_INPUT) {
        input = { kind: 'end_of_input', topic, node: readEndOfInputEvent(event).node };
      } else {
        c.otherEvents++;
        return;
      }
    } catch {
      c.malformedMessages++;
      return;
    }
    if (input.kind === 'log_records') {
      c.batchesReceived++;
      c.recordsReceived += input.records.length;
      this.countSeq(input.node, topic, input.stream, input.seq, input.records.length);
    } else {
      c.endOfInputs++;
    }
    if (!this.queue.push(input)) {
      c.batchesDropped++;
      if (input.kind === 'log_records') c.recordsDropped += input.records.length;
    }
  }

  /** seq numbers the records of one (node, topic); a jump forward is a gap, a jump back a restarted node. */
  private countSeq(node: string, topic: string, stream: string, seq: number, length: number): void {
    const key = `${node}\u0000${topic}`;
    const expected = this.nextSeq.get(key);
    if (expected !== undefined) {
      if (seq > expected) {
        this.counters.gaps++;
        this.counters.recordsMissing += seq - expected;
        this.emit('gap', { node, topic, stream, expectedSeq: expected, seq, missing: seq - expected } satisfies GapInfo);
      } else if (seq < expected) {
        this.counters.seqRestarts++;
      }
    }
    this.nextSeq.set(key, seq + length);
  }
}
