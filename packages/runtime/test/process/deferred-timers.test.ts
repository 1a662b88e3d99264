// Receive timeouts whose timer starts at the end of the scheduler's turn: the rules that
// must hold all the same (all on the virtual clock).
import { afterEach, describe, expect, it } from 'vitest';
import { TIMEOUT, type Pid } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';
import { BODY_STYLES, receiving } from '../support/bodies.js';

afterEach(stopRuntimes);

const never = (): boolean => false;

describe.each(BODY_STYLES)('deferred receive timers, %s body', (style) => {
  it('times out exactly after `after` ms when the receive started inside the loop', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    rt.spawn(receiving(style, [() => [never, { after: 100 }]], results));
    await rt.idle();
    expect(rt.pendingTimers).toBe(1);
    await clock.advance(99);
    expect(results).toEqual([]);
    await clock.advance(1);
    expect(results).toEqual([TIMEOUT]);
    expect(rt.pendingTimers).toBe(0);
  });

  it('after: 0 answers TIMEOUT at once and starts no timer', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    rt.spawn(receiving(style, [() => [never, { after: 0 }], () => [{ after: 0 }]], results));
    await rt.idle();
    expect(results).toEqual([TIMEOUT, TIMEOUT]);
    expect(rt.pendingTimers).toBe(0);
  });

  it('after: 0 still takes a queued match first', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    rt.spawn(receiving(style, [() => [(m: unknown) => m === 'b', { after: 0 }]], results, (self) => {
      self.send(self.pid, 'a');
      self.send(self.pid, 'b');
    }));
    await rt.idle();
    expect(results).toEqual(['b']);
  });

  it('starts no timer for a wait that a message ends within the same loop', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    const receiver = rt.spawn(receiving(style, [() => [(m: unknown) => m === 'go', { after: 100 }]], results));
    rt.spawn(function* (self) {
      self.send(receiver, 'noise');
      self.send(receiver, 'go');
    });
    await rt.idle();
    expect(results).toEqual(['go']);
    expect(rt.pendingTimers).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a non-matching message in the same loop does not lose or restart the timer', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    const receiver = rt.spawn(receiving(style, [() => [(m: unknown) => m === 'go', { after: 100 }]], results));
    rt.spawn(function* (self) {
      self.send(receiver, 'noise');
    });
    await rt.idle();
    expect(rt.pendingTimers).toBe(1);
    await clock.advance(60);
    rt.send(receiver, 'more noise');
    await rt.idle();
    await clock.advance(40);
    expect(results).toEqual([TIMEOUT]);
    expect(rt.messages(receiver)).toBeUndefined();
  });

  it('leaves no timer when the waiting process is killed in the loop that deferred it', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    let victim: Pid | undefined;
    rt.spawn(function* (self) {
      victim = self.spawn(receiving(style, [() => [never, { after: 100 }]], []));
      yield* self.yield(); // the victim runs and waits (timer deferred)
      self.exit(victim, 'kill');
    });
    await rt.idle();
    expect(exits.get(victim!.key)).toBe('killed');
    expect(rt.pendingTimers).toBe(0);
  });

  it('a trapped exit during the loop does not end the wait nor drop its timer', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    let waiter: Pid | undefined;
    rt.spawn(function* (self) {
      waiter = self.spawn(receiving(style, [() => [never, { after: 100 }]], results, (me) => me.trapExit(true)));
      yield* self.yield();
      self.exit(waiter, 'bye');
    });
    await rt.idle();
    expect(rt.messages(waiter!)).toMatchObject([{ kind: 'EXIT', reason: 'bye' }]);
    expect(rt.pendingTimers).toBe(1);
    await clock.advance(100);
    expect(results).toEqual([TIMEOUT]);
  });

  it('more than 256 receives deferred in one loop all time out on time', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    for (let i = 0; i < 700; i++) rt.spawn(receiving(style, [() => [never, { after: 50 + (i % 3) }]], results));
    await rt.idle();
    expect(rt.pendingTimers).toBe(700);
    await clock.advance(49);
    expect(results.length).toBe(0);
    await clock.advance(1);
    expect(results.length).toBe(234);
    await clock.advance(2);
    expect(results.length).toBe(700);
    expect(rt.pendingTimers).toBe(0);
  });

  it('shutdown with deferred waits pending leaves no timer armed on the clock', async () => {
    const { rt, clock } = startRuntime();
    for (let i = 0; i < 300; i++) rt.spawn(receiving(style, [() => [never, { after: 1000 }]], [], (self) => self.trapExit(true)));
    await rt.shutdown();
    expect(rt.pendingTimers).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('deferred receive timers, generator specifics', () => {
  it('re-waiting in the same Receive after its first wait timed out times out again', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      const receive = self.receive(never, { after: 100 });
      got.push(yield* receive);
      got.push(yield* receive);
    });
    await rt.idle();
    await clock.advance(100);
    expect(got).toEqual([TIMEOUT]);
    await clock.advance(99);
    expect(got).toEqual([TIMEOUT]);
    await clock.advance(1);
    expect(got).toEqual([TIMEOUT, TIMEOUT]);
  });

  it('re-waiting in the same Receive whose first wait ended within the loop (no timer yet) still times out', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      const receive = self.receive((m: unknown) => m === 'x', { after: 100 });
      self.send(self.pid, 'x');
      got.push(yield* receive);
      got.push(yield* receive);
    });
    await rt.idle();
    await clock.advance(100);
    expect(got).toEqual(['x', TIMEOUT]);
    expect(rt.pendingTimers).toBe(0);
  });

  it('a wait started with the budget spent (requeued) keeps its after', async () => {
    const { rt, clock } = startRuntime({ reductionsPerSlice: 3 });
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      for (let i = 0; i < 5; i++) self.send(self.pid, i);
      got.push(yield* self.receive(never, { after: 30 }));
    });
    await rt.idle();
    await clock.advance(29);
    expect(got).toEqual([]);
    await clock.advance(1);
    expect(got).toEqual([TIMEOUT]);
  });
});
