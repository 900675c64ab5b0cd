// resolveServeConfig: defaults, precedence flags > env > file > defaults, and problems that name key and source.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, defaultScoringThreads, describeConfigKeys, envNameOf, resolveServeConfig, resolveServeConfigWithOrigins } from '../../src/config/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'azw-config-'));
function configFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.origin.kind === 'file' ? `line ${p.origin.line}` : p.origin.kind === 'env' ? p.origin.name : p.origin.kind} ${p.key}: ${p.message}`);
  }
  expect.fail('expected a ConfigError');
}

describe('resolveServeConfig', () => {
  it('gives defaults that work beside a default zeekctl when nothing is set', () => {
    const config = resolveServeConfig({});
    expect(config.zeek.url).to.equal('ws://127.0.0.1:27759/v1/messages/json');
    expect(config.zeek.topicPrefix).to.equal('autozeekwatch');
    expect(config.zeek.shard).to.equal('all');
    expect(config.models).to.deep.equal({ dir: 'models', modules: 'all', watch: true });
    expect(config.output).to.deep.equal({ file: 'scores.ndjson', topFeatures: 3 });
    expect(config.mitigation).to.include({ enabled: false, dryRun: true, maxBlocksPerMinute: 10, durationSeconds: 0, blockResponders: false });
    expect(config.scoring.threads).to.equal(defaultScoringThreads(availableParallelism()));
    // 0 threads (score in the main thread) is a setting like any other, from env as from a flag
    expect(resolveServeConfig({ env: { AZW_SCORING_THREADS: '0' } }).scoring.threads).to.equal(0);
    expect(config.metrics.listen).to.equal('127.0.0.1:9477');
    expect(config.log).to.deep.equal({ level: 'info', format: 'json' });
    expect(config.alerts).to.deep.equal({ noticeMinScore: 'threshold', minProbability: null });
  });

  it('applies flags over env over file over defaults, and records where each value came from', () => {
    const file = configFile('precedence.yaml', 'zeek:\n  topic_prefix: fromfile\n  ack_timeout_ms: 5000\nlog:\n  level: warn\n');
    const { config, origins } = resolveServeConfigWithOrigins({
      file,
      env: { AZW_ZEEK_TOPIC_PREFIX: 'fromenv', AZW_LOG_LEVEL: 'error' },
      flags: { 'log.level': 'debug', 'output.file': undefined },
    });
    expect(config.zeek.ackTimeoutMs).to.equal(5000);
    expect(config.zeek.topicPrefix).to.equal('fromenv');
    expect(config.log.level).to.equal('debug');
    expect(config.output.file).to.equal('scores.ndjson');
    expect(origins.get('zeek.ack_timeout_ms')).to.deep.equal({ kind: 'file', file, line: 3 });
    expect(origins.get('zeek.topic_prefix')).to.deep.equal({ kind: 'env', name: 'AZW_ZEEK_TOPIC_PREFIX' });
    expect(origins.get('log.level')).to.deep.equal({ kind: 'flag', name: 'log.level' });
    expect(origins.get('output.file')).to.deep.equal({ kind: 'default' });
  });

  it('maps every key to AZW_ + upper-cased key with dots as underscores', () => {
    expect(envNameOf('zeek.reconnect.max_ms')).to.equal('AZW_ZEEK_RECONNECT_MAX_MS');
    const env: NodeJS.ProcessEnv = { AZW_ZEEK_RECONNECT_MAX_MS: '60000', AZW_MODELS_WATCH: 'no', AZW_MITIGATION_NEVER_BLOCK: '10.0.0.0/8, fd00::/8', AZW_MODELS_MODULES: 'conn,SSH' };
    const config = resolveServeConfig({ env });
    expect(config.zeek.reconnect.maxMs).to.equal(60000);
    expect(config.models.watch).to.equal(false);
    expect(config.mitigation.neverBlock).to.deep.equal(['10.0.0.0/8', 'fd00::/8']);
    expect(config.models.modules).to.deep.equal(['CONN', 'SSH']);
    for (const k of describeConfigKeys()) expect(k.env).to.equal(envNameOf(k.key));
  });

  it('reads typed values: durations, shards, notice threshold, listen address', () => {
    const file = configFile('typed.yaml', [
      'zeek:', '  shard: 2/4', 'mitigation:', '  duration: 1h30m', 'alerts:', '  notice_min_score: 0.75', '  min_probability: 0.999',
      'metrics:', '  listen: ""',
    ].join('\n'));
    const config = resolveServeConfig({ file, flags: { 'mitigation.duration': '10m' } });
    expect(config.zeek.shard).to.deep.equal({ index: 2, count: 4 });
    expect(config.mitigation.durationSeconds).to.equal(600);
    expect(resolveServeConfig({ file }).mitigation.durationSeconds).to.equal(5400);
    expect(config.alerts).to.deep.equal({ noticeMinScore: 0.75, minProbability: 0.999 });
    expect(config.metrics.listen).to.equal('');
  });

  it('lists every problem at once, each with its file line, env var or flag', () => {
    const file = configFile('bad.yaml', [
      'zeek:',
      '  url: http://127.0.0.1:27759/',    // 2: wrong scheme
      '  topicprefix: x',                   // 3: misspelt
      '  shard: 4/4',                       // 4: index out of range
      'mitigation:',
      '  never_block: [10.0.0.0/8, 300.1.1.1]', // 6
      '  duration: 10 minutes',             // 7
      'scoring:',
      '  threads: -1',                      // 9
      'url: ws://x',                         // 10: wrong section
    ].join('\n'));
    const problems = problemsOf(() =>
      resolveServeConfig({ file, env: { AZW_ZEEK_UR: 'ws://x', AZW_SHARED_DATA: '/data' }, flags: { 'log.format': 'xml', 'log.lvl': 'debug' } }),
    );
    expect(problems).to.have.length(10);
    expect(problems).to.include.members([
      'line 2 zeek.url: expected a ws:// or wss:// URL, got "http://127.0.0.1:27759/"',
      'line 3 zeek.topicprefix: unknown key (did you mean zeek.topic_prefix?)',
      'line 4 zeek.shard: shard index k must be below N (0..3), got 4',
      'line 6 mitigation.never_block: item 2: expected an address or CIDR block such as 10.0.0.0/8, got "300.1.1.1"',
      'line 7 mitigation.duration: expected a duration such as "0s", "10m" or "1h", got "10 minutes"',
      'line 9 scoring.threads: must be between 0 and 1024, got -1',
      'line 10 url: unknown key (did you mean zeek.url?)',
      'AZW_ZEEK_UR AZW_ZEEK_UR: unknown setting (did you mean AZW_ZEEK_URL?)',
      'flag log.format: expected one of json, text, got string "xml"',
      'flag log.lvl: unknown key (did you mean log.level?)',
    ]);
  });

  it('reports a bad file value even when an env var overrides it', () => {
    const file = configFile('masked.yaml', 'queue:\n  max_batches: -1\n');
    expect(problemsOf(() => resolveServeConfig({ file, env: { AZW_QUEUE_MAX_BATCHES: '10' } }))).to.deep.equal([
      'line 2 queue.max_batches: must be between 1 and 10000000, got -1',
    ]);
  });

  it('rejects inconsistent pairs, blaming the value with the higher precedence', () => {
    const file = configFile('pairs.yaml', 'mitigation:\n  level: 4\n');
    const problems = problemsOf(() => resolveServeConfig({ file, env: { AZW_MITIGATION_RELEASE_LEVEL: '5', AZW_ZEEK_RECONNECT_INITIAL_MS: '60000' } }));
    expect(problems).to.deep.equal([
      'AZW_MITIGATION_RELEASE_LEVEL mitigation.release_level: mitigation.release_level (5) must be below mitigation.level (4)',
      'AZW_ZEEK_RECONNECT_INITIAL_MS zeek.reconnect.initial_ms: zeek.reconnect.initial_ms (60000) must not exceed zeek.reconnect.max_ms (30000)',
    ]);
  });

  it('does not coerce strings in a file where a number is due (YAML has real numbers)', () => {
    const file = configFile('quoted.yaml', 'output:\n  top_features: "3"\n');
    expect(problemsOf(() => resolveServeConfig({ file }))).to.deep.equal(['line 2 output.top_features: expected a whole number, got string "3"']);
  });

  it('reads JSON files with line numbers, and reports JSON syntax errors', () => {
    const file = configFile('serve.json', '{\n  "zeek": {\n    "url": "wss://zeek.example:27759/v1/messages/json",\n    "ack_timeout_ms": "soon"\n  }\n}\n');
    expect(problemsOf(() => resolveServeConfig({ file }))).to.deep.equal(['line 4 zeek.ack_timeout_ms: expected a whole number, got string "soon"']);
    const broken = configFile('broken.json', '{ "zeek": { "url": "ws://x", } }');
    const [problem] = problemsOf(() => resolveServeConfig({ file: broken }));
    expect(problem).to.match(/^line 0 \(file\): not valid JSON/);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const dup = configFile('dup.yaml', 'log:\n  level: info\n  level: debug\n');
    const [problem] = problemsOf(() => resolveServeConfig({ file: dup }));
    expect(problem).to.match(/^line 3 \(file\): YAML syntax: Map keys must be unique/);
    const notMap = configFile('list.yaml', 'zeek:\n  - url\n');
    expect(problemsOf(() => resolveServeConfig({ file: notMap }))).to.deep.equal(['line 2 zeek: expected a mapping of keys']);
  });

  it('reports a missing file as a problem, not a crash', () => {
    const missing = path.join(dir, 'nope.yaml');
    expect(problemsOf(() => resolveServeConfig({ file: missing }))).to.deep.equal(['line 0 (file): cannot read: no such file']);
  });

  it('accepts an empty file and empty sections', () => {
    expect(resolveServeConfig({ file: configFile('empty.yaml', '') }).zeek.url).to.equal('ws://127.0.0.1:27759/v1/messages/json');
    expect(resolveServeConfig({ file: configFile('sections.yaml', 'zeek:\nscoring:\n  # threads: 2\n') }).log.level).to.equal('info');
  });
});

describe('defaultScoringThreads', () => {
  it('scores in the main thread on 2 cores or fewer, and leaves the main thread a core above that', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultScoringThreads(cores))).to.deep.equal([0, 0, 2, 3, 15]);
  });
});
