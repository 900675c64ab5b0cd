// Writes and reads classic libpcap files (microsecond timestamps, Ethernet link type).
import { AutoZeekWatchError } from '../../src/errors.js';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
export const PCAP_SNAPLEN = 65535;
const GLOBAL_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

/** One captured frame and the time it was seen. */
export interface CapturedPacket {
  /** whole seconds since the epoch */
  readonly seconds: number;
  /** 0 ..= 999999 */
  readonly microseconds: number;
  readonly data: Uint8Array;
}

/** A pcap file that cannot be read; `offset` is the byte where reading failed. */
export class PcapFormatError extends AutoZeekWatchError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, message: string) {
    super('PCAP_FORMAT', `${file} at byte ${offset}: ${message}`);
    this.file = file;
    this.offset = offset;
  }
}

/** Serialises packets as a little-endian pcap file (version 2.4, Ethernet). */
export function encodePcap(packets: readonly CapturedPacket[]): Buffer {
  const size = GLOBAL_HEADER_LENGTH + packets.reduce((n, p) => n + RECORD_HEADER_LENGTH + p.data.length, 0);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(PCAP_MAGIC_MICROSECONDS, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeInt32LE(0, 8); // thiszone
  out.writeUInt32LE(0, 12); // sigfigs
  out.writeUInt32LE(PCAP_SNAPLEN, 16);
  out.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  let offset = GLOBAL_HEADER_LENGTH;
  for (const packet of packets) {
    if (!Number.isInteger(packet.microseconds) || packet.microseconds < 0 || packet.microseconds > 999_999) {
      throw new RangeError(`microseconds out of range: ${packet.microseconds}`);
    }
    out.writeUInt32LE(packet.seconds, offset);
    out.writeUInt32LE(packet.microseconds, offset + 4);
    out.writeUInt32LE(packet.data.length, offset + 8);
    out.writeUInt32LE(packet.data.length, offset + 12);
    out.set(packet.data, offset + RECORD_HEADER_LENGTH);
    offset += RECORD_HEADER_LENGTH + packet.data.length;
  }
  return out;
}

/** The global header fields a reader checks. */
export interface PcapHeader {
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linkType: number;
}

/** Parses a little-endian microsecond pcap file; throws PcapFormatError on anything else or truncation. */
export function decodePcap(bytes: Uint8Array, file = '<pcap>'): { header: PcapHeader; packets: CapturedPacket[] } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < GLOBAL_HEADER_LENGTH) throw new PcapFormatError(file, 0, 'shorter than the 24-byte global header');
  const magic = buf.readUInt32LE(0);
  if (magic !== PCAP_MAGIC_MICROSECONDS) {
    throw new PcapFormatError(file, 0, `magic 0x${magic.toString(16)} is not a little-endian microsecond pcap`);
  }
  const header: PcapHeader = {
    versionMajor: buf.readUInt16LE(4),
    versionMinor: buf.readUInt16LE(6),
    snaplen: buf.readUInt32LE(16),
    linkType: buf.readUInt32LE(20),
  };
  const packets: CapturedPacket[] = [];
  let offset = GLOBAL_HEADER_LENGTH;
  while (offset < buf.length) {
    if (offset + RECORD_HEADER_LENGTH > buf.length) throw new PcapFormatError(file, offset, 'truncated record header');
    const seconds = buf.readUInt32LE(offset);
    const microseconds = buf.readUInt32LE(offset + 4);
    const capturedLength = buf.readUInt32LE(offset + 8);
    const originalLength = buf.readUInt32LE(offset + 12);
    if (microseconds > 999_999) throw new PcapFormatError(file, offset + 4, `microseconds ${microseconds} > 999999`);
    if (capturedLength > header.snaplen || capturedLength > originalLength) {
      throw new PcapFormatError(file, offset + 8, `captured length ${capturedLength} exceeds snaplen or original length`);
    }
    const start = offset + RECORD_HEADER_LENGTH;
    if (start + capturedLength > buf.length) throw new PcapFormatError(file, start, 'truncated packet data');
    packets.push({ seconds, microseconds, data: Uint8Array.from(buf.subarray(start, start + capturedLength)) });
    offset = start + capturedLength;
  }
  return { header, packets };
}
