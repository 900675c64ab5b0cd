// contrib/autozeekwatch.yaml: validates, names every key, and documents the real defaults.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS, resolveServeConfig } from '../../src/config/index.js';
import { repoRoot } from '../support/shared-data.js';

describe('contrib/autozeekwatch.yaml', () => {
  const file = path.join(repoRoot, 'contrib', 'autozeekwatch.yaml');

  it('validates and equals the built-in defaults', () => {
    expect(resolveServeConfig({ file })).to.deep.equal(resolveServeConfig({}));
  });

  it('mentions every key with its env var (scoring.threads commented, as its default is the core count)', () => {
    const text = readFileSync(file, 'utf8');
    for (const key of CONFIG_KEYS) {
      const name = key.key.split('.').pop()!;
      const pattern = key.key === 'scoring.threads' ? new RegExp(`^\\s*# ${name}: `, 'm') : new RegExp(`^\\s*${name}: `, 'm');
      expect(text, key.key).to.match(pattern);
      expect(text, key.env).to.contain(`(${key.env})`);
    }
  });
});
