// The after-timer of a receive entered while the scheduler runs a turn starts when the
// turn ends. The wait never ends early (at least `after` ms, as on the BEAM); a turn that
// holds the thread for L ms makes it up to L late — no timer could fire during the turn,
// and the long-schedule monitor reports such a slice. The clock below is moved by a
// process's slice to stand for the time that slice held the thread.
import { afterEach, describe, expect, it } from 'vitest';
import { TIMEOUT } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { ManualClock } from '../support/manual-clock.js';

afterEach(stopRuntimes);

describe('deadline of a receive timeout started inside a long turn', () => {
  it('counts `after` from the end of the turn it began in, never less than from its entry', async () => {
    const clock = new ManualClock();
    const { rt } = startRuntime({ clock });
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      got.push(yield* self.receive(() => false, { after: 100 }));
    });
    rt.spawn(function* () {
      clock.nowMs += 500; // this slice held the thread for 500 ms
    });
    await rt.idle();
    clock.advance(99);
    await rt.idle();
    expect(got).toEqual([]);
    clock.advance(1);
    await rt.idle();
    expect(got).toEqual([TIMEOUT]);
  });
});
