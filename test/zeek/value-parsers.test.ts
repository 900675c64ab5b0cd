// TSV integer columns (count, int, port) read by a digit loop must give what Number() gives, and refuse what it refused.
import { expect } from 'chai';
import { BadValueError, columnConverter } from '../../src/zeek/value-parsers.js';

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
