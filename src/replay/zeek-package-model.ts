// What the AutoZeekWatch Zeek package would log for the sidecar's answers: the autozeekwatch.log line and the
// Notice for each anomaly (suppressed per originator), and the NetControl drop or its refusal for each mitigate.
import { BlockList, isIP } from 'node:net';
import type { BrokerEvent } from '../zeek/broker-json.js';
import {
  EVENT_ANOMALY, EVENT_MITIGATE, EVENT_SIDECAR_DONE, readAnomalyEvent, readMitigateEvent, readSidecarDoneEvent,
  type AnomalyAnswer,
} from '../zeek/broker-contract.js';
import { UsageError } from '../errors.js';

export const NOTICE_ANOMALOUS_RECORD = 'AutoZeekWatch::Anomalous_Record';
export const NOTICE_HOST_BLOCKED = 'AutoZeekWatch::Host_Blocked';
export const NOTICE_MITIGATION_REFUSED = 'AutoZeekWatch::Mitigation_Refused';
/** `AutoZeekWatch::notice_suppression`'s default in zeek-scripts/main.zeek (10min). */
export const DEFAULT_NOTICE_SUPPRESSION_SECONDS = 600;
/** NetControl::catch_release_intervals[0]: the first block of catch-and-release lasts 10 minutes. */
export const CATCH_RELEASE_FIRST_BLOCK_SECONDS = 600;

export interface PackageModelOptions {
  /** AutoZeekWatch::mitigation_enabled (default false, as in the package) */
  readonly mitigationEnabled?: boolean;
  /** AutoZeekWatch::never_block, CIDRs such as 10.0.0.0/8 or 2001:db8::/32 */
  readonly neverBlock?: readonly string[];
  /** AutoZeekWatch::notice_suppression in seconds (default 600, as in zeek-scripts/main.zeek) */
  readonly noticeSuppressionSeconds?: number;
}

/** The columns Zeek's logs open with: when, which connection, and its conn_id as `id.*`. */
interface ConnectionColumns {
  readonly ts: number;
  readonly uid: string;
  readonly 'id.orig_h': string;
  readonly 'id.orig_p': number;
  readonly 'id.resp_h': string;
  readonly 'id.resp_p': number;
}

export interface AnomalyLogLine extends ConnectionColumns {
  readonly stream: string;
  readonly score: number;
  readonly threshold: number;
  readonly summary: string;
  /** the node that handled the answer: "zeek" standalone */
  readonly node: string;
}

/** response.zeek's reasons for refusing a mitigate, word for word (a test reads them from the script). */
export const REFUSED_MITIGATION_DISABLED = 'mitigation is disabled (AutoZeekWatch::mitigation_enabled=F)';
export const REFUSED_NEVER_BLOCK = 'the address is in AutoZeekWatch::never_block';

export interface NoticeLine extends ConnectionColumns {
  readonly proto: string;
  readonly note: string;
  readonly msg: string;
  /** the sidecar's explanation ($sub) */
  readonly sub: string;
  readonly src: string;
  readonly dst: string;
  readonly p: number;
  readonly actions: readonly string[];
  readonly suppress_for: number;
}

/** A DROP rule as netcontrol.log shows it (REQUESTED then SUCCEEDED with the debug plugin), or a refusal. */
export type NetControlAction =
  | { readonly ts: number; readonly action: 'drop_address' | 'drop_address_catch_release'; readonly entity: string; readonly expire: number; readonly location: string; readonly score: number }
  | { readonly ts: number; readonly action: 'already_blocked'; readonly entity: string; readonly location: string }
  | { readonly ts: number; readonly action: 'refused'; readonly entity: string; readonly reason: string; readonly location: string };

/** Mirrors the package's response handlers on replayed network time. */
export class ZeekPackageModel {
  readonly anomalyLog: AnomalyLogLine[] = [];
  readonly notices: NoticeLine[] = [];
  readonly netControl: NetControlAction[] = [];
  /** printed lines in arrival order, prefixed with the log they would land in */
  readonly lines: string[] = [];
  suppressedNotices = 0;
  sidecarDone: string | undefined;
  /** network time: the ts of the last replayed record (answers after the pcap carry the last packet's time) */
  networkTime = 0;
  private readonly options: PackageModelOptions;
  private readonly neverBlock = new BlockList();
  private readonly suppressedUntil = new Map<string, number>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(options: PackageModelOptions = {}) {
    this.options = options;
    for (const cidr of options.neverBlock ?? []) {
      const [net, bits] = cidr.split('/');
      const family = isIP(net ?? '');
      const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
        throw new UsageError(`--never-block ${cidr}: not a subnet`);
      }
      this.neverBlock.addSubnet(net!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** Handles one event Zeek received on the control topic. Returns false for events the package does not handle. */
  handle(event: BrokerEvent): boolean {
    switch (event.name) {
      case EVENT_ANOMALY: this.anomaly(readAnomalyEvent(event)); return true;
      case EVENT_MITIGATE: this.mitigate(readMitigateEvent(event)); return true;
      case EVENT_SIDECAR_DONE:
        this.sidecarDone = readSidecarDoneEvent(event).reason;
        this.lines.push(`reporter: sidecar done: ${this.sidecarDone}`);
        return true;
      default: return false;
    }
  }

  private anomaly(a: AnomalyAnswer): void {
    const ts = this.networkTime;
    const origPort = typeof a.originator.port === 'string' ? Number(a.originator.port.split('/')[0]) : a.originator.port.port;
    const resp = typeof a.responder.port === 'string' ? { port: Number(a.responder.port.split('/')[0]), proto: a.responder.port.split('/')[1]! } : a.responder.port;
    const line: AnomalyLogLine = {
      ts, uid: a.uid, 'id.orig_h': a.originator.host, 'id.orig_p': origPort, 'id.resp_h': a.responder.host,
      'id.resp_p': resp.port, stream: a.stream, score: a.score, threshold: a.threshold, summary: a.summary, node: 'zeek',
    };
    this.anomalyLog.push(line);
    this.lines.push(`autozeekwatch.log: ${JSON.stringify(line)}`);
    // $identifier=cat(orig_h): one notice per originator per suppression interval, in network time
    if (!this.admitNotice(NOTICE_ANOMALOUS_RECORD, a.originator.host, ts)) return;
    const suppressFor = this.suppressFor();
    const notice: NoticeLine = {
      ts, uid: a.uid, 'id.orig_h': a.originator.host, 'id.orig_p': origPort, 'id.resp_h': a.responder.host,
      'id.resp_p': resp.port, proto: resp.proto === '?' ? 'unknown_transport' : resp.proto, note: NOTICE_ANOMALOUS_RECORD,
      msg: `${a.stream} record scored ${zeekFixed3(a.score)}, above its threshold ${zeekFixed3(a.threshold)}`, sub: a.summary,
      src: a.originator.host, dst: a.responder.host, p: resp.port, actions: ['Notice::ACTION_LOG'], suppress_for: suppressFor,
    };
    this.notices.push(notice);
    this.lines.push(`notice.log: ${JSON.stringify(notice)}`);
  }

  private mitigate(m: { address: string; durationSeconds: number; reason: string; score: number }): void {
    const ts = this.networkTime;
    const entity = `${m.address}/${isIP(m.address) === 6 ? 128 : 32}`;
    let action: NetControlAction;
    if (!this.options.mitigationEnabled) {
      action = { ts, action: 'refused', entity, reason: REFUSED_MITIGATION_DISABLED, location: m.reason };
    } else if (this.neverBlock.check(m.address, isIP(m.address) === 6 ? 'ipv6' : 'ipv4')) {
      action = { ts, action: 'refused', entity, reason: REFUSED_NEVER_BLOCK, location: m.reason };
    } else if ((this.blockedUntil.get(m.address) ?? -Infinity) > ts) {
      action = { ts, action: 'already_blocked', entity, location: m.reason };
    } else {
      // a positive duration is a plain drop for that long; 0 leaves the schedule to catch-and-release
      const catchRelease = !(m.durationSeconds > 0);
      const expire = catchRelease ? CATCH_RELEASE_FIRST_BLOCK_SECONDS : m.durationSeconds;
      this.blockedUntil.set(m.address, ts + expire);
      action = { ts, action: catchRelease ? 'drop_address_catch_release' : 'drop_address', entity, expire, location: m.reason, score: m.score };
    }
    this.netControl.push(action);
    this.lines.push(`netcontrol: ${JSON.stringify(action)}`);
    // response.zeek raises a notice for each refusal and each drop NetControl accepted (catch-and-release accepts a
    // host it already holds and returns the same block), suppressed per address
    const note = action.action === 'refused' ? NOTICE_MITIGATION_REFUSED : NOTICE_HOST_BLOCKED;
    if (!this.admitNotice(note, m.address, ts)) return;
    const msg = action.action === 'refused'
      ? `not blocking ${m.address} (score ${zeekFixed3(m.score)}): ${action.reason}`
      : `blocked ${m.address} ${m.durationSeconds > 0 ? `for ${zeekInterval(m.durationSeconds)}` : 'with catch-and-release'} (score ${zeekFixed3(m.score)})`;
    const notice: NoticeLine = {
      ts, uid: '', 'id.orig_h': '', 'id.orig_p': 0, 'id.resp_h': '', 'id.resp_p': 0, proto: '', note, msg, sub: m.reason,
      src: m.address, dst: '', p: 0, actions: ['Notice::ACTION_LOG'], suppress_for: this.suppressFor(),
    };
    this.notices.push(notice);
    this.lines.push(`notice.log: ${JSON.stringify(notice)}`);
  }

  private suppressFor(): number {
    return this.options.noticeSuppressionSeconds ?? DEFAULT_NOTICE_SUPPRESSION_SECONDS;
  }

  /** Notice framework suppression by ($note, $identifier) in network time. */
  private admitNotice(note: string, identifier: string, ts: number): boolean {
    const key = `${note}\u0000${identifier}`;
    const until = this.suppressedUntil.get(key);
    if (until !== undefined && ts < until) {
      this.suppressedNotices++;
      return false;
    }
    const suppressFor = this.suppressFor();
    if (suppressFor > 0) this.suppressedUntil.set(key, ts + suppressFor);
    return true;
  }
}

/**
 * An interval as Zeek's fmt("%s") writes it: whole days, hrs, mins and secs, each as a double with its unit,
 * plural unless 1 (600 s is "10.0 mins", as the 8.2.2 transcript shows; 90 s is "1.0 min 30.0 secs").
 */
export function zeekInterval(seconds: number): string {
  if (seconds === 0) return '0 secs';
  const units: [number, string][] = [[86400, 'day'], [3600, 'hr'], [60, 'min'], [1, 'sec'], [1e-3, 'msec'], [1e-6, 'usec']];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const whole = Math.trunc(rest / size);
    if (whole === 0) continue;
    parts.push(`${whole.toFixed(1)} ${name}${Math.abs(whole) === 1 ? '' : 's'}`);
    rest -= whole * size;
  }
  return parts.length > 0 ? parts.join(' ') : `${seconds} secs`;
}

/**
 * fmt("%.3f", v) as Zeek's printf writes it: like toFixed(3), except on exact binary ties (v·16 an odd integer, the
 * only doubles exactly halfway between two 3-decimal values), which printf rounds to even and toFixed rounds up.
 */
export function zeekFixed3(v: number): string {
  const sixteenths = v * 16;
  if (!(Number.isInteger(sixteenths) && Math.abs(sixteenths) % 2 === 1)) return v.toFixed(3);
  const thousandths = v * 1000; // exact: an odd multiple of 62.5
  const down = Math.floor(thousandths);
  const even = down % 2 === 0 ? down : down + 1;
  return (even / 1000).toFixed(3);
}
