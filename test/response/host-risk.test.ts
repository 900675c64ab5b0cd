import { expect } from 'chai';
import { HostRiskTable } from '../../src/response/host-risk.js';

describe('HostRiskTable', () => {
  it('halves a quiet host risk every half-life, by record time', () => {
    const table = new HostRiskTable({ halfLifeSeconds: 60 });
    table.add('10.0.0.1', 'originator', 8, 1000);
    expect(table.risk('10.0.0.1', 'originator', 1060)).to.be.closeTo(4, 1e-12);
    expect(table.risk('10.0.0.1', 'originator', 1180)).to.be.closeTo(1, 1e-12);
  });

  it('adds new risk on top of the decayed risk', () => {
    const table = new HostRiskTable({ halfLifeSeconds: 60 });
    table.add('h', 'originator', 4, 0);
    expect(table.add('h', 'originator', 1, 60)).to.be.closeTo(3, 1e-12);
  });

  it('keeps roles apart: a victim is not charged with its attacker risk', () => {
    const table = new HostRiskTable();
    table.add('10.0.0.9', 'responder', 5, 0);
    expect(table.risk('10.0.0.9', 'originator', 0)).to.equal(0);
    expect(table.risk('10.0.0.9', 'responder', 0)).to.equal(5);
  });

  it('does not let an out-of-order record move time backwards', () => {
    const table = new HostRiskTable({ halfLifeSeconds: 10 });
    table.add('h', 'originator', 2, 100);
    table.add('h', 'originator', 2, 50);
    expect(table.risk('h', 'originator', 100)).to.equal(4);
  });

  it('forgets the least recently touched host at the cap and counts it', () => {
    const table = new HostRiskTable({ maxHosts: 3 });
    for (const h of ['a', 'b', 'c']) table.add(h, 'originator', 1, 0);
    table.add('a', 'originator', 1, 1); // a is now the most recent
    table.add('d', 'originator', 1, 2);
    expect(table.size).to.equal(3);
    expect(table.evictions).to.equal(1);
    expect(table.risk('b', 'originator', 2)).to.equal(0);
    expect(table.risk('a', 'originator', 2)).to.be.greaterThan(0);
  });

  it('lists the riskiest hosts first', () => {
    const table = new HostRiskTable();
    table.add('low', 'originator', 1, 0);
    table.add('high', 'originator', 9, 0);
    table.add('mid', 'responder', 5, 0);
    expect(table.top(2, 0).map((t) => t.host)).to.deep.equal(['high', 'mid']);
  });
});
