// followLog driven by writing files: late creation, partial lines, rotation, truncation, TSV headers per file.
import { expect } from 'chai';
import { appendFileSync, mkdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { followLog } from '../../src/zeek/follow.js';
import { ReadSummary } from '../../src/zeek/read-summary.js';
import type { LogEntry } from '../../src/zeek/record.js';
import { CONN_FIELDS, CONN_TYPES, connTsvLine, makeTempDir, tsvHeader } from './temp-logs.js';

/** Follows still running, stopped after each test even when it failed half-way. */
const running: (() => Promise<void>)[] = [];

/** Runs a follow in the background, collecting entries, until stop(). */
function startFollow(file: string, fromStart = true) {
  const controller = new AbortController();
  const summary = new ReadSummary();
  const entries: LogEntry[] = [];
  const done = (async () => {
    for await (const entry of followLog(file, 'conn', { signal: controller.signal, pollIntervalMs: 5, summary, fromStart })) entries.push(entry);
  })();
  /** Waits (bounded number of polls, no time limit asserted) until `count` entries have arrived. */
  const waitFor = async (count: number) => {
    for (let i = 0; i < 4000 && entries.length < count; i++) await sleep(5);
    expect(entries.length, 'entries received').to.equal(count);
  };
  const stop = async () => {
    controller.abort();
    await done;
  };
  running.push(stop);
  return { entries, summary, waitFor, stop, uids: () => entries.map((e) => e.record.uid) };
}

const header = tsvHeader('conn', CONN_FIELDS, CONN_TYPES);
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => connTsvLine(from + i) + '\n').join('');
const uids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `C${from + i}`);

describe('zeek/follow', () => {
  const temp = makeTempDir();
  after(() => temp.remove());
  afterEach(async () => {
    for (const stop of running.splice(0)) await stop();
  });
  let n = 0;
  const fresh = () => path.join(temp.dir, `f${++n}`, 'conn.log');
  const prepare = (file: string) => mkdirSync(path.dirname(file), { recursive: true });

  it('waits for a file created late, then reads it from its start', async () => {
    const file = fresh();
    prepare(file);
    const follow = startFollow(file, false);
    await sleep(20);
    writeFileSync(file, header + lines(1, 3));
    await follow.waitFor(3);
    appendFileSync(file, lines(4, 5));
    await follow.waitFor(5);
    await follow.stop();
    expect(follow.uids()).to.deep.equal(uids(1, 5));
    expect(follow.entries.map((e) => e.source.line)).to.deep.equal([9, 10, 11, 12, 13]);
  });

  it('without fromStart skips what the file already holds but still knows its header and line numbers', async () => {
    const file = fresh();
    prepare(file);
    writeFileSync(file, header + lines(1, 3));
    const follow = startFollow(file, false);
    await sleep(30);
    appendFileSync(file, lines(4, 4));
    await follow.waitFor(1);
    await follow.stop();
    expect(follow.uids()).to.deep.equal(['C4']);
    expect(follow.entries[0]!.source.line).to.equal(12);
    expect(follow.summary.records).to.equal(1);
  });

  it('holds a partial last line until its newline arrives', async () => {
    const file = fresh();
    prepare(file);
    writeFileSync(file, header + lines(1, 1));
    const follow = startFollow(file);
    await follow.waitFor(1);
    const second = connTsvLine(2);
    appendFileSync(file, second.slice(0, 12));
    await sleep(30);
    expect(follow.entries).to.have.length(1);
    appendFileSync(file, second.slice(12) + '\n');
    await follow.waitFor(2);
    await follow.stop();
    expect(follow.uids()).to.deep.equal(['C1', 'C2']);
    expect(follow.summary.skipped).to.equal(0);
  });

  it('survives rotation: finishes the renamed file (lines written just before), then reads the new file with its own header', async () => {
    const file = fresh();
    prepare(file);
    writeFileSync(file, header + lines(1, 3));
    const follow = startFollow(file);
    await follow.waitFor(3);
    // the writer adds lines (the last without newline) and rotates before the follower looks again
    appendFileSync(file, lines(4, 5) + connTsvLine(6));
    renameSync(file, path.join(path.dirname(file), 'conn.2024-01-01-00-00-00.log'));
    await sleep(20);
    const newFields = [...CONN_FIELDS, 'label'];
    writeFileSync(file, tsvHeader('conn', newFields, [...CONN_TYPES, 'string']) + `${connTsvLine(7)}\tBenign\n`);
    await follow.waitFor(7);
    await follow.stop();
    expect(follow.uids()).to.deep.equal(uids(1, 7));
    expect(follow.entries[6]!.record.label).to.equal('Benign');
    expect(follow.entries[6]!.source.line).to.equal(9);
    expect(follow.summary.skipped).to.equal(0);
  });

  it('survives copytruncate: restarts at the start of the truncated file without re-reading old lines', async () => {
    const file = fresh();
    prepare(file);
    writeFileSync(file, header + lines(1, 4));
    const follow = startFollow(file);
    await follow.waitFor(4);
    truncateSync(file, 0);
    await sleep(30);
    appendFileSync(file, header + lines(5, 6));
    await follow.waitFor(6);
    await follow.stop();
    expect(follow.uids()).to.deep.equal(uids(1, 6));
    expect(follow.summary.skipped).to.equal(0);
  });

  it('counts bad lines in a followed file and keeps following', async () => {
    const file = fresh();
    prepare(file);
    writeFileSync(file, header + lines(1, 1) + 'garbage\n' + lines(2, 2));
    const follow = startFollow(file);
    await follow.waitFor(2);
    await follow.stop();
    expect(follow.summary.byReason.get('column-count')).to.equal(1);
    expect(follow.summary.examples[0]!.line).to.equal(10);
  });
});
