// Fairness: a process spinning in a tight send/receive loop must not starve other
// processes nor Node's own callbacks (timers, immediates, I/O).
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessBody } from '@troupe/runtime';
import { deferred, startRuntime, stopRuntimes } from '../support/runtime.js';
import { BODY_STYLES, type BodyStyle } from '../support/bodies.js';

afterEach(stopRuntimes);

// A safety bound, not part of the behaviour: if the spinner starves what the test waits
// for, it ends after this many rounds, the test sees it dead and fails instead of hanging.
const SPIN_ROUNDS = 1_000_000;

function spinner(style: BodyStyle): ProcessBody {
  if (style === 'generator') {
    return function* (self) {
      for (let i = 0; i < SPIN_ROUNDS; i++) {
        self.send(self.pid, i);
        yield* self.receive();
      }
    };
  }
  return async (self) => {
    for (let i = 0; i < SPIN_ROUNDS; i++) {
      self.send(self.pid, i);
      await self.receive();
    }
  };
}

describe.each(BODY_STYLES)('a %s process spinning on send/receive', (style) => {
  it('does not starve a process answering pings', async () => {
    const { rt } = startRuntime();
    const spin = rt.spawn(spinner(style));
    const responder = rt.spawn(function* (self) {
      for (;;) {
        const { from } = (yield* self.receive()) as { from: typeof spin };
        self.send(from, 'pong');
      }
    });
    const answered = deferred<boolean>();
    rt.spawn(function* (self) {
      self.send(responder, { from: self.pid });
      yield* self.receive((m) => m === 'pong');
      answered.resolve(rt.isAlive(spin));
    });
    expect(await answered.promise).toBe(true);
    rt.exit(spin, 'kill');
    await rt.idle();
    expect(rt.isAlive(spin)).toBe(false);
  });

  it('does not starve a Node setImmediate callback', async () => {
    const { rt } = startRuntime();
    const spin = rt.spawn(spinner(style));
    const spinnerAliveInCallback = await new Promise<boolean>((resolve) => setImmediate(() => resolve(rt.isAlive(spin))));
    expect(spinnerAliveInCallback).toBe(true);
    rt.exit(spin, 'kill');
    await rt.idle();
    expect(rt.processCount).toBe(0);
  });

  it('does not starve a Node setTimeout(…, 0) callback', async () => {
    const { rt } = startRuntime();
    const spin = rt.spawn(spinner(style));
    const spinnerAliveInCallback = await new Promise<boolean>((resolve) => setTimeout(() => resolve(rt.isAlive(spin)), 0));
    expect(spinnerAliveInCallback).toBe(true);
    rt.exit(spin, 'kill');
    await rt.idle();
    expect(rt.processCount).toBe(0);
  });
});
