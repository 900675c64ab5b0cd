// findLogFiles on a temp zeekctl layout (day folders, rotated gzip files, current/) and on a plain folder.
import { expect } from 'chai';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findLogFiles } from '../../src/zeek/log-directory.js';
import { makeTempDir } from './temp-logs.js';

describe('zeek/log-directory', () => {
  const temp = makeTempDir();
  after(() => temp.remove());
  const touch = (...parts: string[]) => {
    mkdirSync(path.join(temp.dir, ...parts.slice(0, -1)), { recursive: true });
    writeFileSync(path.join(temp.dir, ...parts), '');
  };
  before(() => {
    for (const day of ['2024-01-02', '2024-01-01', '2024-01-03']) {
      for (const hour of ['10', '09', '00']) touch('logs', day, `conn.${hour}:00:00-${hour}:59:59.log.gz`);
      touch('logs', day, 'dns.00:00:00-01:00:00.log.gz');
      touch('logs', day, 'stats.00:00:00-01:00:00.log.gz');
    }
    touch('logs', 'current', 'conn.log');
    touch('logs', 'not-a-day', 'conn.log');
    touch('plain', 'conn.log');
    touch('plain', 'conn.labeled.log');
    touch('plain', 'dns.json');
    touch('plain', 'ssl.log.gz');
    touch('plain', 'README.md');
  });

  it('lists each stream oldest first across days and hours, skipping current/ and other streams', async () => {
    const found = await findLogFiles(path.join(temp.dir, 'logs'), { streams: ['conn', 'dns', 'http'] });
    const rel = (files: string[] | undefined) => files!.map((f) => path.relative(path.join(temp.dir, 'logs'), f));
    expect(rel(found.get('conn'))).to.deep.equal(['2024-01-01', '2024-01-02', '2024-01-03'].flatMap((d) =>
      ['00', '09', '10'].map((h) => `${d}/conn.${h}:00:00-${h}:59:59.log.gz`)));
    expect(rel(found.get('dns'))).to.have.length(3);
    expect(found.get('http')).to.deep.equal([]);
    expect([...found.keys()]).to.deep.equal(['conn', 'dns', 'http']);
  });

  it('keeps only days within startDate..endDate, both inclusive', async () => {
    const found = await findLogFiles(path.join(temp.dir, 'logs'), { streams: ['conn'], startDate: '2024-01-02', endDate: '2024-01-02' });
    expect(found.get('conn')!.map((f) => path.basename(path.dirname(f)))).to.deep.equal(['2024-01-02', '2024-01-02', '2024-01-02']);
    const from = await findLogFiles(path.join(temp.dir, 'logs'), { streams: ['conn'], startDate: '2024-01-03' });
    expect(from.get('conn')).to.have.length(3);
  });

  it('finds conn.log, conn.labeled.log, dns.json and ssl.log.gz in a plain folder', async () => {
    const found = await findLogFiles(path.join(temp.dir, 'plain'), { streams: ['conn', 'dns', 'ssl'] });
    expect(found.get('conn')!.map((f) => path.basename(f))).to.deep.equal(['conn.labeled.log', 'conn.log']);
    expect(found.get('dns')!.map((f) => path.basename(f))).to.deep.equal(['dns.json']);
    expect(found.get('ssl')!.map((f) => path.basename(f))).to.deep.equal(['ssl.log.gz']);
  });

  it('follows symbolic links to log files and day folders, skips broken ones and still skips current/', async () => {
    const linked = path.join(temp.dir, 'linked');
    mkdirSync(linked);
    symlinkSync(path.join(temp.dir, 'plain', 'conn.log'), path.join(linked, 'conn.log'));
    symlinkSync(path.join(temp.dir, 'logs', '2024-01-02'), path.join(linked, '2024-01-02'));
    symlinkSync(path.join(temp.dir, 'logs', 'current'), path.join(linked, 'current'));
    symlinkSync(path.join(temp.dir, 'nowhere.log'), path.join(linked, 'dns.log'));
    const found = await findLogFiles(linked, { streams: ['conn', 'dns'] });
    expect(found.get('conn')!.map((f) => path.relative(linked, f))).to.deep.equal([
      'conn.log',
      ...['00', '09', '10'].map((h) => `2024-01-02/conn.${h}:00:00-${h}:59:59.log.gz`),
    ]);
    expect(found.get('dns')!.map((f) => path.relative(linked, f))).to.deep.equal(['2024-01-02/dns.00:00:00-01:00:00.log.gz']);
  });

  it('rejects a malformed date and a missing directory with a UsageError', async () => {
    for (const call of [
      () => findLogFiles(temp.dir, { streams: ['conn'], startDate: '2024-1-2' }),
      () => findLogFiles(path.join(temp.dir, 'absent'), { streams: ['conn'] }),
    ]) {
      let caught: unknown;
      await call().catch((err: unknown) => (caught = err));
      expect(caught).to.have.property('name', 'UsageError');
    }
  });
});
