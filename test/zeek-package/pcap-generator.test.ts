// Tests of the project's pcap generator: valid pcap framing, valid IPv4/TCP/UDP checksums,
// coherent TCP sequence numbers, deterministic output, and committed traces kept in sync.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { internetChecksum } from '../../scripts/pcap/checksum.js';
import { decodeFrame, type DecodedFrame, FrameError } from '../../scripts/pcap/frame-decoder.js';
import { TcpFlag } from '../../scripts/pcap/packets.js';
import { decodePcap, encodePcap, LINKTYPE_ETHERNET, PcapFormatError } from '../../scripts/pcap/pcap-file.js';
import { allTraces, dnsTrace, httpGetTrace, mixedTrace, rejectedSynTrace, sshBannerTrace } from '../../scripts/pcap/traces.js';
import { repoRoot } from '../support/shared-data.js';

const tracesDir = path.join(repoRoot, 'zeek-scripts', 'testing', 'Traces');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function framesOf(file: Buffer): DecodedFrame[] {
  return decodePcap(file).packets.map((p) => decodeFrame(p.data));
}

describe('pcap generator', () => {
  describe('internetChecksum', () => {
    it('computes the RFC 1071 §3 example (sum 0xddf2, checksum 0x220d)', () => {
      expect(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).to.equal(0x220d);
    });

    it('pads an odd trailing byte with zero and splits parts without changing the sum', () => {
      const whole = Uint8Array.from([0x12, 0x34, 0x56]);
      expect(internetChecksum(whole)).to.equal(~(0x1234 + 0x5600) & 0xffff);
      expect(internetChecksum(whole.subarray(0, 1), whole.subarray(1))).to.equal(internetChecksum(whole));
    });
  });

  describe('pcap files', () => {
    it('writes a little-endian 2.4 Ethernet global header and reads every record back', () => {
      const packets = mixedTrace();
      const file = encodePcap(packets);
      expect(file.readUInt32LE(0)).to.equal(0xa1b2c3d4);
      const decoded = decodePcap(file);
      expect(decoded.header).to.deep.equal({ versionMajor: 2, versionMinor: 4, snaplen: 65535, linkType: LINKTYPE_ETHERNET });
      expect(decoded.packets).to.deep.equal(packets);
    });

    it('rejects a truncated file with the offset of the damage', () => {
      const file = encodePcap(dnsTrace());
      expect(() => decodePcap(file.subarray(0, file.length - 3), 'dns.pcap'))
        .to.throw(PcapFormatError, /dns\.pcap at byte \d+: truncated packet data/);
      expect(() => decodePcap(file.subarray(0, 10))).to.throw(PcapFormatError, /24-byte global header/);
    });

    it('keeps timestamps in time order across the merged trace', () => {
      const times = mixedTrace().map((p) => p.seconds * 1e6 + p.microseconds);
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
      expect(Math.floor(times[0]! / 1e6)).to.equal(1_700_000_000);
    });
  });

  describe('frames', () => {
    it('gives every frame of every trace valid IPv4 and TCP/UDP checksums and lengths', () => {
      for (const [name, packets] of allTraces()) {
        for (const [index, packet] of packets.entries()) {
          expect(() => decodeFrame(packet.data), `${name} packet ${index}`).not.to.throw();
        }
      }
    });

    it('detects a flipped payload byte as a TCP checksum error', () => {
      const frame = Uint8Array.from(httpGetTrace()[3]!.data);
      frame[frame.length - 1]! ^= 0x01;
      expect(() => decodeFrame(frame)).to.throw(FrameError).with.property('field', 'tcp.checksum');
    });

    it('detects a damaged IPv4 header and a damaged UDP datagram', () => {
      const tcp = Uint8Array.from(httpGetTrace()[0]!.data);
      tcp[14 + 8]! ^= 0xff; // TTL
      expect(() => decodeFrame(tcp)).to.throw(FrameError).with.property('field', 'ip.checksum');
      const udp = Uint8Array.from(dnsTrace()[0]!.data);
      udp[udp.length - 1]! ^= 0x01;
      expect(() => decodeFrame(udp)).to.throw(FrameError).with.property('field', 'udp.checksum');
    });
  });

  describe('flows', () => {
    it('http-get: handshake, GET, 200 response, FIN from both sides, with consistent seq/ack', () => {
      const frames = httpGetTrace().map((p) => decodeFrame(p.data));
      expect(frames.slice(0, 3).map((f) => f.tcpFlags)).to.deep.equal([
        TcpFlag.SYN,
        TcpFlag.SYN | TcpFlag.ACK,
        TcpFlag.ACK,
      ]);
      expect(text(frames[3]!.payload)).to.match(/^GET \/index\.html HTTP\/1\.1\r\nHost: www\.example\.com\r\n/);
      expect(text(frames[5]!.payload)).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(frames.filter((f) => f.tcpFlags & TcpFlag.FIN).map((f) => f.srcPort)).to.deep.equal([49152, 80]);

      // Every acknowledgement names the peer's next expected sequence number.
      const nextSeq = new Map<number, number>();
      for (const frame of frames) {
        const peer = frame.srcPort === 80 ? 49152 : 80;
        if (frame.tcpFlags & TcpFlag.ACK && nextSeq.has(peer)) expect(frame.ack).to.equal(nextSeq.get(peer));
        if (nextSeq.has(frame.srcPort)) expect(frame.seq).to.equal(nextSeq.get(frame.srcPort));
        const consumed = frame.payload.length + (frame.tcpFlags & (TcpFlag.SYN | TcpFlag.FIN) ? 1 : 0);
        nextSeq.set(frame.srcPort, (frame.seq + consumed) >>> 0);
      }
    });

    it('dns: a query and an answer with the same id, RD in the query, QR+RA in the answer', () => {
      const [query, answer] = dnsTrace().map((p) => decodeFrame(p.data));
      expect([query!.protocol, query!.dstPort, answer!.srcPort]).to.deep.equal(['udp', 53, 53]);
      expect(query!.payload.subarray(0, 4)).to.deep.equal(Uint8Array.from([0x1a, 0x2b, 0x01, 0x00]));
      expect(answer!.payload.subarray(0, 4)).to.deep.equal(Uint8Array.from([0x1a, 0x2b, 0x81, 0x80]));
      expect(answer!.payload.subarray(answer!.payload.length - 4)).to.deep.equal(Uint8Array.from([203, 0, 113, 80]));
    });

    it('rejected-syn: SYN answered by RST-ACK acknowledging it', () => {
      const [syn, reset] = rejectedSynTrace().map((p) => decodeFrame(p.data));
      expect(syn!.tcpFlags).to.equal(TcpFlag.SYN);
      expect(reset!.tcpFlags).to.equal(TcpFlag.RST | TcpFlag.ACK);
      expect(reset!.ack).to.equal(syn!.seq + 1);
    });

    it('ssh-banner: the server and the client send SSH-2.0 banners on port 22', () => {
      const banners = sshBannerTrace()
        .map((p) => decodeFrame(p.data))
        .filter((f) => f.payload.length > 0)
        .map((f) => `${f.srcPort}:${text(f.payload)}`);
      expect(banners).to.deep.equal(['22:SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n', '49300:SSH-2.0-OpenSSH_9.6\r\n']);
    });

    it('mixed: one originator per flow, all from documentation address ranges', () => {
      const originators = new Set(mixedTrace().map((p) => decodeFrame(p.data)).filter((f) => f.srcIp.startsWith('192.0.2.')).map((f) => f.srcIp));
      expect([...originators]).to.deep.equal(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13']);
    });
  });

  describe('determinism and the committed traces', () => {
    it('produces identical bytes on every run', () => {
      for (const [name, packets] of allTraces()) {
        expect(encodePcap(packets).equals(encodePcap(allTraces().get(name)!)), name).to.equal(true);
      }
    });

    it('matches the pcaps in zeek-scripts/testing/Traces (regenerate with node dist/scripts/generate-pcaps.js)', () => {
      for (const [name, packets] of allTraces()) {
        const committed = readFileSync(path.join(tracesDir, name));
        expect(committed.equals(encodePcap(packets)), `${name} is stale`).to.equal(true);
        expect(framesOf(committed)).to.have.length(packets.length);
      }
    });
  });
});
