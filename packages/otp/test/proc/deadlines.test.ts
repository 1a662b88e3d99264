// Checks proc/deadlines.ts: many waits' timeouts kept with one re-armable wake-up, each
// expiring at its own time, removable in any order.
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/proc/deadlines.js';

function setup() {
  const host = { time: 0, wakeAt: undefined as number | undefined, now: () => host.time, wakeIn: (ms: number) => void (host.wakeAt = host.time + ms) };
  return { host, deadlines: new Deadlines<string>(host) };
}

describe('Deadlines', () => {
  it('asks for a wake-up at the earliest deadline and expires owners when their time has come', () => {
    const { host, deadlines } = setup();
    deadlines.add(100, 'a');
    expect(host.wakeAt).toBe(100);
    host.time = 10;
    deadlines.add(100, 'b');
    deadlines.add(50, 'c');
    expect(host.wakeAt).toBe(60);
    host.time = 60;
    expect(deadlines.expire()).toEqual(['c']);
    expect(host.wakeAt).toBe(100);
    host.time = 110;
    expect(deadlines.expire().sort()).toEqual(['a', 'b']);
  });

  it('a removed deadline never expires; a wake-up that finds nothing due re-arms for the next one', () => {
    const { host, deadlines } = setup();
    const a = deadlines.add(100, 'a');
    host.time = 50;
    const b = deadlines.add(100, 'b');
    deadlines.add(100, 'c');
    deadlines.remove(a);
    deadlines.remove(b);
    host.time = 100;
    expect(deadlines.expire()).toEqual([]);
    expect(host.wakeAt).toBe(150);
    host.time = 150;
    expect(deadlines.expire()).toEqual(['c']);
  });
});
