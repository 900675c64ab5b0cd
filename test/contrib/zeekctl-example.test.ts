// contrib/zeekctl/: every AutoZeekWatch:: name it uses exists in the package's export blocks, and
// the cluster settings from the real-Zeek findings (logger node, ZeroMQ high-water marks) are there.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/shared-data.js';

const zeekctlDir = path.join(repoRoot, 'contrib', 'zeekctl');

/** Names declared inside `export { ... }` blocks: options, consts, globals, types, enum values. */
function exportedNames(script: string): Set<string> {
  const names = new Set<string>();
  const code = script.replace(/#.*$/gm, '');
  for (const start of code.matchAll(/\bexport\s*\{/g)) {
    let depth = 0;
    let end = start.index!;
    for (let i = start.index! + start[0].length - 1; i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    const block = code.slice(start.index!, end);
    for (const m of block.matchAll(/\b(?:option|const|global|type)\s+([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
    for (const m of block.matchAll(/redef\s+enum\s+[\w:]+\s*\+=\s*\{([^}]*)\}/g)) {
      for (const item of m[1]!.split(',')) if (item.trim() !== '') names.add(item.trim());
    }
  }
  return names;
}

function packageExports(): Set<string> {
  const dir = path.join(repoRoot, 'zeek-scripts');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.zeek'))) {
    for (const n of exportedNames(readFileSync(path.join(dir, file), 'utf8'))) names.add(n);
  }
  return names;
}

describe('contrib/zeekctl example', () => {
  const files = readdirSync(zeekctlDir);
  const text = (name: string): string => readFileSync(path.join(zeekctlDir, name), 'utf8');

  it('finds the export-block names of a script, ignoring non-exported globals', () => {
    const names = exportedNames('module X;\nexport {\n  redef enum Notice::Type += { A_B, C };\n  option o = F; # option nope\n  type T: record { f: count; };\n  global e: event(x: count);\n}\nglobal hidden = 1;\n');
    expect([...names].sort()).to.deep.equal(['A_B', 'C', 'T', 'e', 'o']);
  });

  it('names only options the package exports', () => {
    const exported = packageExports();
    for (const name of ['listen_websocket', 'streams', 'shards', 'mitigation_enabled', 'never_block']) expect(exported.has(name), name).to.equal(true);
    let references = 0;
    for (const file of files) {
      for (const m of text(file).matchAll(/AutoZeekWatch::([A-Za-z_][A-Za-z0-9_]*)/g)) {
        references++;
        expect(exported.has(m[1]!), `${file}: AutoZeekWatch::${m[1]} is not in any export block of zeek-scripts/`).to.equal(true);
      }
    }
    expect(references).to.be.greaterThan(5);
  });

  it('has a separate logger node, the manager, and a worker in node.cfg', () => {
    const types = [...text('node.cfg').matchAll(/^type=(\w+)/gm)].map((m) => m[1]);
    expect(types).to.include.members(['logger', 'manager', 'worker']);
  });

  it('enables the WebSocket server and sets the ZeroMQ no-drop limits', () => {
    expect(text('zeekctl.cfg')).to.match(/^UseWebSocket = 1$/m);
    expect(text('zeekctl.cfg')).to.match(/^WebSocketPort = 27759$/m);
    const local = text('local.zeek');
    expect(local).to.match(/^@load packages$/m);
    expect(local).to.match(/^redef Cluster::Backend::ZeroMQ::xpub_sndhwm = 0;$/m);
    expect(local).to.match(/^redef Cluster::Backend::ZeroMQ::onloop_queue_hwm = 0;$/m);
  });
});
