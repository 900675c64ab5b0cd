// Static checks of the Zeek package that catch real bugs without a Zeek binary: loads resolve,
// the sidecar contract (DESIGN.md) is declared exactly, options are documented, btests are well-formed.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/shared-data.js';

const packageDir = path.join(repoRoot, 'zeek-scripts');
const testingDir = path.join(packageDir, 'testing');
const read = (file: string): string => readFileSync(file, 'utf8');
const packageScripts = readdirSync(packageDir).filter((f) => f.endsWith('.zeek'));
const btestFiles = readdirSync(path.join(testingDir, 'tests')).filter((f) => f.endsWith('.zeek'));

/** The contract of DESIGN.md ("The contract between the halves"), whitespace-normalised. */
const CONTRACT_EVENTS: Record<string, string> = {
  log_records: 'event(node: string, stream: string, seq: count, records: vector of string)',
  anomaly:
    'event(uid: string, stream: string, orig_h: addr, orig_p: port, resp_h: addr, resp_p: port, score: double, threshold: double, summary: string)',
  mitigate: 'event(a: addr, duration: interval, reason: string, score: double)',
  end_of_input: 'event(node: string)',
  sidecar_done: 'event(reason: string)',
};
const CONTRACT_OPTIONS = [
  'listen_websocket', 'websocket_addr', 'websocket_port', 'wait_for_sidecar', 'streams', 'shards',
  'batch_size', 'batch_interval', 'mitigation_enabled', 'never_block', 'notice_suppression', 'topic_prefix',
];

const normalise = (s: string): string => s.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

/** Drops comments, string literals and escaped braces, so what is left is code structure. */
function codeOnly(source: string): string {
  return source
    .split('\n')
    .map((line) => line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\\[{}]/g, '').replace(/#.*$/, ''))
    .join('\n');
}

/** `global name: event(...);` declarations, joined across lines. */
function declaredEvents(source: string): Map<string, string> {
  const events = new Map<string, string>();
  for (const m of codeOnly(source).matchAll(/global\s+(\w+)\s*:\s*(event\s*\([^)]*\))\s*;/g)) {
    events.set(m[1]!, normalise(m[2]!));
  }
  return events;
}

/** The export block's declarations with the `##` doc lines right above them. */
function exportedOptions(source: string): Map<string, { documented: boolean; defaultText: string }> {
  const options = new Map<string, { documented: boolean; defaultText: string }>();
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*option\s+(\w+)\s*(?::[^=]+)?=\s*(.+);\s*$/.exec(line);
    if (m) options.set(m[1]!, { documented: /^\s*##/.test(lines[i - 1] ?? ''), defaultText: m[2]!.trim() });
  });
  return options;
}

describe('zeek package (static checks)', () => {
  const main = read(path.join(packageDir, 'main.zeek'));

  it('zkg.meta names zeek-scripts as script_dir, runs btest there, and depends on a Zeek version', () => {
    const meta = read(path.join(repoRoot, 'zkg.meta'));
    expect(meta).to.match(/^\[package\]$/m);
    expect(/^script_dir\s*=\s*(\S+)\s*$/m.exec(meta)?.[1]).to.equal('zeek-scripts');
    const testCommand = /^test_command\s*=\s*(.+)$/m.exec(meta)?.[1] ?? '';
    expect(testCommand).to.equal('cd zeek-scripts/testing && btest -c btest.cfg');
    expect(existsSync(path.join(testingDir, 'btest.cfg'))).to.equal(true);
    expect(meta).to.match(/^depends\s*=\s*\n\s+zeek >=\d+\.\d+\.\d+\s*$/m);
  });

  it('loads only scripts that exist, and every package script is loaded', () => {
    const loaded = new Set<string>();
    for (const script of packageScripts) {
      for (const m of read(path.join(packageDir, script)).matchAll(/^@load\s+\.\/(\S+)/gm)) {
        const target = `${m[1]}.zeek`;
        expect(existsSync(path.join(packageDir, target)), `${script} loads ${target}`).to.equal(true);
        loaded.add(target);
      }
    }
    const fromLoad = [...read(path.join(packageDir, '__load__.zeek')).matchAll(/^@load\s+\.\/(\S+)/gm)].map((m) => `${m[1]}.zeek`);
    expect(fromLoad).to.include.members(['main.zeek', 'publish.zeek', 'response.zeek', 'websocket.zeek', 'pcap.zeek']);
    expect([...loaded].sort()).to.deep.equal(packageScripts.filter((s) => s !== '__load__.zeek').sort());
  });

  it('declares one module, AutoZeekWatch, in every script', () => {
    for (const script of packageScripts.filter((s) => s !== '__load__.zeek')) {
      const modules = [...read(path.join(packageDir, script)).matchAll(/^module\s+(\w+);/gm)].map((m) => m[1]);
      expect(modules, script).to.deep.equal(['AutoZeekWatch']);
    }
  });

  it('declares the contract events with exactly the signatures of DESIGN.md', () => {
    const events = declaredEvents(main);
    for (const [name, signature] of Object.entries(CONTRACT_EVENTS)) {
      expect(events.get(name), name).to.equal(signature);
    }
  });

  it('handles the sidecar-to-Zeek events with the declared parameter lists', () => {
    const handlers = packageScripts.map((s) => codeOnly(read(path.join(packageDir, s)))).join('\n');
    for (const name of ['anomaly', 'mitigate', 'sidecar_done']) {
      const m = new RegExp(`^event\\s+AutoZeekWatch::${name}\\s*(\\([^)]*\\))`, 'm').exec(handlers);
      expect(m, `handler of ${name}`).to.not.equal(null);
      expect(`event${normalise(m![1]!)}`).to.equal(CONTRACT_EVENTS[name]!.replace(/^event/, 'event'));
    }
  });

  it('matches the contract as written in ../shared/DESIGN.md', function () {
    const design = path.resolve(repoRoot, '..', 'shared', 'DESIGN.md');
    if (!existsSync(design)) {
      console.log(`      (skipped: ${design} is not beside the repository)`);
      this.skip();
    }
    const text = read(design);
    const declared = new Map<string, string>();
    for (const m of text.matchAll(/global AutoZeekWatch::(\w+): (event\([^)]*\));/g)) declared.set(m[1]!, normalise(m[2]!));
    for (const m of text.matchAll(/`AutoZeekWatch::(\w+)\((\w+: [^)]*)\)`/g)) declared.set(m[1]!, normalise(`event(${m[2]})`));
    expect(Object.fromEntries(declared)).to.deep.equal(CONTRACT_EVENTS);
    for (const option of CONTRACT_OPTIONS.filter((o) => o !== 'topic_prefix')) {
      expect(text, option).to.contain(`\`${option}\``);
    }
  });

  it('exports every option of DESIGN.md, each with a ## doc line, and the documented defaults', () => {
    const options = exportedOptions(main);
    for (const name of CONTRACT_OPTIONS) {
      expect(options.has(name), `option ${name}`).to.equal(true);
      expect(options.get(name)!.documented, `## doc for ${name}`).to.equal(true);
    }
    for (const [name, option] of options) expect(option.documented, `## doc for ${name}`).to.equal(true);
    expect(options.get('listen_websocket')!.defaultText).to.equal('F');
    expect(options.get('mitigation_enabled')!.defaultText).to.equal('F');
    expect(options.get('websocket_addr')!.defaultText).to.equal('127.0.0.1');
    expect(options.get('websocket_port')!.defaultText).to.equal('27759/tcp');
    expect(options.get('topic_prefix')!.defaultText).to.equal('"autozeekwatch"');
    expect(options.get('shards')!.defaultText).to.equal('1');
    expect(options.get('streams')!.defaultText).to.equal('{ Conn::LOG, HTTP::LOG, DNS::LOG, SSH::LOG, SSL::LOG }');
  });

  it('keeps batching latency well under a second', () => {
    const interval = /^\s*option batch_interval: interval = (\d+)(msec|sec)s?;/m.exec(main);
    expect(interval).to.not.equal(null);
    const seconds = Number(interval![1]) * (interval![2] === 'msec' ? 0.001 : 1);
    expect(seconds).to.be.greaterThan(0).and.at.most(0.5);
  });

  it('documents each Notice type with ##', () => {
    const block = /redef enum Notice::Type \+= \{([\s\S]*?)\};/.exec(main)?.[1] ?? '';
    const names = [...block.matchAll(/^\s*(\w+),/gm)].map((m) => m[1]);
    expect(names).to.deep.equal(['Anomalous_Record', 'Host_Blocked', 'Mitigation_Refused']);
    for (const name of names) expect(block).to.match(new RegExp(`##[^\\n]*\\n(?:\\s*##[^\\n]*\\n)*\\s*${name},`));
  });

  it('publishes from the log policy hook at priority -100 and never vetoes a write', () => {
    const publish = codeOnly(read(path.join(packageDir, 'publish.zeek')));
    expect(publish).to.match(/hook Log::log_stream_policy\(rec: any, id: Log::ID\) &priority=-100/);
    expect(publish).to.contain('to_json(rec, T, /^_/, T)');
    for (const script of packageScripts) {
      const body = codeOnly(read(path.join(packageDir, script)));
      expect(/\bbreak\b/.test(body), `${script} uses break`).to.equal(false);
    }
  });

  it('hides version-specific identifiers behind balanced @if/@else/@endif', () => {
    for (const file of [...packageScripts.map((s) => path.join(packageDir, s)), ...btestFiles.map((b) => path.join(testingDir, 'tests', b))]) {
      let depth = 0;
      for (const line of read(file).split('\n')) {
        if (/^@if(def|ndef)?\b/.test(line)) depth += 1;
        if (/^@endif\b/.test(line)) depth -= 1;
        expect(depth, `${path.basename(file)}: @endif without @if`).to.be.at.least(0);
      }
      expect(depth, `${path.basename(file)}: unclosed @if`).to.equal(0);
    }
    const websocket = read(path.join(packageDir, 'websocket.zeek'));
    // $listen_host exists only in 7.2, $listen_addr from 8.0, Broker::listen_websocket before 7.2.
    expect(websocket).to.match(/@if \( Version::number >= 80000 \)\n\s*listening = Cluster::listen_websocket\(\[\$listen_addr=/);
    expect(websocket).to.match(/@if \( Version::number >= 70200 \)\n\s*listening = Cluster::listen_websocket\(\[\$listen_host=/);
    expect(websocket).to.match(/@if \( Version::number >= 80100 \)\n@if \( Cluster::backend == Cluster::CLUSTER_BACKEND_NONE/);
  });

  it('balances braces, brackets and parentheses in every script and btest', () => {
    for (const file of [...packageScripts.map((s) => path.join(packageDir, s)), ...btestFiles.map((b) => path.join(testingDir, 'tests', b))]) {
      const code = codeOnly(read(file)).replace(/\/(?:[^/\\\n]|\\.)+\//g, (m) => (/[{}()[\]]/.test(m) && /[\\"]/.test(m) ? '//' : m));
      const stack: string[] = [];
      const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
      for (const ch of code) {
        if ('{[('.includes(ch)) stack.push(ch);
        else if (ch in pairs) expect(stack.pop(), `${path.basename(file)}: unmatched ${ch}`).to.equal(pairs[ch]);
      }
      expect(stack, `${path.basename(file)}: unclosed`).to.deep.equal([]);
    }
  });

  it('the brace check itself catches a missing closing brace', () => {
    const broken = 'event zeek_init()\n\t{\n\tif ( T )\n\t\t{\n\t\tprint "}";\n\t}\n';
    const code = codeOnly(broken);
    const depth = [...code].reduce((d, ch) => d + (ch === '{' ? 1 : ch === '}' ? -1 : 0), 0);
    expect(depth).to.equal(1);
  });
});

describe('zeek package btests (static checks)', () => {
  it('has a btest.cfg with the test dir, baselines, traces and the canonifier', () => {
    const cfg = read(path.join(testingDir, 'btest.cfg'));
    expect(cfg).to.match(/^TestDirs\s*=\s*tests$/m);
    expect(cfg).to.match(/^BaselineDir\s*=\s*%\(testbase\)s\/Baseline$/m);
    expect(cfg).to.match(/^PACKAGE=%\(testbase\)s\/\.\.$/m);
    expect(cfg).to.match(/^TRACES=%\(testbase\)s\/Traces$/m);
    expect(cfg).to.match(/^TZ=UTC$/m);
    const canonifier = /^TEST_DIFF_CANONIFIER=%\(testbase\)s\/(\S+)$/m.exec(cfg)?.[1];
    expect(canonifier).to.be.a('string');
    expect(existsSync(path.join(testingDir, canonifier!))).to.equal(true);
  });

  it('starts every btest with @TEST- directive lines, at least one of them @TEST-EXEC', () => {
    expect(btestFiles.length).to.be.at.least(8);
    for (const file of btestFiles) {
      const lines = read(path.join(testingDir, 'tests', file)).split('\n');
      const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('# @TEST-')));
      expect(lines[0], file).to.match(/^# @TEST-/);
      expect(header.some((l) => /^# @TEST-EXEC(-FAIL)?: /.test(l)), `${file} has @TEST-EXEC`).to.equal(true);
    }
  });

  it('has a baseline for every btest-diff and no baseline without a test', () => {
    const expected = new Set<string>();
    for (const file of btestFiles) {
      for (const m of read(path.join(testingDir, 'tests', file)).matchAll(/@TEST-EXEC: btest-diff (\S+)/g)) {
        expected.add(`tests.${file.replace(/\.zeek$/, '')}/${m[1]}`);
      }
    }
    const baselines = new Set<string>();
    for (const dir of readdirSync(path.join(testingDir, 'Baseline'))) {
      for (const f of readdirSync(path.join(testingDir, 'Baseline', dir))) baselines.add(`${dir}/${f}`);
    }
    expect([...baselines].sort()).to.deep.equal([...expected].sort());
  });

  it('uses only traces that exist', () => {
    for (const file of btestFiles) {
      for (const m of read(path.join(testingDir, 'tests', file)).matchAll(/\$TRACES\/(\S+)/g)) {
        expect(existsSync(path.join(testingDir, 'Traces', m[1]!)), `${file}: ${m[1]}`).to.equal(true);
      }
    }
  });
});
