// Decodes Ethernet/IPv4/TCP/UDP frames and checks every length and checksum, to prove generated traces valid.
import { internetChecksum } from './checksum.js';
import { ETHERTYPE_IPV4, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, pseudoHeader } from './packets.js';

export interface DecodedFrame {
  readonly srcIp: string;
  readonly dstIp: string;
  readonly protocol: 'tcp' | 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  /** TCP flag bits; 0 for UDP */
  readonly tcpFlags: number;
  readonly seq: number;
  readonly ack: number;
  readonly payload: Uint8Array;
}

/** A frame that is not well-formed Ethernet/IPv4/TCP-or-UDP; `field` names the first bad one. */
export class FrameError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'FrameError';
    this.field = field;
  }
}

function ipText(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** Decodes one frame; throws FrameError when a length or checksum is wrong. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 14 + 20) throw new FrameError('ethernet', `frame of ${frame.length} bytes is too short`);
  const etherType = view.getUint16(12);
  if (etherType !== ETHERTYPE_IPV4) throw new FrameError('ethernet.type', `0x${etherType.toString(16)} is not IPv4`);

  const ip = frame.subarray(14);
  const versionIhl = ip[0]!;
  if (versionIhl >> 4 !== 4) throw new FrameError('ip.version', `${versionIhl >> 4}`);
  const headerLength = (versionIhl & 0x0f) * 4;
  const totalLength = view.getUint16(14 + 2);
  if (headerLength < 20 || totalLength < headerLength || totalLength !== ip.length) {
    throw new FrameError('ip.total_length', `header ${headerLength}, total ${totalLength}, present ${ip.length}`);
  }
  if (internetChecksum(ip.subarray(0, headerLength)) !== 0) throw new FrameError('ip.checksum', 'does not verify');
  const protocolNumber = ip[9]!;
  const src = ip.subarray(12, 16);
  const dst = ip.subarray(16, 20);
  const transport = ip.subarray(headerLength, totalLength);
  const transportView = new DataView(transport.buffer, transport.byteOffset, transport.byteLength);
  const pseudo = pseudoHeader(src, dst, protocolNumber, transport.length);

  if (protocolNumber === IP_PROTOCOL_TCP) {
    if (transport.length < 20) throw new FrameError('tcp', 'segment shorter than 20 bytes');
    const dataOffset = (transport[12]! >> 4) * 4;
    if (dataOffset < 20 || dataOffset > transport.length) throw new FrameError('tcp.data_offset', `${dataOffset}`);
    if (internetChecksum(pseudo, transport) !== 0) throw new FrameError('tcp.checksum', 'does not verify');
    return {
      srcIp: ipText(src),
      dstIp: ipText(dst),
      protocol: 'tcp',
      srcPort: transportView.getUint16(0),
      dstPort: transportView.getUint16(2),
      tcpFlags: transport[13]!,
      seq: transportView.getUint32(4),
      ack: transportView.getUint32(8),
      payload: transport.subarray(dataOffset),
    };
  }
  if (protocolNumber === IP_PROTOCOL_UDP) {
    if (transport.length < 8) throw new FrameError('udp', 'datagram shorter than 8 bytes');
    const udpLength = transportView.getUint16(4);
    if (udpLength !== transport.length) throw new FrameError('udp.length', `${udpLength} but ${transport.length} present`);
    const checksum = transportView.getUint16(6);
    if (checksum === 0 || internetChecksum(pseudo, transport) !== 0) throw new FrameError('udp.checksum', 'missing or does not verify');
    return {
      srcIp: ipText(src),
      dstIp: ipText(dst),
      protocol: 'udp',
      srcPort: transportView.getUint16(0),
      dstPort: transportView.getUint16(2),
      tcpFlags: 0,
      seq: 0,
      ack: 0,
      payload: transport.subarray(8),
    };
  }
  throw new FrameError('ip.protocol', `${protocolNumber} is neither TCP nor UDP`);
}
