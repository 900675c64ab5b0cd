// Builds Ethernet II / IPv4 / TCP and UDP frames byte by byte, with correct lengths and checksums.
import { internetChecksum } from './checksum.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;

/** TCP header flag bits (RFC 9293). */
export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** One side of a flow: link-layer and network-layer address and transport port. */
export interface Endpoint {
  readonly mac: string;
  readonly ip: string;
  readonly port: number;
}

export interface TcpFields {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window?: number;
  readonly payload?: Uint8Array;
}

export function parseMac(mac: string): Uint8Array {
  const octets = mac.split(':').map((part) => Number.parseInt(part, 16));
  if (octets.length !== 6 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new RangeError(`not a MAC address: ${mac}`);
  }
  return Uint8Array.from(octets);
}

export function parseIpv4(ip: string): Uint8Array {
  const octets = ip.split('.').map((part) => Number(part));
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new RangeError(`not an IPv4 address: ${ip}`);
  }
  return Uint8Array.from(octets);
}

/** The 12-byte pseudo-header that TCP and UDP checksums cover (RFC 9293 §3.1, RFC 768). */
export function pseudoHeader(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): Uint8Array {
  const header = new Uint8Array(12);
  header.set(src, 0);
  header.set(dst, 4);
  header[9] = protocol;
  new DataView(header.buffer).setUint16(10, length);
  return header;
}

/** A 20-byte IPv4 header (no options, DF set, TTL 64) in front of `payload`. */
export function ipv4Packet(src: string, dst: string, protocol: number, identification: number, payload: Uint8Array): Uint8Array {
  const packet = new Uint8Array(20 + payload.length);
  const view = new DataView(packet.buffer);
  view.setUint8(0, 0x45); // version 4, header length 5 words
  view.setUint16(2, packet.length);
  view.setUint16(4, identification & 0xffff);
  view.setUint16(6, 0x4000); // don't fragment
  view.setUint8(8, 64);
  view.setUint8(9, protocol);
  packet.set(parseIpv4(src), 12);
  packet.set(parseIpv4(dst), 16);
  view.setUint16(10, internetChecksum(packet.subarray(0, 20)));
  packet.set(payload, 20);
  return packet;
}

/** A 20-byte TCP header (no options) plus payload, checksummed over the pseudo-header. */
export function tcpSegment(src: Endpoint, dst: Endpoint, fields: TcpFields): Uint8Array {
  const payload = fields.payload ?? new Uint8Array(0);
  const segment = new Uint8Array(20 + payload.length);
  const view = new DataView(segment.buffer);
  view.setUint16(0, src.port);
  view.setUint16(2, dst.port);
  view.setUint32(4, fields.seq >>> 0);
  view.setUint32(8, fields.ack >>> 0);
  view.setUint8(12, 5 << 4); // data offset 5 words
  view.setUint8(13, fields.flags);
  view.setUint16(14, fields.window ?? 64240);
  segment.set(payload, 20);
  const pseudo = pseudoHeader(parseIpv4(src.ip), parseIpv4(dst.ip), IP_PROTOCOL_TCP, segment.length);
  view.setUint16(16, internetChecksum(pseudo, segment));
  return segment;
}

/** An 8-byte UDP header plus payload, checksummed over the pseudo-header (0 is sent as 0xffff). */
export function udpDatagram(src: Endpoint, dst: Endpoint, payload: Uint8Array): Uint8Array {
  const datagram = new Uint8Array(8 + payload.length);
  const view = new DataView(datagram.buffer);
  view.setUint16(0, src.port);
  view.setUint16(2, dst.port);
  view.setUint16(4, datagram.length);
  datagram.set(payload, 8);
  const pseudo = pseudoHeader(parseIpv4(src.ip), parseIpv4(dst.ip), IP_PROTOCOL_UDP, datagram.length);
  const checksum = internetChecksum(pseudo, datagram);
  view.setUint16(6, checksum === 0 ? 0xffff : checksum);
  return datagram;
}

/** An Ethernet II frame (no FCS, as captures store it). */
export function ethernetFrame(srcMac: string, dstMac: string, etherType: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(14 + payload.length);
  frame.set(parseMac(dstMac), 0);
  frame.set(parseMac(srcMac), 6);
  new DataView(frame.buffer).setUint16(12, etherType);
  frame.set(payload, 14);
  return frame;
}

export function tcpFrame(src: Endpoint, dst: Endpoint, identification: number, fields: TcpFields): Uint8Array {
  const ip = ipv4Packet(src.ip, dst.ip, IP_PROTOCOL_TCP, identification, tcpSegment(src, dst, fields));
  return ethernetFrame(src.mac, dst.mac, ETHERTYPE_IPV4, ip);
}

export function udpFrame(src: Endpoint, dst: Endpoint, identification: number, payload: Uint8Array): Uint8Array {
  const ip = ipv4Packet(src.ip, dst.ip, IP_PROTOCOL_UDP, identification, udpDatagram(src, dst, payload));
  return ethernetFrame(src.mac, dst.mac, ETHERTYPE_IPV4, ip);
}
