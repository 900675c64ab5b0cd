// The bounded host table: dense slots, least-recently-seen eviction, idle expiry, growth.
import { expect } from 'chai';
import { HostTable } from '../../src/features/host-table.js';

function tableWithLog(maxHosts: number, expiryAgeSeconds = 1e9) {
  const cleared: number[] = [];
  const capacities: number[] = [];
  const table = new HostTable({ maxHosts, expiryAgeSeconds, initialCapacity: 16 }, {
    resize: (capacity) => capacities.push(capacity),
    clear: (slot) => cleared.push(slot),
  });
  return { table, cleared, capacities };
}

describe('HostTable', () => {
  it('gives a host the same slot while it stays, and a cleared slot when new', () => {
    const { table, cleared } = tableWithLog(10);
    const a = table.lookup('10.0.0.1', 0);
    const b = table.lookup('10.0.0.2', 1);
    expect(a).to.not.equal(b);
    expect(table.lookup('10.0.0.1', 2)).to.equal(a);
    expect(cleared).to.deep.equal([a, b]);
    expect(table.stats).to.deep.equal({ hosts: 2, evictions: 0, expired: 0 });
  });

  it('evicts the least recently seen host at the cap, reusing its slot', () => {
    const { table } = tableWithLog(3);
    const slotA = table.lookup('a', 0);
    table.lookup('b', 0);
    table.lookup('c', 0);
    table.lookup('a', 0); // a is now the most recent; b the least
    const slotD = table.lookup('d', 0);
    expect(table.stats).to.deep.equal({ hosts: 3, evictions: 1, expired: 0 });
    expect(table.lookup('a', 0)).to.equal(slotA);
    expect(table.lookup('b', 0)).to.not.equal(slotD); // b comes back as new, evicting c
    expect(table.stats.evictions).to.equal(2);
  });

  it('stays at the cap with every slot distinct under heavy churn', () => {
    const { table } = tableWithLog(50);
    for (let i = 0; i < 5000; i++) table.lookup(`h${i % 173}`, i);
    expect(table.stats.hosts).to.equal(50);
    const slots = new Set<number>();
    for (let i = 5000 - 50; i < 5000; i++) slots.add(table.lookup(`h${i % 173}`, 5000));
    expect(slots.size).to.equal(50);
    for (const slot of slots) expect(slot).to.be.within(0, 49);
  });

  it('expires hosts idle longer than the expiry age, oldest first', () => {
    const { table } = tableWithLog(100, 60);
    table.lookup('idle', 0);
    table.lookup('recent', 50);
    table.lookup('recent', 100);
    expect(table.stats).to.deep.equal({ hosts: 1, evictions: 0, expired: 1 });
  });

  it('grows its storage in steps up to maxHosts only', () => {
    const { table, capacities } = tableWithLog(40);
    for (let i = 0; i < 100; i++) table.lookup(`h${i}`, i);
    expect(capacities).to.deep.equal([16, 32, 40]);
    expect(table.lastSeen.length).to.equal(40);
  });

  it('forgets everything on clear()', () => {
    const { table } = tableWithLog(2);
    for (let i = 0; i < 5; i++) table.lookup(`h${i}`, i);
    table.clear();
    expect(table.stats).to.deep.equal({ hosts: 0, evictions: 0, expired: 0 });
    expect(table.lookup('h0', 0)).to.equal(0);
  });

  it('refuses a cap below one', () => {
    expect(() => tableWithLog(0)).to.throw(RangeError);
  });
});
