// Test data made on the spot: a labelled Stratosphere-style conn TSV log with benign DNS traffic,
// Background rows, and a port scan (mostly in the later half), written into a temp folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallLabelledLog {
  dir: string;
  file: string;
  /** per period: attacks and Background rows written */
  earlyAttacks: number;
  earlyBackground: number;
  lateAttacks: number;
  lateBackground: number;
  lateBenign: number;
  remove(): void;
}

const FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'label', 'detailedlabel'];
const TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval', 'count', 'count', 'string', 'string', 'count', 'count', 'count', 'count', 'string', 'string'];

/** Writes `records` rows one second apart; the scan starts at row `scanFrom` (a few earlier rows are scans too). */
export function writeSmallLabelledLog(records = 1200): SmallLabelledLog {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'azw-eval-'));
  const file = path.join(dir, 'conn.labeled.log');
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const half = records / 2;
  const counts = { earlyAttacks: 0, earlyBackground: 0, lateAttacks: 0, lateBackground: 0, lateBenign: 0 };
  const lines = [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    `#fields\t${FIELDS.join('\t')}`,
    `#types\t${TYPES.join('\t')}`,
  ];
  for (let i = 0; i < records; i++) {
    const ts = (1_700_000_000 + i).toFixed(6);
    const uid = `C${i.toString(36).padStart(6, '0')}`;
    const late = i >= half;
    const scan = late ? i % 4 === 0 : i % 97 === 0;
    const background = !scan && i % 10 === 3;
    if (scan) {
      const port = 1 + Math.floor(random() * 60000);
      lines.push([ts, uid, '10.0.0.99', String(40000 + (i % 50)), '10.0.0.53', String(port), 'tcp', '-', '-', '-', '-', 'S0', 'S', '1', '44', '0', '0', 'Malicious', 'PortScan'].join('\t'));
      if (late) counts.lateAttacks++;
      else counts.earlyAttacks++;
    } else {
      const host = `10.0.0.${10 + Math.floor(random() * 20)}`;
      const query = 30 + Math.floor(random() * 20);
      const answer = 60 + Math.floor(random() * 80);
      const duration = (0.005 + random() * 0.02).toFixed(6);
      const label = background ? 'Background' : 'Benign';
      lines.push([ts, uid, host, String(20000 + Math.floor(random() * 40000)), '10.0.0.53', '53', 'udp', 'dns', duration, String(query), String(answer), 'SF', 'Dd', '1', String(query + 28), '1', String(answer + 28), label, background ? '(empty)' : 'DNS'].join('\t'));
      if (background) {
        if (late) counts.lateBackground++;
        else counts.earlyBackground++;
      } else if (late) counts.lateBenign++;
    }
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return { dir, file, ...counts, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
