// TSV integer columns (count, int, port) read by a digit loop must give what Number() gives, and refuse what it refused.
import { expect } from 'chai';
import { BadValueError, columnConverter, parseSimpleDecimalAt, parseSimpleIntegerAt } from '../../src/zeek/value-parsers.js';

const MARKERS = { setSeparator: ',', emptyField: '(empty)', unsetField: '-' };

describe('TSV integer columns', () => {
  const count = columnConverter('count', MARKERS);
  const int = columnConverter('int', MARKERS);
  const port = columnConverter('port', MARKERS);
  const counts = columnConverter('vector[count]', MARKERS);

  it('reads integers exactly as Number() does, signs and leading zeros included', () => {
    for (const text of ['0', '7', '0007', '+7', '-7', '65535', '123456789012345', '999999999999999', '1234567890123456789', '-9007199254740993']) {
      expect(Object.is(int(text), Number(text)), text).to.equal(true);
    }
    expect(Object.is(int('-0'), -0)).to.equal(true);
    expect(count('18446744073709551615')).to.equal(Number('18446744073709551615'));
    expect(counts('1,22,-')).to.deep.equal([1, 22, null]);
  });

  it('refuses text that is not a whole number, and ports out of range', () => {
    for (const text of ['', '+', '-1-', '12a', '1.5', '1e3', ' 1', '0x10', '١٢']) {
      expect(() => count(text), JSON.stringify(text)).to.throw(BadValueError);
    }
    expect(() => port('65536')).to.throw(BadValueError, /out of range/);
    expect(port('65535')).to.equal(65535);
    expect(count('-')).to.equal(undefined);
    expect(() => count('(empty)')).to.throw(BadValueError);
  });
});

describe('TSV numbers parsed in place', () => {
  /** Deterministic pseudo-random digits (a linear congruential generator), so a failure can be reproduced. */
  function digitsFrom(seed: number, count: number): string {
    let state = seed;
    let text = '';
    for (let i = 0; i < count; i++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      text += String(state % 10);
    }
    return text;
  }

  it('gives the same double as Number() for plain decimals, including the last bit of 16-digit timestamps', () => {
    const samples = ['0', '0.0', '5.', '.5', '1710158401.132482', '0.000292', '6.967518', '4294967295.999999', '0.1', '0.3',
      '9007199254740991', '123456789.123456789012', '00012.5000'];
    for (let seed = 1; seed <= 3000; seed++) {
      const whole = digitsFrom(seed, 1 + (seed % 10));
      samples.push(`${whole}.${digitsFrom(seed * 7, 1 + (seed % 9))}`);
    }
    for (const text of samples) {
      const padded = `x\t${text}\ty`;
      const value = parseSimpleDecimalAt(padded, 2, 2 + text.length);
      // a NaN (not the fast form) is fine: the caller falls back to Number(); a number must be Number()'s exactly
      if (!Number.isNaN(value)) expect(Object.is(value, Number(text)), text).to.equal(true);
    }
    expect(parseSimpleDecimalAt('1710158401.132482', 0, 17)).to.equal(1710158401.132482);
  });

  it('declines every form it does not read exactly, so the full parser decides', () => {
    for (const text of ['', '.', '-1.5', '+1', '1e3', '1.2.3', '1,5', 'nan', ' 1', '9007199254740993', '9007199254740992',
      '0.12345678901234567890123']) {
      expect(parseSimpleDecimalAt(text, 0, text.length), JSON.stringify(text)).to.be.NaN;
    }
    for (const text of ['', '-1', '+1', '1.0', '1234567890123456', '12a']) {
      expect(parseSimpleIntegerAt(text, 0, text.length), JSON.stringify(text)).to.be.NaN;
    }
    expect(parseSimpleIntegerAt('ab123456789012345cd', 2, 17)).to.equal(123456789012345);
    expect(parseSimpleIntegerAt('0007', 0, 4)).to.equal(7);
  });
});
