// A stand-in for Zeek ≥ 8.0's WebSocket server (Cluster::listen_websocket), built to spec §2/§11 and the
// real 8.2.2 transcripts: same path check, handshake, ack, errors, routing and encoding, on real TCP.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  BrokerJsonError, brokerToEvent, decodeBrokerData, encodeAck, encodeError, encodeEventMessage,
  parseJsonKeepingNumbers, type BrokerEvent, type EncodeOptions,
} from '../zeek/broker-json.js';
import { CONTRACT_EVENTS, argumentMismatch, controlTopic, type ParameterType } from '../zeek/broker-contract.js';
import { WEBSOCKET_PATH, zeekWebSocketUrl } from '../zeek/websocket-client.js';

export const ERROR_INVALID_URI = 'Invalid URI - use /v1/messages/json';
export const ERROR_INVALID_APPLICATION_NAME = 'Invalid X-Application-Name';
export const ERROR_NOT_AN_ARRAY = 'subscriptions not an array';
export const ERROR_NOT_A_STRING = 'individual subscription not a string';
export const ERROR_DECODE = 'failed to decode JSON object';
export const ERROR_NO_TOPIC = 'no topic in top-level JSON object';
export const ERROR_CREATE_EVENT = 'failed to create Zeek event';

/** How Zeek encodes what it publishes: reals with `%f`, strings with only its own eight escapes. */
export const ZEEK_ENCODING: EncodeOptions = { realStyle: 'fixed6', stringStyle: 'zeek' };

const APPLICATION_NAME_PATTERN = /^[-/_.=:*@a-zA-Z0-9]+$/;

export interface ZeekServerOptions {
  /** default 127.0.0.1 */
  readonly host?: string;
  /** default 0 (any free port) */
  readonly port?: number;
  /** the `version` in the ack (default 8.2.2) */
  readonly version?: string;
  /** the node id before `-websocket-<n>` (default a random UUID, as the Broker backend has) */
  readonly nodeId?: string;
  /** topic prefixes "Zeek itself" subscribed to; client events on them are delivered (default autozeekwatch/control) */
  readonly subscriptions?: readonly string[];
  /** the events declared on this node with their parameter types (default the AutoZeekWatch contract) */
  readonly declaredEvents?: ReadonlyMap<string, readonly ParameterType[]>;
  /** serve wss with this certificate and key (PEM) */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** fault injection: `never` acks like a manager_is_logger cluster (default `send`) */
  readonly ack?: 'send' | 'never';
  /** `message` reproduces Zeek 7.2.0/7.2.1's error key (default `context`) */
  readonly errorKey?: 'context' | 'message';
  /** PING interval; a client that misses a whole interval is closed 1011 `Ping timeout` (default 5000; 0 = off) */
  readonly pingIntervalMs?: number;
}

/** A connected WebSocket client as Zeek's Cluster::EndpointInfo describes it. */
export interface ClientInfo {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly applicationName: string | undefined;
  subscriptions: readonly string[];
}

/** An event a client sent that converted to a declared Zeek event. */
export interface ReceivedEvent {
  readonly topic: string;
  readonly event: BrokerEvent;
  readonly client: ClientInfo;
  /** true when Zeek subscribed to a prefix of the topic, so a handler ran */
  readonly handled: boolean;
}

/** An error reply, with the reporter.log line Zeek would have written. */
export interface RejectedMessage {
  readonly client: ClientInfo;
  readonly code: string;
  readonly context: string;
  readonly detail: string;
}

interface Connection {
  readonly ws: WebSocket;
  readonly info: ClientInfo;
  state: 'awaiting-subscriptions' | 'acked' | 'refused' | 'unacked';
  readonly pending: RawData[];
  alive: boolean;
}

/**
 * Events: `client_added`(ClientInfo) right after the ack, `client_lost`(ClientInfo, code, reason),
 * `event`(ReceivedEvent), `rejected`(RejectedMessage).
 */
export class ZeekWebSocketServer extends EventEmitter {
  readonly received: ReceivedEvent[] = [];
  readonly rejected: RejectedMessage[] = [];
  /** what Zeek's reporter.log would say about refused client messages */
  readonly reporter: string[] = [];
  private readonly options: ZeekServerOptions;
  private readonly nodeId: string;
  private readonly connections = new Set<Connection>();
  private httpServer: http.Server | https.Server | undefined;
  private wss: WebSocketServer | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private connectionCounter = 0;

  constructor(options: ZeekServerOptions = {}) {
    super();
    this.options = options;
    this.nodeId = options.nodeId ?? randomUUID();
  }

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    const server = this.options.tls ? https.createServer({ cert: this.options.tls.cert, key: this.options.tls.key }) : http.createServer();
    const wss = new WebSocketServer({ server, maxPayload: 256 * 2 ** 20, perMessageDeflate: false });
    wss.on('connection', (ws, req) => this.onConnection(ws, req));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.httpServer = server;
    this.wss = wss;
    const interval = this.options.pingIntervalMs ?? 5000;
    if (interval > 0) {
      this.pingTimer = setInterval(() => this.pingAll(), interval);
      this.pingTimer.unref();
    }
    return this.port;
  }

  get port(): number {
    const address = this.httpServer?.address();
    if (address === null || address === undefined || typeof address === 'string') throw new Error('server is not listening');
    return (address as AddressInfo).port;
  }

  /** The URL a client should use. */
  get url(): string {
    return zeekWebSocketUrl(this.options.host ?? '127.0.0.1', this.port, { tls: this.options.tls !== undefined });
  }

  get clients(): ClientInfo[] {
    return [...this.connections].filter((c) => c.state === 'acked').map((c) => c.info);
  }

  /** Acked clients that would receive a publication on `topic`. */
  subscriberCount(topic: string): number {
    return this.subscribersOf(topic).length;
  }

  /** Resolves when an acked client subscribed to a prefix of `topic` (at once if one is there). */
  waitForSubscriber(topic: string): Promise<ClientInfo> {
    const present = this.subscribersOf(topic)[0];
    if (present !== undefined) return Promise.resolve(present.info);
    return new Promise((resolve) => {
      const onAdded = (info: ClientInfo): void => {
        if (info.subscriptions.some((s) => topic.startsWith(s))) {
          this.off('client_added', onAdded);
          resolve(info);
        }
      };
      this.on('client_added', onAdded);
    });
  }

  /** `Cluster::publish(topic, event)`: encoded as Zeek does (reals `%f`, raw strings); returns the number of receivers. */
  publish(topic: string, event: BrokerEvent): number {
    const receivers = this.subscribersOf(topic);
    if (receivers.length === 0) return 0;
    const frame = encodeEventMessage(topic, event, ZEEK_ENCODING);
    for (const c of receivers) c.ws.send(frame);
    return receivers.length;
  }

  /**
   * Publishes a data message already encoded as Zeek encodes it (see encodeLogRecordsMessage) to the
   * subscribers of `topic`; returns the number of receivers. A replay encodes before it starts the clock.
   */
  publishEncoded(topic: string, frame: string): number {
    const receivers = this.subscribersOf(topic);
    for (const c of receivers) c.ws.send(frame);
    return receivers.length;
  }

  /** Fault injection: send exactly these bytes as one text frame to every acked client. */
  sendRaw(frame: string | Buffer): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.state !== 'acked') continue;
      c.ws.send(frame, { binary: false });
      n++;
    }
    return n;
  }

  /** Bytes queued in user space for all clients (for back-pressure). */
  get bufferedAmount(): number {
    let total = 0;
    for (const c of this.connections) total += c.ws.bufferedAmount;
    return total;
  }

  /** Resolves once the clients' send buffers fell to `lowWaterBytes` (or they are gone). */
  async drain(lowWaterBytes = 1 * 2 ** 20): Promise<void> {
    while (this.bufferedAmount > lowWaterBytes) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  /** Fault injection: drop every connection without a CLOSE frame (a crash, a cable pulled). */
  dropClients(): void {
    for (const c of this.connections) c.ws.terminate();
  }

  /** Shuts down like a terminating Zeek: close 1001 `Terminating` to every client, then stop listening. */
  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    const closed = [...this.connections].map((c) => new Promise<void>((resolve) => {
      if (c.ws.readyState === WebSocket.CLOSED) return resolve();
      c.ws.once('close', () => resolve());
      c.ws.close(1001, 'Terminating');
      // a client that never answers the CLOSE must not keep us alive
      setTimeout(() => c.ws.terminate(), 2000).unref();
    }));
    await Promise.all(closed);
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => {
      if (!this.httpServer?.listening) return resolve();
      this.httpServer.close(() => resolve());
      this.httpServer.closeAllConnections?.();
    });
    this.wss = undefined;
  }

  private subscribersOf(topic: string): Connection[] {
    return [...this.connections].filter((c) => c.state === 'acked' && c.info.subscriptions.some((s) => topic.startsWith(s)));
  }

  private pingAll(): void {
    for (const c of this.connections) {
      if (!c.alive) {
        c.ws.close(1011, 'Ping timeout');
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  private onConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const header = req.headers['x-application-name'];
    const applicationName = Array.isArray(header) ? header[0] : header;
    const info: ClientInfo = {
      id: `${this.nodeId}-websocket-${this.connectionCounter++}`,
      address: req.socket.remoteAddress ?? '',
      port: req.socket.remotePort ?? 0,
      applicationName,
      subscriptions: [],
    };
    if (req.url !== WEBSOCKET_PATH) {
      ws.send(encodeError('invalid_uri', ERROR_INVALID_URI, this.options.errorKey));
      ws.close(1008, ERROR_INVALID_URI);
      return;
    }
    if (applicationName !== undefined && !APPLICATION_NAME_PATTERN.test(applicationName)) {
      ws.send(encodeError('invalid_application_name', ERROR_INVALID_APPLICATION_NAME, this.options.errorKey));
      ws.close(1008, ERROR_INVALID_APPLICATION_NAME);
      return;
    }
    const connection: Connection = { ws, info, state: 'awaiting-subscriptions', pending: [], alive: true };
    this.connections.add(connection);
    ws.on('pong', () => { connection.alive = true; });
    ws.on('message', (data) => this.onMessage(connection, data));
    ws.on('error', () => { /* the close that follows reports it */ });
    ws.on('close', (code, reason) => {
      this.connections.delete(connection);
      if (connection.state === 'acked') this.emit('client_lost', info, code, reason.toString());
    });
  }

  private reply(connection: Connection, code: string, context: string, detail: string): void {
    connection.ws.send(encodeError(code, context, this.options.errorKey));
    const rejected: RejectedMessage = { client: connection.info, code, context, detail };
    this.rejected.push(rejected);
    if (detail !== '') this.reporter.push(detail);
    this.emit('rejected', rejected);
  }

  private onMessage(connection: Connection, data: RawData): void {
    if (connection.state === 'acked') return this.onClientMessage(connection, data);
    if (connection.state !== 'awaiting-subscriptions') {
      // Zeek queues messages of an unacked client forever
      connection.pending.push(data);
      return;
    }
    let subscriptions: unknown;
    try {
      subscriptions = JSON.parse(data.toString());
    } catch {
      subscriptions = undefined;
    }
    if (!Array.isArray(subscriptions)) {
      connection.state = 'refused';
      return this.reply(connection, 'deserialization_failed', ERROR_NOT_AN_ARRAY, '');
    }
    if (!subscriptions.every((s): s is string => typeof s === 'string')) {
      connection.state = 'refused';
      return this.reply(connection, 'deserialization_failed', ERROR_NOT_A_STRING, '');
    }
    connection.info.subscriptions = [...new Set(subscriptions)];
    if (this.options.ack === 'never') {
      connection.state = 'unacked';
      return;
    }
    connection.state = 'acked';
    connection.ws.send(encodeAck(connection.info.id, this.options.version ?? '8.2.2'));
    this.emit('client_added', connection.info);
    for (const queued of connection.pending.splice(0)) this.onClientMessage(connection, queued);
  }

  /** Spec §11.3: decode → topic → event conversion against the declarations → delivery. */
  private onClientMessage(connection: Connection, data: RawData): void {
    let json: unknown;
    let value;
    try {
      json = parseJsonKeepingNumbers(data.toString());
      value = decodeBrokerData(json);
    } catch (err) {
      const detail = err instanceof BrokerJsonError ? '' : String(err);
      return this.reply(connection, 'deserialization_failed', ERROR_DECODE, detail);
    }
    const topic = (json as Record<string, unknown>).topic;
    if (typeof topic !== 'string') return this.reply(connection, 'deserialization_failed', ERROR_NO_TOPIC, '');
    let event: BrokerEvent;
    try {
      event = brokerToEvent(value);
    } catch (err) {
      return this.reply(connection, 'deserialization_failed', ERROR_CREATE_EVENT, (err as Error).message);
    }
    const declared = (this.options.declaredEvents ?? CONTRACT_EVENTS).get(event.name);
    if (declared === undefined) {
      return this.reply(connection, 'deserialization_failed', ERROR_CREATE_EVENT, `Failed to lookup handler for '${event.name}'`);
    }
    const mismatch = argumentMismatch(declared, event.args);
    if (mismatch !== undefined) {
      return this.reply(connection, 'deserialization_failed', ERROR_CREATE_EVENT, `Unserialize error '${event.name}' ${mismatch}`);
    }
    const zeekSubscriptions = this.options.subscriptions ?? [controlTopic()];
    const received: ReceivedEvent = { topic, event, client: connection.info, handled: zeekSubscriptions.some((s) => topic.startsWith(s)) };
    this.received.push(received);
    this.emit('event', received);
    // other clients subscribed to the topic get it too, never the sender
    const frame = encodeEventMessage(topic, event, ZEEK_ENCODING);
    for (const other of this.subscribersOf(topic)) if (other !== connection) other.ws.send(frame);
  }
}
