// createLogger: JSON lines with ts/level/msg/fields, the level threshold, child fields and the rate guard.
import { expect } from 'chai';
import { createLogger, type LoggerOptions } from '../../src/sinks/json-logger.js';

function capture(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  let clock = Date.parse('2026-11-26T12:00:00.000Z');
  const logger = createLogger({ level: 'info', stream: { write: (chunk: string) => lines.push(chunk) }, now: () => clock, ...options });
  return {
    logger,
    lines,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    advance: (ms: number) => (clock += ms),
  };
}

describe('json logger', () => {
  it('writes one JSON object per line with ts (ISO), level, msg and the fields', () => {
    const { logger, lines, parsed } = capture();
    logger.info('zeek connected', { url: 'ws://127.0.0.1:27759/v1/messages/json', attempt: 2 });
    expect(lines).to.have.length(1);
    expect(lines[0]!.endsWith('\n')).to.equal(true);
    expect(parsed()[0]).to.deep.equal({ ts: '2026-11-26T12:00:00.000Z', level: 'info', msg: 'zeek connected', url: 'ws://127.0.0.1:27759/v1/messages/json', attempt: 2 });
  });

  it('drops lines below the threshold', () => {
    const { logger, parsed } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((l) => l.level)).to.deep.equal(['warn', 'error']);
  });

  it('child loggers add their fields; fields cannot overwrite ts, level or msg', () => {
    const { logger, parsed } = capture({ level: 'debug' });
    const child = logger.child({ stream: 'conn' }).child({ node: 'worker-1' });
    child.debug('sequence gap', { missing: 50, level: 'error', msg: 'hijack' });
    expect(parsed()[0]).to.deep.equal({ ts: '2026-11-26T12:00:00.000Z', level: 'debug', msg: 'sequence gap', stream: 'conn', node: 'worker-1', missing: 50 });
  });

  it('serialises errors with name, message and code, and bigints as strings', () => {
    const { logger, parsed } = capture();
    const err = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    logger.error('zeek disconnected', { err, bytes: 12n });
    expect(parsed()[0]).to.deep.include({ err: { name: 'Error', message: 'refused', code: 'ECONNREFUSED' }, bytes: '12' });
  });

  it('writes at most N lines per message per window, then reports how many were suppressed', () => {
    const { logger, parsed, advance } = capture({ maxLinesPerKey: 3, windowMs: 60_000 });
    for (let i = 0; i < 1000; i++) logger.warn('sequence gap', { i });
    logger.warn('queue full, batches dropped');
    expect(parsed().map((l) => l.msg)).to.deep.equal(['sequence gap', 'sequence gap', 'sequence gap', 'queue full, batches dropped']);
    advance(60_000);
    logger.warn('sequence gap', { i: 1000 });
    const after = parsed().slice(4);
    expect(after[0]).to.deep.include({ level: 'warn', msg: 'suppressed similar log lines', suppressed: 997, similar_to: 'sequence gap', window_s: 60 });
    expect(after[1]).to.deep.include({ msg: 'sequence gap', i: 1000 });
  });

  it('keeps counting per message, not across messages, and flushSuppressed reports what is pending', () => {
    const { logger, parsed } = capture({ maxLinesPerKey: 1 });
    logger.warn('a');
    logger.warn('a');
    logger.warn('b');
    logger.warn('b');
    logger.warn('b');
    logger.flushSuppressed();
    expect(parsed().map((l) => [l.msg, l.similar_to, l.suppressed])).to.deep.equal([
      ['a', undefined, undefined],
      ['b', undefined, undefined],
      ['suppressed similar log lines', 'a', 1],
      ['suppressed similar log lines', 'b', 2],
    ]);
  });

  it('writes readable text lines in text format', () => {
    const { logger, lines } = capture({ format: 'text' });
    logger.warn('zeek disconnected', { code: 1006, reason: 'Abnormal closure' });
    expect(lines[0]).to.equal('2026-11-26T12:00:00.000Z WARN  zeek disconnected code=1006 reason="Abnormal closure"\n');
  });
});
