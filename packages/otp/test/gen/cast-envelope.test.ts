// Cast envelopes: casts of one atom-like request share a frozen envelope (no object per
// cast in a burst); any other request gets an envelope of its own, carrying it as sent.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, isCastMessage } from '@troupe/otp';
import { castEnvelope } from '../../src/gen/cast-envelope.js';

describe('cast envelopes', () => {
  it('casts of one atom-like request queue the same frozen envelope', async () => {
    const rt = new Runtime({ clock: new VirtualClock(), longScheduleMs: false, logger: silentLogger });
    const received: unknown[] = [];
    const pid = rt.spawn(function* (self: ProcessContext) {
      for (let i = 0; i < 3; i++) received.push(yield* self.receive());
    });
    for (let i = 0; i < 3; i++) GenServer.cast(rt, pid, 'increment');
    await rt.idle();
    expect(received).toHaveLength(3);
    expect(received[0]).toEqual({ kind: '$gen_cast', request: 'increment' });
    expect(received[1]).toBe(received[0]);
    expect(received[2]).toBe(received[0]);
    expect(Object.isFrozen(received[0])).toBe(true);
  });

  it('shares for strings, booleans, null and undefined; not for numbers or objects', () => {
    for (const request of ['stop', true, false, null, undefined]) {
      expect(castEnvelope(request)).toBe(castEnvelope(request));
      expect(castEnvelope(request).request).toBe(request);
    }
    const object = { add: 1 };
    for (const request of [7, -0, object]) {
      const envelope = castEnvelope(request);
      expect(envelope).not.toBe(castEnvelope(request));
      expect(Object.is(envelope.request, request)).toBe(true);
      expect(isCastMessage(envelope)).toBe(true);
    }
  });

  it('stays correct past what the table keeps: a long string or the 65th distinct one gets its own', () => {
    const long = 'x'.repeat(65);
    expect(castEnvelope(long)).not.toBe(castEnvelope(long));
    for (let i = 0; i < 100; i++) expect(castEnvelope(`request-${i}`).request).toBe(`request-${i}`);
    expect(castEnvelope('request-99')).not.toBe(castEnvelope('request-99'));
  });

  // 'stop' and true: shared by the test above already, or first in the table when run alone.
  it('alternating requests each get their own shared envelope, never the last one handed out', () => {
    const stop = castEnvelope('stop');
    const yes = castEnvelope(true);
    for (let i = 0; i < 3; i++) {
      expect(castEnvelope('stop')).toBe(stop);
      expect(castEnvelope(true)).toBe(yes);
      expect(castEnvelope(null).request).toBeNull();
      expect(castEnvelope(7).request).toBe(7);
    }
    expect(stop.request).toBe('stop');
    expect(yes.request).toBe(true);
  });
});
