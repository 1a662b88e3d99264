// A Receive reused across waits: a generator's plain receive op must not keep the last
// message alive, and an op delegated to twice must time out the second time too.
import { afterEach, describe, expect, it } from 'vitest';
import { TIMEOUT, type Pid, type ProcessContext, type Runtime } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (the runtime vitest project does)');
  gc();
  gc();
}

/** Sends a fresh object and returns only a weak handle on it. */
function sendWeak(rt: Runtime, pid: Pid): WeakRef<object> {
  const message = { payload: new Array(1000).fill(1) };
  rt.send(pid, message);
  return new WeakRef(message);
}

// A helper generator, so the body's own frame never holds the received value.
function* takeOne(self: ProcessContext): Generator<unknown, void, unknown> {
  yield* self.receive();
}

describe('the reused plain receive op of a generator body', () => {
  it('does not keep the last message alive after the body dropped it', async () => {
    // On the BEAM a received term the code no longer refers to is garbage. The per-process
    // op (Process #aux) keeps it as its IteratorResult `value` until the next plain receive.
    const { rt } = startRuntime();
    const pid = rt.spawn(function* (self) {
      yield* takeOne(self);
      yield* self.receive(() => false);
    });
    await rt.idle();
    const weak = sendWeak(rt, pid);
    await rt.idle();
    await new Promise((resolve) => setImmediate(resolve));
    fullGc();
    expect(rt.processInfo(pid)?.waitingFor).toBe('receive message matching 1 pattern(s)');
    expect(weak.deref()).toBeUndefined();
  });
});

describe('a Receive with after delegated to twice', () => {
  // [Symbol.iterator]() now restarts the op on every yield*, but does not clear `timer`:
  // the first wait's timer is cancelled (satisfy) yet left in op.timer, so the second
  // wait's armTimeout sees a timer and starts none — the receive never times out.
  it('times out the second wait when the first was ended by a message after its timer started', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(function* (self) {
      const receive = self.receive((m) => m === 'x', { after: 100 });
      got.push(yield* receive);
      got.push(yield* receive);
    });
    await rt.idle();
    await clock.advance(10);
    rt.send(pid, 'x');
    await rt.idle();
    await clock.advance(100);
    expect(got).toEqual(['x', TIMEOUT]);
    expect(rt.pendingTimers).toBe(0);
  });
});
