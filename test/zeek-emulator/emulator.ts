// The Zeek emulator as tests use it: the src/replay server on 127.0.0.1 plus a raw WebSocket session that
// records every frame, and the malformed frames a real Zeek (or a broken one) can send, one of each kind.
import WebSocket from 'ws';
import { ZeekWebSocketServer, type ZeekServerOptions } from '../../src/replay/zeek-server.js';
import { encodeEventMessage, string, count, vector } from '../../src/zeek/broker-json.js';
import { EVENT_LOG_RECORDS, logRecordsEvent } from '../../src/zeek/broker-contract.js';
import type { ParameterType } from '../../src/zeek/broker-contract.js';
import { ZEEK_SAMPLE_EVENT } from './transcript-frames.js';

/** The declarations of the real probe (specs/real-zeek-8.2.2/wire-probe.zeek), for transcript replays. */
export const PROBE_EVENTS: ReadonlyMap<string, readonly ParameterType[]> = new Map<string, readonly ParameterType[]>([
  ['AZW::echo', ['boolean', 'count', 'integer', 'real', 'string', 'address', 'subnet', 'port', 'timestamp', 'timespan', 'enum-value', { vectorOf: 'string' }, 'set', 'table']],
  ['AZW::stop', []],
]);

export async function startEmulator(options: ZeekServerOptions = {}): Promise<ZeekWebSocketServer> {
  const server = new ZeekWebSocketServer({ pingIntervalMs: 0, ...options });
  await server.start();
  return server;
}

/** Waits for an emitter event, failing with a clear message instead of hanging when it never comes. */
export function eventually<T>(register: (resolve: (value: T) => void) => void, what: string, timeoutMs = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), timeoutMs);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Polls a condition (no wall-clock assertion: the limit only stops a hung test). */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A plain `ws` client that records frames: to replay transcript sessions against the emulator. */
export class RawSession {
  readonly frames: string[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data) => {
      this.frames.push(data.toString());
      for (const w of this.waiters.splice(0)) w();
    });
    this.opened = new Promise((resolve) => this.ws.once('open', () => resolve()));
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** The n-th frame received (0-based), waiting for it. */
  async frame(n: number): Promise<string> {
    await until(() => this.frames.length > n, `frame ${n}`);
    return this.frames[n]!;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close(1000);
    return this.closed;
  }
}

/** A well-formed log_records frame as the package would publish it. */
export function logRecordsFrame(topic: string, node: string, stream: string, seq: number, records: string[]): string {
  return encodeEventMessage(topic, logRecordsEvent({ node, stream, seq, records }), { realStyle: 'fixed6' });
}

/** One malformed frame of each kind a client must survive. */
export function malformedFrames(topic: string): Record<string, string | Buffer> {
  return {
    notJson: '{nope',
    controlByte: ZEEK_SAMPLE_EVENT,
    invalidUtf8: Buffer.concat([Buffer.from('{"type":"data-message","topic":"x","data":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    wrongTypes: encodeEventMessage(topic, { name: EVENT_LOG_RECORDS, args: [string('n'), string('conn'), string('7'), vector([string('{}')])] }),
    missingFields: '{"type":"data-message","topic":"autozeekwatch/logs/0/conn"}',
    notAnEvent: encodeEventMessage(topic, { name: EVENT_LOG_RECORDS, args: [] }).replace('"data":[{"@data-type":"count","data":1}', '"data":[{"@data-type":"count","data":9}'),
    wrongArgCount: encodeEventMessage(topic, { name: EVENT_LOG_RECORDS, args: [string('n'), count(1)] }),
  };
}
