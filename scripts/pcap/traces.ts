// The project's test traces: small, deterministic flows of the five log types' protocols,
// between documentation addresses (RFC 5737), for the Zeek package's btests.
import type { CapturedPacket } from './pcap-file.js';
import type { Endpoint } from './packets.js';
import { TcpConversation, UdpConversation } from './conversation.js';

const CLIENT_MAC = '02:00:00:00:00:01';
const GATEWAY_MAC = '02:00:00:00:00:02';
/** 2023-11-14T22:13:20Z plus a quarter second: ten integer digits, as Zeek's canonifiers expect. */
const TRACE_START_MICROS = 1_700_000_000_250_000;

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

function client(ip: string, port: number): Endpoint {
  return { mac: CLIENT_MAC, ip, port };
}
function server(ip: string, port: number): Endpoint {
  return { mac: GATEWAY_MAC, ip, port };
}

/** A DNS name in wire format: length-prefixed labels ending with the root label. */
function dnsName(name: string): number[] {
  const bytes: number[] = [];
  for (const label of name.split('.')) {
    bytes.push(label.length, ...ascii(label));
  }
  bytes.push(0);
  return bytes;
}

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** An A-record query (RD set) and its answer, per RFC 1035 §4.1. */
export function dnsQueryAndAnswer(id: number, name: string, answer: string, ttl: number): { query: Uint8Array; response: Uint8Array } {
  const question = [...dnsName(name), ...u16(1), ...u16(1)]; // QTYPE A, QCLASS IN
  const query = Uint8Array.from([...u16(id), 0x01, 0x00, ...u16(1), ...u16(0), ...u16(0), ...u16(0), ...question]);
  const rdata = answer.split('.').map(Number);
  const answerRecord = [0xc0, 12, ...u16(1), ...u16(1), ...u32(ttl), ...u16(4), ...rdata]; // name = pointer to the question
  const response = Uint8Array.from([...u16(id), 0x81, 0x80, ...u16(1), ...u16(1), ...u16(0), ...u16(0), ...question, ...answerRecord]);
  return { query, response };
}

/** One HTTP/1.1 GET with a 200 response, then an orderly close by the client. */
export function httpGetTrace(startMicros = TRACE_START_MICROS): CapturedPacket[] {
  const body = '<html><body>AutoZeekWatch test page</body></html>\n';
  const request =
    'GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: AutoZeekWatch-pcap/1.0\r\nAccept: */*\r\n\r\n';
  const response =
    `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n` + body;
  return new TcpConversation(client('192.0.2.10', 49152), server('198.51.100.80', 80), startMicros, {
    client: 1_000_000,
    server: 2_000_000,
  })
    .handshake(20_000)
    .data('client', 1_000, ascii(request))
    .data('server', 15_000, ascii(response))
    .close('client', 5_000, 20_000).packets;
}

/** A DNS A query over UDP and its answer. */
export function dnsTrace(startMicros = TRACE_START_MICROS): CapturedPacket[] {
  const { query, response } = dnsQueryAndAnswer(0x1a2b, 'www.example.com', '203.0.113.80', 300);
  return new UdpConversation(client('192.0.2.11', 53000), server('198.51.100.53', 53), startMicros, 0x2000)
    .send('client', 0, query)
    .send('server', 12_000, response).packets;
}

/** A SYN to a closed port, answered with RST-ACK (conn_state REJ). */
export function rejectedSynTrace(startMicros = TRACE_START_MICROS): CapturedPacket[] {
  return new TcpConversation(client('192.0.2.12', 49200), server('198.51.100.25', 25), startMicros, {
    client: 3_000_000,
    server: 0,
  }).rejectedSyn(10_000).packets;
}

/** An SSH version exchange (server banner first, as SSH servers do), then a close. */
export function sshBannerTrace(startMicros = TRACE_START_MICROS): CapturedPacket[] {
  return new TcpConversation(client('192.0.2.13', 49300), server('198.51.100.22', 22), startMicros, {
    client: 4_000_000,
    server: 5_000_000,
  })
    .handshake(20_000)
    .data('server', 2_000, ascii('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'))
    .data('client', 3_000, ascii('SSH-2.0-OpenSSH_9.6\r\n'))
    .close('client', 50_000, 20_000).packets;
}

function byTime(a: CapturedPacket, b: CapturedPacket): number {
  return a.seconds - b.seconds || a.microseconds - b.microseconds;
}

/** All four flows, one originator each, about a second apart, merged in time order. */
export function mixedTrace(startMicros = TRACE_START_MICROS): CapturedPacket[] {
  return [
    ...httpGetTrace(startMicros),
    ...dnsTrace(startMicros + 1_100_000),
    ...rejectedSynTrace(startMicros + 2_200_000),
    ...sshBannerTrace(startMicros + 3_300_000),
  ].sort(byTime);
}

/** Trace file names (in zeek-scripts/testing/Traces) and their packets. */
export function allTraces(): ReadonlyMap<string, CapturedPacket[]> {
  return new Map([
    ['http-get.pcap', httpGetTrace()],
    ['dns.pcap', dnsTrace()],
    ['rejected-syn.pcap', rejectedSynTrace()],
    ['ssh-banner.pcap', sshBannerTrace()],
    ['autozeekwatch-mixed.pcap', mixedTrace()],
  ]);
}
