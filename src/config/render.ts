// Renders the effective configuration as YAML with the source of every value as a comment, so
// `config print` output is both documentation and a valid config file.
import { stringify } from 'yaml';
import { describeOrigin } from './config-error.js';
import { CONFIG_KEYS } from './config-keys.js';
import type { ResolvedServeConfig } from './resolve.js';

function valueAt(config: unknown, property: readonly string[]): unknown {
  let node = config as Record<string, unknown>;
  for (const part of property) node = node[part] as Record<string, unknown>;
  return node;
}

function yamlScalarOrFlow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
}

/** YAML text of every key (nested by section) with `# <source>` after each value. */
export function renderEffectiveConfig(resolved: ResolvedServeConfig): string {
  const lines = ['# AutoZeekWatch serve: effective configuration (flags > env AZW_* > file > defaults)'];
  let openSections: string[] = [];
  for (const key of CONFIG_KEYS) {
    const parts = key.key.split('.');
    const sections = parts.slice(0, -1);
    let common = 0;
    while (common < sections.length && common < openSections.length && sections[common] === openSections[common]) common++;
    for (let depth = common; depth < sections.length; depth++) lines.push(`${'  '.repeat(depth)}${sections[depth]}:`);
    openSections = sections;
    const value = key.toFileValue(valueAt(resolved.config, key.property));
    const origin = describeOrigin(resolved.origins.get(key.key) ?? { kind: 'default' });
    lines.push(`${'  '.repeat(sections.length)}${parts[parts.length - 1]}: ${yamlScalarOrFlow(value)}  # ${origin}`);
  }
  return lines.join('\n') + '\n';
}
