// A TCP or UDP conversation between a client and a server that records captured frames
// with consistent sequence numbers, acknowledgements, IP ids and timestamps.
import type { CapturedPacket } from './pcap-file.js';
import { type Endpoint, TcpFlag, tcpFrame, udpFrame } from './packets.js';

const MICROS_PER_SECOND = 1_000_000;

type Side = 'client' | 'server';

/** Records frames in time order; `at` advances the clock before each frame. */
class Recorder {
  readonly packets: CapturedPacket[] = [];
  private micros: number;
  private readonly ipIds: Record<Side, number>;

  constructor(startMicros: number, ipIdBase: number) {
    this.micros = startMicros;
    this.ipIds = { client: ipIdBase, server: ipIdBase + 0x4000 };
  }

  nextIpId(side: Side): number {
    this.ipIds[side] = (this.ipIds[side] + 1) & 0xffff;
    return this.ipIds[side];
  }

  record(afterMicros: number, data: Uint8Array): void {
    this.micros += Math.round(afterMicros);
    this.packets.push({
      seconds: Math.floor(this.micros / MICROS_PER_SECOND),
      microseconds: this.micros % MICROS_PER_SECOND,
      data,
    });
  }
}

/** A TCP connection: tracks each side's next sequence number as data and FINs are sent. */
export class TcpConversation {
  private readonly recorder: Recorder;
  private readonly nextSeq: Record<Side, number>;

  /** `startMicros` is the epoch time of the first frame in microseconds. */
  constructor(
    readonly client: Endpoint,
    readonly server: Endpoint,
    startMicros: number,
    initialSeq: { client: number; server: number },
  ) {
    this.recorder = new Recorder(startMicros, initialSeq.client & 0x3fff);
    this.nextSeq = { client: initialSeq.client >>> 0, server: initialSeq.server >>> 0 };
  }

  get packets(): CapturedPacket[] {
    return this.recorder.packets;
  }

  private send(from: Side, afterMicros: number, flags: number, payload?: Uint8Array, ackOverride?: number): void {
    const to: Side = from === 'client' ? 'server' : 'client';
    const ack = ackOverride ?? (flags & TcpFlag.ACK ? this.nextSeq[to] : 0);
    const src = from === 'client' ? this.client : this.server;
    const dst = from === 'client' ? this.server : this.client;
    const frame = tcpFrame(src, dst, this.recorder.nextIpId(from), { seq: this.nextSeq[from], ack, flags, payload });
    this.recorder.record(afterMicros, frame);
    let consumed = payload?.length ?? 0;
    if (flags & (TcpFlag.SYN | TcpFlag.FIN)) consumed += 1; // SYN and FIN each take one sequence number
    this.nextSeq[from] = (this.nextSeq[from] + consumed) >>> 0;
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(rttMicros: number): this {
    this.send('client', 0, TcpFlag.SYN);
    this.send('server', rttMicros / 2, TcpFlag.SYN | TcpFlag.ACK);
    this.send('client', rttMicros / 2, TcpFlag.ACK);
    return this;
  }

  /** A SYN answered by RST-ACK: a closed port. */
  rejectedSyn(rttMicros: number): this {
    this.send('client', 0, TcpFlag.SYN);
    this.send('server', rttMicros / 2, TcpFlag.RST | TcpFlag.ACK);
    return this;
  }

  /** `from` sends `payload` with PSH-ACK; the peer acknowledges it. */
  data(from: Side, afterMicros: number, payload: Uint8Array, ackAfterMicros = 200): this {
    this.send(from, afterMicros, TcpFlag.PSH | TcpFlag.ACK, payload);
    this.send(from === 'client' ? 'server' : 'client', ackAfterMicros, TcpFlag.ACK);
    return this;
  }

  /** FIN-ACK from `first`, FIN-ACK back, final ACK: an orderly close. */
  close(first: Side, afterMicros: number, rttMicros: number): this {
    const second: Side = first === 'client' ? 'server' : 'client';
    this.send(first, afterMicros, TcpFlag.FIN | TcpFlag.ACK);
    this.send(second, rttMicros / 2, TcpFlag.FIN | TcpFlag.ACK);
    this.send(first, rttMicros / 2, TcpFlag.ACK);
    return this;
  }
}

/** A UDP exchange: each message is one datagram. */
export class UdpConversation {
  private readonly recorder: Recorder;

  constructor(
    readonly client: Endpoint,
    readonly server: Endpoint,
    startMicros: number,
    ipIdBase: number,
  ) {
    this.recorder = new Recorder(startMicros, ipIdBase);
  }

  get packets(): CapturedPacket[] {
    return this.recorder.packets;
  }

  send(from: Side, afterMicros: number, payload: Uint8Array): this {
    const src = from === 'client' ? this.client : this.server;
    const dst = from === 'client' ? this.server : this.client;
    this.recorder.record(afterMicros, udpFrame(src, dst, this.recorder.nextIpId(from), payload));
    return this;
  }
}
