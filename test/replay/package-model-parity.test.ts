// The emulator's model of the package must say what zeek-scripts/ says: this reads the scripts themselves, so an
// edit to a message, a default or a log column on either side fails here instead of drifting apart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  DEFAULT_NOTICE_SUPPRESSION_SECONDS, NOTICE_ANOMALOUS_RECORD, NOTICE_HOST_BLOCKED, NOTICE_MITIGATION_REFUSED,
  ZeekPackageModel, zeekFixed3, zeekInterval,
} from '../../src/replay/zeek-package-model.js';
import { anomalyEvent, mitigateEvent } from '../../src/zeek/broker-contract.js';

const scripts = path.resolve('zeek-scripts');
const mainZeek = readFileSync(path.join(scripts, 'main.zeek'), 'utf8');
const responseZeek = readFileSync(path.join(scripts, 'response.zeek'), 'utf8');

/** The first capture of `pattern` in `text`, or a failure that names what was looked for. */
function capture(text: string, pattern: RegExp, what: string): string {
  const match = pattern.exec(text);
  expect(match, `${what} not found by ${pattern}`).to.not.equal(null);
  return match![1]!;
}

/** Zeek's fmt for the directives the package uses: %s (addr, string, count) and %.3f (printf: ties to even). */
function zeekFmt(format: string, ...args: (string | number)[]): string {
  let next = 0;
  return format.replace(/%(\.3f|s)/g, (directive) => {
    const value = args[next++]!;
    return directive === '%.3f' ? printfFixed3(value as number) : String(value);
  });
}

/** %.3f from the exact decimal expansion of the double, rounded half to even, as C's printf does. */
function printfFixed3(v: number): string {
  // 0.0625 is exactly 625/10000: its expansion to 20 places shows whether it is a tie, which toFixed(3) hides
  const [whole, fraction] = Math.abs(v).toFixed(20).split('.') as [string, string];
  let kept = BigInt(whole + fraction.slice(0, 3));
  const rest = fraction.slice(3);
  const half = '5'.padEnd(rest.length, '0');
  if (rest > half || (rest === half && kept % 2n === 1n)) kept += 1n;
  const digits = kept.toString().padStart(4, '0');
  return `${v < 0 ? '-' : ''}${digits.slice(0, -3)}.${digits.slice(-3)}`;
}

const INTERVAL_UNITS: Record<string, number> = { usec: 1e-6, msec: 1e-3, sec: 1, secs: 1, min: 60, mins: 60, hr: 3600, hrs: 3600, day: 86400, days: 86400 };

describe('ZeekPackageModel against the package scripts', () => {
  it('names the notice types response.zeek raises and main.zeek declares', () => {
    const declared = capture(mainZeek, /redef enum Notice::Type \+= \{([\s\S]*?)\};/, 'the Notice::Type redef');
    const names = [...declared.matchAll(/^\s*([A-Z][A-Za-z_]+),/gm)].map((m) => `AutoZeekWatch::${m[1]}`);
    expect(names).to.have.members([NOTICE_ANOMALOUS_RECORD, NOTICE_HOST_BLOCKED, NOTICE_MITIGATION_REFUSED]);
  });

  it('suppresses notices for the default of AutoZeekWatch::notice_suppression', () => {
    const [, amount, unit] = /option notice_suppression: interval = (\d+)\s*([a-z]+);/.exec(mainZeek) ?? [];
    expect(unit, 'notice_suppression default').to.be.oneOf(Object.keys(INTERVAL_UNITS));
    expect(DEFAULT_NOTICE_SUPPRESSION_SECONDS).to.equal(Number(amount) * INTERVAL_UNITS[unit!]!);
  });

  it('writes the columns of AutoZeekWatch::Info, with id expanded as Zeek logs a conn_id', () => {
    const info = capture(mainZeek, /type Info: record \{([\s\S]*?)\};/, 'AutoZeekWatch::Info');
    const columns = [...info.matchAll(/^\s*(\w+): (\w+) &log;/gm)].flatMap(([, name, type]) =>
      type === 'conn_id' ? ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p'] : [name!]);
    const model = new ZeekPackageModel();
    model.networkTime = 1427726719.365117;
    model.handle(anomalyEvent({ uid: 'Cx', stream: 'conn', originator: { host: '10.0.0.1', port: '5555/tcp' }, responder: { host: '10.0.0.2', port: '22/tcp' }, score: 0.5, threshold: 0.25, summary: 's' }));
    expect(Object.keys(model.anomalyLog[0]!)).to.have.members(columns);
  });

  it('words the anomaly notice with response.zeek\'s format', () => {
    const format = capture(responseZeek, /\$note=Anomalous_Record,\s*\$msg=fmt\("([^"]+)", stream, score, threshold\)/, 'the anomaly $msg');
    const model = new ZeekPackageModel();
    model.handle(anomalyEvent({ uid: 'Cx', stream: 'ssh', originator: { host: '10.0.0.1', port: '5555/tcp' }, responder: { host: '10.0.0.2', port: '22/tcp' }, score: 0.98765, threshold: 0.0575, summary: 's' }));
    expect(model.notices[0]!.msg).to.equal(zeekFmt(format, 'ssh', 0.98765, 0.0575));
  });

  it('refuses with response.zeek\'s reasons and words each refusal and block with its formats', () => {
    const refusalFormat = capture(responseZeek, /\$note=Mitigation_Refused,\s*\$msg=fmt\("([^"]+)", a, score, why\)/, 'the refusal $msg');
    const blockFormat = capture(responseZeek, /\$note=Host_Blocked,\s*\$msg=fmt\("([^"]+)", a, how, score\)/, 'the block $msg');
    const whys = [...responseZeek.matchAll(/refuse_mitigation\(a, "([^"]+)"/g)].map((m) => m[1]!);
    expect(whys).to.have.length(2);
    const catchRelease = capture(responseZeek, /how = "([^"]+)";/, 'the catch-and-release wording');
    const drop = capture(responseZeek, /how = fmt\("([^"]+)", duration\);/, 'the timed drop wording');

    const off = new ZeekPackageModel({ mitigationEnabled: false });
    off.handle(mitigateEvent({ address: '10.1.1.1', durationSeconds: 0, reason: 'r', score: 0.5 }));
    const on = new ZeekPackageModel({ mitigationEnabled: true, neverBlock: ['10.9.0.0/16'] });
    on.handle(mitigateEvent({ address: '10.9.1.1', durationSeconds: 0, reason: 'r', score: 0.5 }));
    on.handle(mitigateEvent({ address: '10.2.2.2', durationSeconds: 0, reason: 'r', score: 0.75 }));
    on.handle(mitigateEvent({ address: '10.3.3.3', durationSeconds: 3600, reason: 'r', score: 0.125 }));

    expect([off.notices[0]!.msg, on.notices[0]!.msg]).to.deep.equal([
      zeekFmt(refusalFormat, '10.1.1.1', 0.5, whys[0]!),
      zeekFmt(refusalFormat, '10.9.1.1', 0.5, whys[1]!),
    ]);
    expect(on.notices[1]!.msg).to.equal(zeekFmt(blockFormat, '10.2.2.2', catchRelease, 0.75));
    expect(on.notices[2]!.msg).to.equal(zeekFmt(blockFormat, '10.3.3.3', zeekFmt(drop, zeekInterval(3600)), 0.125));
  });

  it('rounds %.3f as printf does: exact binary ties to even, everything else to nearest', () => {
    for (const v of [0.0625, 0.1875, 2.0625, 0.5625, 0.0635, 0.12345, 0.9995, 1.0005, 0.25, 0.123456789, 7.3125]) {
      expect(zeekFixed3(v), String(v)).to.equal(printfFixed3(v));
    }
    expect(zeekFixed3(0.0625)).to.equal('0.062');
  });

  it('renders intervals as Zeek does (600 s is "10.0 mins" in the 8.2.2 transcript)', () => {
    expect(zeekInterval(600)).to.equal('10.0 mins');
    expect(zeekInterval(0)).to.equal('0 secs');
    expect(zeekInterval(3600)).to.equal('1.0 hr');
    expect(zeekInterval(90)).to.equal('1.0 min 30.0 secs');
  });
});
