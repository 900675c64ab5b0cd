// Pins the NDJSON score line to what JSON.stringify/String would print (scores in 17 digits), so the hand-built fast
// paths cannot drift.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ScoredRecord } from '../../src/pipeline/record-scorer.js';
import { exactText, formatScoreLine, ScoreFileWriter } from '../../src/sinks/score-file.js';

function scored(overrides: Partial<ScoredRecord>): ScoredRecord {
  return {
    ts: 1710158400.123456, uid: 'CabcDEF123', stream: 'conn', origH: '10.0.0.1', origP: 51234, respH: '10.0.0.2', respP: 443,
    proto: 'tcp', score: 0.02637164831721925, threshold: 0.05754481710639056, probability: 0.016929431968450592,
    anomalous: false, top: [], model: 'm1', ...overrides,
  };
}

/** 17 significant digits with the fraction's trailing zeros dropped, written independently of exactText. */
function seventeenDigits(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'null';
  const [mantissa, exponent] = v.toPrecision(17).split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/0+$/, '').replace(/\.$/, '') : mantissa!;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/**
 * The line as JSON.stringify writes the same object, scores and probabilities in 17 digits: the format the
 * hand-built line must match byte for byte.
 */
function reference(s: ScoredRecord): string {
  const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  return JSON.stringify({
    ts: finite(s.ts), uid: s.uid, stream: s.stream, 'id.orig_h': s.origH, 'id.orig_p': finite(s.origP), 'id.resp_h': s.respH,
    'id.resp_p': finite(s.respP), proto: s.proto, score: '§score', threshold: '§threshold', p: '§p',
    anomalous: s.anomalous, model: s.model,
  }).replace('"§score"', seventeenDigits(s.score)).replace('"§threshold"', seventeenDigits(s.threshold)).replace('"§p"', seventeenDigits(s.probability)) + '\n';
}

describe('formatScoreLine', () => {
  it('writes timestamps exactly as String does, across microsecond, millisecond, whole and odd values', () => {
    const values = [0, 0.5, 1, 1.000001, 1.0000001, 100, 123.1, 1710158400, 1710158400.1, 1710158400.000001, 1710158400.10001,
      2147483647.000001, 2147483648.5, 4294967295.999999, 4294967295.9999995, 4294967296, 4294967296.000002, 1e21, -1, -1710158400.5];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 20000; i++) {
      values.push(1710158400 + Math.round(random() * 86400e6) / 1e6, Math.round(random() * 4294967296e3) / 1e3, random() * 4294967296);
    }
    for (const ts of values) expect(formatScoreLine(scored({ ts })), String(ts)).to.equal(reference(scored({ ts })));
  });

  it('writes null for a missing or non-finite timestamp', () => {
    for (const ts of [null, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatScoreLine(scored({ ts }))).to.contain('{"ts":null,');
  });

  it('escapes strings exactly as JSON.stringify does, including quotes, backslashes, control characters and surrogates', () => {
    for (const uid of ['plain', '', 'a"b', 'a\\b', 'tab\there', 'nl\n', '\u0001', '\u007f', 'é', '\ud83d\ude00', 'lone\ud800', 'lone\udc00x']) {
      expect(formatScoreLine(scored({ uid, origH: uid }))).to.equal(reference(scored({ uid, origH: uid })));
    }
  });
});

describe('exactText', () => {
  it('writes every double so that it reads back as itself, in at most 17 significant digits, as valid JSON', () => {
    let seed = 99;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values = [0, -0, 1, 0.5, 0.1, 1 / 3, 2 ** -1074, Number.MIN_VALUE, Number.MAX_VALUE, 1e21, 1e-7, 123456789012345680, 5e-324, 0.026371648319555973];
    for (let i = 0; i < 20000; i++) values.push(random() * 10 ** Math.floor(random() * 40 - 30), -random() * 1e5, Math.sqrt(random()) / 7);
    for (const v of values) {
      const text = exactText(v);
      expect(Number(text), text).to.equal(Object.is(v, -0) ? 0 : v);
      expect(JSON.parse(text), text).to.equal(Number(text));
      expect(text.replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').length, text).to.be.at.most(17);
      if (text.includes('.')) expect(text.replace(/e.*$/, ''), text).to.not.match(/0$/);
    }
    for (const v of [null, Number.NaN, Number.POSITIVE_INFINITY]) expect(exactText(v)).to.equal('null');
  });

  it('gives String()\'s text whenever that already has 17 significant digits', () => {
    for (let i = 1; i < 5000; i++) {
      const v = Math.sqrt(i) / 97;
      const shortest = String(v);
      const digits = (t: string) => t.replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').length;
      if (digits(shortest) === 17) expect(exactText(v)).to.equal(shortest);
    }
  });
});

describe('ScoreFileWriter', () => {
  it('writes to the file exactly the UTF-8 of formatScoreLine, across escapes, non-ASCII, explanations, numbers, long values and worker lines', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'azw-score-file-'));
    try {
      const file = path.join(dir, 'scores.ndjson');
      const writer = new ScoreFileWriter(file);
      const uids = ['plain', '', 'a"b', 'tab\there', 'é', 'straße', '\ud83d\ude00', 'lone\ud800', '日本'];
      const expected: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const record = scored({
          uid: `${uids[i % uids.length]}${i}`,
          origH: i % 7 === 0 ? null : `10.0.${i % 256}.1`,
          origP: i % 11 === 0 ? Number.NaN : i,
          // every digit count, the edges of the digit-by-digit path and what falls outside it
          respP: [0, -0, 9, 10, 99, 100, 999, 1000, 65535, 99999999, 999999999, 1e9, 2 ** 31, -5, 1.5, 1e21, i][i % 17]!,
          score: i / 7,
          probability: i % 13 === 0 ? Number.POSITIVE_INFINITY : 1 / (i + 1),
          anomalous: i % 5 === 0,
          // every 500th line is far longer than the writer's buffer, so it must grow rather than overrun
          // explanations plain ASCII, with non-ASCII, with escapes, one or two of them
          top:
            i % 5 === 0
              ? [
                  { feature: 'conn.duration_log', says: `duration: ${i} s, typical 1–3 ≤ ${'x'.repeat(i % 500 === 0 ? 100_000 : 10)}`, error: 1 },
                  ...(i % 3 === 0 ? [{ feature: 'conn.resp_port:unseen', says: `responder port is a value never seen in training: ${i}`, error: 0.5 }] : []),
                  ...(i % 7 === 0 ? [{ feature: 'http.method:unseen', says: `request method is a value never seen in training: "G\u0001\n${uids[i % uids.length]}"`, error: 0.2 }] : []),
                ]
              : [],
        });
        if (i % 100 === 50) {
          // lines formatted elsewhere (a scoring worker) arrive as text and keep their place
          const text = formatScoreLine(record) + formatScoreLine(scored({ uid: `worker${i}` }));
          writer.writeLines(text, 2);
          expected.push(text);
        } else {
          writer.write(record);
          expected.push(formatScoreLine(record));
        }
      }
      await writer.close();
      expect(writer.lines).to.equal(3000 + 30);
      const written = readFileSync(file);
      expect(written.equals(Buffer.from(expected.join('')))).to.equal(true);
      for (const line of written.toString('utf8').trimEnd().split('\n')) JSON.parse(line);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reuses its buffers only once the file has them: many flushes with writes in flight keep every byte', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'azw-score-file-'));
    try {
      const file = path.join(dir, 'scores.ndjson');
      const writer = new ScoreFileWriter(file);
      const expected: string[] = [];
      for (let i = 0; i < 40_000; i++) {
        const record = scored({ uid: `C${i}`, origP: i % 65536, score: i / 3 });
        writer.write(record);
        expected.push(formatScoreLine(record));
        // let write callbacks run (buffers come back) while later buffers are still being written
        if (i % 97 === 0) await new Promise((resolve) => setImmediate(resolve));
        if (i % 1000 === 0) await writer.flush();
      }
      await writer.close();
      expect(readFileSync(file).equals(Buffer.from(expected.join('')))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
