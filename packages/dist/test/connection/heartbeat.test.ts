// Heartbeat on a virtual clock: ticks on idle, none while writing, down after four silent intervals.
import { VirtualClock } from '@troupe/runtime/testing';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/connection/heartbeat.js';

function setup(tickTimeMs = 1000) {
  const clock = new VirtualClock();
  const io = { read: 0, written: 0, ticks: 0, timeouts: 0 };
  const heartbeat = new Heartbeat({
    clock,
    tickTimeMs,
    bytesRead: () => io.read,
    bytesWritten: () => io.written,
    tick: () => {
      io.ticks++;
      io.written += 8; // as if flushed at once
      return 8;
    },
    timeout: () => io.timeouts++,
  });
  return { clock, io, heartbeat };
}

describe('Heartbeat', () => {
  it('ticks an idle connection every quarter of the tick time', async () => {
    const { clock, io, heartbeat } = setup();
    heartbeat.start();
    for (let i = 0; i < 4; i++) {
      io.read++; // the peer ticks too
      await clock.advance(250);
    }
    expect(io.ticks).toBe(4);
    expect(io.timeouts).toBe(0);
    heartbeat.stop();
  });

  it('does not tick while other data is being written', async () => {
    const { clock, io, heartbeat } = setup();
    heartbeat.start();
    for (let i = 0; i < 8; i++) {
      io.read++;
      io.written += 100;
      await clock.advance(250);
    }
    expect(io.ticks).toBe(0);
    heartbeat.stop();
  });

  it('declares the peer down after four intervals without a byte, within ¾ to 1 tick time', async () => {
    const { clock, io, heartbeat } = setup();
    heartbeat.start();
    await clock.advance(700);
    expect(io.timeouts).toBe(0);
    await clock.advance(300);
    expect(io.timeouts).toBe(1);
    await clock.advance(5000);
    expect(io.timeouts).toBe(1);
  });

  it('any byte read restarts the count', async () => {
    const { clock, io, heartbeat } = setup();
    heartbeat.start();
    await clock.advance(750);
    io.read += 1; // seen at the check at 1000 ms: four silent checks more end at 2000 ms
    await clock.advance(1000);
    expect(io.timeouts).toBe(0);
    await clock.advance(250);
    expect(io.timeouts).toBe(1);
  });

  it('stops for good', async () => {
    const { clock, io, heartbeat } = setup();
    heartbeat.start();
    heartbeat.stop();
    await clock.advance(10_000);
    expect(io).toMatchObject({ ticks: 0, timeouts: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a tick time too small to split in four', () => {
    expect(() => setup(2)).toThrow(TypeError);
  });
});
