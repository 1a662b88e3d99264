// Selective receive: matching, order of unmatched messages, `after` timeouts and `since`.
import { afterEach, describe, expect, it } from 'vitest';
import { TIMEOUT, type Ref } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';
import { BODY_STYLES, receiving } from '../support/bodies.js';

afterEach(stopRuntimes);

const isNumber = (m: unknown): m is number => typeof m === 'number';
const isTagged = (tag: string) => (m: unknown): boolean => (m as { t?: unknown })?.t === tag;
const never = (): boolean => false;

describe.each(BODY_STYLES)('selective receive in a %s body', (style) => {
  it('takes the first matching message and leaves the unmatched ones queued in order', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isNumber], () => [never]], results));
    for (const message of ['a', 1, 'b', 2]) rt.send(pid, message);
    await rt.idle();
    expect(results).toEqual([1]);
    expect(rt.messages(pid)).toEqual(['a', 'b', 2]);
  });

  it('gives the skipped messages to later receives in their arrival order', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isNumber], () => [isNumber], () => [], () => []], results));
    for (const message of ['a', 1, 'b', 2]) rt.send(pid, message);
    await rt.idle();
    expect(results).toEqual([1, 2, 'a', 'b']);
  });

  it('takes the earliest queued message that any of several matchers accepts', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isTagged('a'), isTagged('b')], () => [never]], results));
    for (const message of ['x', { t: 'b' }, { t: 'a' }]) rt.send(pid, message);
    await rt.idle();
    expect(results).toEqual([{ t: 'b' }]);
    expect(rt.messages(pid)).toEqual(['x', { t: 'a' }]);
  });

  it('waits in the receive until a matching message arrives', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isNumber]], results));
    await rt.idle();
    expect(rt.processInfo(pid)?.status).toBe('waiting');
    rt.send(pid, 'no');
    await rt.idle();
    expect(results).toEqual([]);
    rt.send(pid, 7);
    await rt.idle();
    expect(results).toEqual([7]);
  });

  it('returns TIMEOUT at once from after: 0 when nothing matches', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    rt.spawn(receiving(style, [() => [isNumber, { after: 0 }]], results, (self) => self.send(self.pid, 'text')));
    await rt.idle();
    expect(results).toEqual([TIMEOUT]);
  });

  it('returns a queued matching message from after: 0', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    rt.spawn(receiving(style, [() => [isNumber, { after: 0 }]], results, (self) => self.send(self.pid, 5)));
    await rt.idle();
    expect(results).toEqual([5]);
  });

  it('times out exactly after N ms of virtual time, not before', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isNumber, { after: 100 }]], results));
    await rt.idle();
    await clock.advance(99);
    expect(results).toEqual([]);
    expect(rt.processInfo(pid)?.status).toBe('waiting');
    await clock.advance(1);
    expect(results).toEqual([TIMEOUT]);
  });

  it('lets a matching message that arrives before the timeout win', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isNumber, { after: 100 }]], results));
    await clock.advance(50);
    rt.send(pid, 42);
    await rt.idle();
    expect(results).toEqual([42]);
    expect(rt.pendingTimers).toBe(0);
    await clock.advance(100);
    expect(results).toEqual([42]);
  });

  it('still times out when only non-matching messages arrive meanwhile', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(receiving(style, [() => [isNumber, { after: 100 }], () => [never]], results));
    await clock.advance(50);
    rt.send(pid, 'not a number');
    await clock.advance(50);
    expect(results).toEqual([TIMEOUT]);
    expect(rt.messages(pid)).toEqual(['not a number']);
  });

  it('skips messages queued before the ref of a receive `since` that ref', async () => {
    const { rt } = startRuntime();
    const results: unknown[] = [];
    let ref: Ref | undefined;
    const isReply = isTagged('reply');
    const pid = rt.spawn(
      receiving(style, [() => [isReply, { since: ref }], () => [never]], results, (self) => {
        self.send(self.pid, { t: 'reply', n: 'older' }); // would match, but predates the ref
        ref = self.makeRef();
        self.send(self.pid, { t: 'reply', n: 'newer' });
      }),
    );
    await rt.idle();
    expect(results).toEqual([{ t: 'reply', n: 'newer' }]);
    expect(rt.messages(pid)).toEqual([{ t: 'reply', n: 'older' }]);
  });

  it('crashes the process with an error reason when a matcher throws on a queued message', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const boom = new Error('matcher failed');
    const pid = rt.spawn(
      receiving(style, [() => [() => { throw boom; }]], [], (self) => self.send(self.pid, 'anything')),
    );
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('crashes the process with an error reason when a matcher throws on a later message', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const boom = new Error('matcher failed later');
    const pid = rt.spawn(receiving(style, [() => [(m: unknown) => { if (m === 'bad') throw boom; return false; }]], []));
    await rt.idle();
    rt.send(pid, 'fine');
    await rt.idle();
    expect(rt.isAlive(pid)).toBe(true);
    rt.send(pid, 'bad');
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('sleeps for the given virtual time without consuming messages', async () => {
    const { rt, clock } = startRuntime();
    const woke: number[] = [];
    const pid = rt.spawn(
      style === 'generator'
        ? function* (self) { yield* self.sleep(30); woke.push(clock.now()); yield* self.receive(never); }
        : async (self) => { await self.sleep(30); woke.push(clock.now()); await self.receive(never); },
    );
    rt.send(pid, 'kept');
    await clock.advance(29);
    expect(woke).toEqual([]);
    await clock.advance(1);
    expect(woke).toEqual([30]);
    expect(rt.messages(pid)).toEqual(['kept']);
  });
});

describe('receive arguments', () => {
  it('throws a TypeError naming the matcher that is not a function', async () => {
    const { rt } = startRuntime();
    const errors: unknown[] = [];
    rt.spawn(function* (self) {
      try {
        yield* (self.receive as (...a: unknown[]) => Iterable<unknown>)(never, 'oops', { after: 0 });
      } catch (error) {
        errors.push(error);
      }
    });
    await rt.idle();
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(String(errors[0])).toMatch(/matcher 2/);
  });

  it.each([-1, Number.NaN, '10'])('throws a TypeError for after: %s', async (after) => {
    const { rt } = startRuntime();
    const errors: unknown[] = [];
    rt.spawn(function* (self) {
      try {
        yield* self.receive({ after: after as number });
      } catch (error) {
        errors.push(error);
      }
    });
    await rt.idle();
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(String(errors[0])).toMatch(/after/);
  });

  it('refuses to be awaited inside a generator body', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(function* (self) {
      yield* self.await(Promise.resolve().then(() => self.receive()));
    });
    await rt.idle();
    const reason = exits.get(pid.key) as { kind: string; error: unknown };
    expect(reason.kind).toBe('error');
    expect(String(reason.error)).toMatch(/yield\*/);
  });
});

describe('concurrent receives', () => {
  it('throws ConcurrentReceiveError when an async body starts a receive while another waits', async () => {
    const { rt } = startRuntime();
    const errors: unknown[] = [];
    const pid = rt.spawn(async (self) => {
      const first = self.receive();
      try {
        await self.receive();
      } catch (error) {
        errors.push(error);
      }
      await first;
    });
    await rt.idle();
    rt.send(pid, 'one');
    await rt.idle();
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['concurrent_receive']);
    expect(rt.isAlive(pid)).toBe(false);
  });
});

describe('a Receive in a generator body', () => {
  it('waits again when delegated to a second time with an `after`', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      const wait = self.receive({ after: 10 });
      got.push(yield* wait);
      got.push(yield* wait);
    });
    await rt.idle();
    clock.advance(10);
    await rt.idle();
    expect(got).toEqual([TIMEOUT]);
    clock.advance(10);
    await rt.idle();
    expect(got).toEqual([TIMEOUT, TIMEOUT]);
  });
});

describe('receive timeouts started at the end of the scheduler loop', () => {
  it('makes no timer for a timed receive that a message satisfies within the same loop', async () => {
    const { rt, clock } = startRuntime();
    let armed = -1;
    const results: unknown[] = [];
    const echo = rt.spawn(function* (self) {
      const from = (yield* self.receive()) as import('@troupe/runtime').Pid;
      self.send(from, 'pong');
    });
    rt.spawn(function* (self) {
      self.send(echo, self.pid);
      results.push(yield* self.receive({ after: 5_000 }));
      armed = clock.pendingTimers;
    });
    await rt.idle();
    expect(results).toEqual(['pong']);
    expect(armed).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('still times out exactly `after` ms after the wait began when nothing comes', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    rt.spawn(function* (self) {
      results.push(yield* self.receive({ after: 100 }));
    });
    await rt.idle();
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(99);
    expect(results).toEqual([]);
    await clock.advance(1);
    expect(results).toEqual([TIMEOUT]);
  });

  it('starts no timer for a process that ended within the loop it began waiting in', async () => {
    const { rt, clock } = startRuntime();
    const waiter = rt.spawn(function* (self) {
      yield* self.receive({ after: 1_000 });
    });
    rt.spawn(function* (self) {
      self.exit(waiter, 'kill');
    });
    await rt.idle();
    expect(rt.isAlive(waiter)).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('an async receive with matchers woken by the sender', () => {
  it('takes the matching message at once and leaves the others queued in order', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(async (self) => {
      got.push(await self.receive(isNumber));
      got.push(await self.receive(isNumber));
    });
    await rt.idle();
    rt.spawn(function* (self) {
      for (const message of ['a', 1, 'b', 2, 'c']) self.send(pid, message);
    });
    await rt.idle();
    expect(got).toEqual([1, 2]);
    expect(rt.isAlive(pid)).toBe(false);
  });

  it('ends the receiver, not the sender, when a matcher throws on the new message', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const picky = (message: unknown): boolean => {
      if (message === 'poison') throw new Error('matcher failed');
      return message === 'wanted';
    };
    const receiver = rt.spawn(async (self) => {
      await self.receive(picky);
    });
    await rt.idle();
    let sentAfter = false;
    const sender = rt.spawn(function* (self) {
      self.send(receiver, 'poison');
      sentAfter = true;
      yield* self.receive({ after: 0 });
    });
    await rt.idle();
    expect(sentAfter).toBe(true);
    expect(exits.get(sender.key)).toBe('normal');
    const reason = exits.get(receiver.key) as { kind: string; error: Error };
    expect(reason.kind).toBe('error');
    expect(reason.error.message).toBe('matcher failed');
  });
});
