// renderEffectiveConfig: YAML with every key and its source, which is itself a valid config file.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, renderEffectiveConfig, resolveServeConfig, resolveServeConfigWithOrigins } from '../../src/config/index.js';

describe('renderEffectiveConfig', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'azw-render-'));
  const file = path.join(dir, 'site.yaml');
  writeFileSync(file, 'models:\n  modules: [conn, ssh]\nmitigation:\n  duration: 1h\n  never_block: [192.0.2.0/24]\n');
  const resolved = resolveServeConfigWithOrigins({
    file,
    env: { AZW_ZEEK_SHARD: '1/2', AZW_ZEEK_CA_FILE: '/etc/ssl/zeek-ca.pem', AZW_ZEEK_URL: 'wss://zeek:27759/v1/messages/json' },
    flags: { 'log.level': 'debug' },
  });
  const text = renderEffectiveConfig(resolved);

  it('names the source of every value in a comment', () => {
    expect(text).to.match(/^ {2}modules: \[ CONN, SSH \] {2}# .*site\.yaml:2$/m);
    expect(text).to.match(/^ {2}duration: 1h {2}# .*site\.yaml:4$/m);
    expect(text).to.match(/^ {2}shard: 1\/2 {2}# env AZW_ZEEK_SHARD$/m);
    expect(text).to.match(/^ {2}level: debug {2}# flag log\.level$/m);
    expect(text).to.match(/^ {2}dry_run: true {2}# default$/m);
    expect(text).to.match(/^ {4}max_ms: 30000 {2}# default$/m);
  });

  it('lists every key once', () => {
    const document = parse(text) as Record<string, Record<string, unknown>>;
    for (const key of CONFIG_KEYS) {
      let node: unknown = document;
      for (const part of key.key.split('.')) node = (node as Record<string, unknown>)[part];
      expect(node, key.key).to.not.equal(undefined);
    }
  });

  it('is a config file that resolves to the same configuration', () => {
    const printed = path.join(dir, 'printed.yaml');
    writeFileSync(printed, text);
    expect(resolveServeConfig({ file: printed })).to.deep.equal(resolved.config);
  });
});
