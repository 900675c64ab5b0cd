// Reads a configuration file (YAML, or JSON by extension or content) into dotted-key values with
// the line each came from. Unknown keys and syntax errors become problems, not exceptions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { configKey, CONFIG_KEYS, CONFIG_SECTIONS } from './config-keys.js';
import type { ConfigProblem } from './config-error.js';
import { didYouMean } from './did-you-mean.js';

export interface FileValue {
  readonly key: string;
  readonly value: unknown;
  readonly line: number;
}

export interface ConfigFileContent {
  readonly format: 'yaml' | 'json';
  readonly values: FileValue[];
  readonly problems: ConfigProblem[];
}

const KNOWN_NAMES = [...CONFIG_KEYS.map((k) => k.key), ...CONFIG_SECTIONS];

export function detectFormat(file: string, text: string): 'yaml' | 'json' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/** Reads and checks the structure of a config file; values are parsed later, by resolveServeConfig. */
export function readConfigFile(file: string): ConfigFileContent {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return { format: 'yaml', values: [], problems: [{ key: '(file)', origin: { kind: 'file', file, line: 0 }, message: `cannot read: ${reason}` }] };
  }
  return parseConfigText(file, text);
}

export function parseConfigText(file: string, text: string): ConfigFileContent {
  const format = detectFormat(file, text);
  const lineCounter = new LineCounter();
  const problems: ConfigProblem[] = [];
  const values: FileValue[] = [];
  const at = (offset: number | undefined): number => (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  const problem = (key: string, line: number, message: string): void => {
    problems.push({ key, origin: { kind: 'file', file, line }, message });
  };

  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      // JSON's own message names the position; YAML would accept things JSON does not (comments)
      problem('(file)', 0, `not valid JSON: ${(err as Error).message}`);
      return { format, values, problems };
    }
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  for (const error of doc.errors) problem('(file)', at(error.pos[0]), `${format === 'json' ? 'JSON' : 'YAML'} syntax: ${error.message.split('\n')[0]}`);
  if (doc.errors.length > 0) return { format, values, problems };

  const visit = (node: Node | null | undefined, prefix: string, line: number): void => {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return; // empty file or section
    if (!isMap(node)) {
      problem(prefix === '' ? '(file)' : prefix, at(node.range?.[0]) || line, 'expected a mapping of keys');
      return;
    }
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyLine = at(keyNode?.range?.[0]);
      const name = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (name === undefined) {
        problem(prefix || '(file)', keyLine, 'keys must be plain names');
        continue;
      }
      const key = prefix === '' ? name : `${prefix}.${name}`;
      const valueNode = pair.value as Node | null;
      if (configKey(key) !== undefined) {
        values.push({ key, value: valueNode === null ? null : valueNode.toJSON(), line: keyLine });
      } else if (CONFIG_SECTIONS.has(key)) {
        visit(valueNode, key, keyLine);
      } else {
        const suggestion = didYouMean(key, KNOWN_NAMES);
        problem(key, keyLine, `unknown key${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
      }
    }
  };
  visit(doc.contents as Node | null, '', 0);
  return { format, values, problems };
}
