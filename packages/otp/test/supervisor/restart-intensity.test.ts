// Checks supervisor(3) "Supervision Principles, Restart Intensity and Period": more than
// `intensity` restarts within `period` make the supervisor give up; older ones stop counting.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@troupe/runtime/testing';
import { RestartIntensity } from '../../src/supervisor/restart-intensity.js';

describe('RestartIntensity', () => {
  it('allows `intensity` restarts in the window and refuses one more', () => {
    const clock = new VirtualClock();
    const window = new RestartIntensity(3, 1000, clock);
    expect([window.record(), window.record(), window.record()]).toEqual(['ok', 'ok', 'ok']);
    expect(window.record()).toBe('exceeded');
  });

  it('forgets restarts older than the period; one exactly `period` ago still counts (as in OTP)', async () => {
    const clock = new VirtualClock();
    const window = new RestartIntensity(1, 1000, clock);
    expect(window.record()).toBe('ok');
    await clock.advance(1000);
    expect(window.record()).toBe('exceeded');
    const later = new RestartIntensity(1, 1000, clock);
    expect(later.record()).toBe('ok');
    await clock.advance(1001);
    expect(later.record()).toBe('ok');
    expect(later.count).toBe(1);
  });

  it('intensity 0 gives up at the first restart', () => {
    expect(new RestartIntensity(0, 5000, new VirtualClock()).record()).toBe('exceeded');
  });

  it('a long stream of restarts keeps exactly the ones inside the window', async () => {
    const clock = new VirtualClock();
    const window = new RestartIntensity(1_000_000, 100, clock);
    for (let i = 0; i < 5000; i++) {
      window.record();
      await clock.advance(1);
    }
    // Restarts at 4900..4999 are within 100 ms of 5000, and so is the one recorded now.
    expect(window.record()).toBe('ok');
    expect(window.count).toBe(101);
  });
});
