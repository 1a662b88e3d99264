// The reused plain receive op (one per generator process, one shared by every async body)
// and receive's argument reading.
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrentReceiveError, TIMEOUT, type Pid } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('the reused plain receive of a generator body', () => {
  it('one stored Receive delegated to several times takes one message each time, in order', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(function* (self) {
      const first = self.receive();
      const second = self.receive();
      got.push(yield* first);
      got.push(yield* self.receive((m) => m === 'c'));
      got.push(yield* second);
      got.push(yield* first);
    });
    for (const m of ['a', 'b', 'c', 'd']) rt.send(pid, m);
    await rt.idle();
    expect(got).toEqual(['a', 'c', 'b', 'd']);
  });

  it('interleaves with await, yield and a rejection thrown into the body', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    let release!: (v: string) => void;
    const pid = rt.spawn(function* (self) {
      got.push(yield* self.receive());
      got.push(yield* self.await(new Promise<string>((resolve) => (release = resolve))));
      got.push(yield* self.receive());
      yield* self.yield();
      try {
        yield* self.await(Promise.reject(new Error('nope')));
      } catch (error) {
        got.push((error as Error).message);
      }
      got.push(yield* self.receive());
    });
    rt.send(pid, 1);
    await rt.idle();
    expect(rt.processInfo(pid)?.waitingFor).toBe('promise');
    rt.send(pid, 2);
    rt.send(pid, 3);
    release('awaited');
    await rt.idle();
    expect(got).toEqual([1, 'awaited', 2, 'nope', 3]);
  });

  it('process info names the plain wait, then the selective one', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(function* (self) {
      yield* self.receive();
      yield* self.receive(() => false, { after: 100 });
    });
    await rt.idle();
    expect(rt.processInfo(pid)?.waitingFor).toBe('receive any message');
    rt.send(pid, 'go');
    await rt.idle();
    expect(rt.processInfo(pid)?.waitingFor).toBe('receive message matching 1 pattern(s), after 100 ms');
  });

  it('an exception caught around a plain receive leaves the op usable', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(function* (self) {
      got.push(yield* self.receive());
      try {
        yield* self.receive((m) => {
          if (m === 'bad') throw new Error('matcher threw');
          return false;
        }, { after: 0 });
      } catch (error) {
        got.push((error as Error).message);
      }
      got.push(yield* self.receive());
      got.push(yield* self.receive());
    });
    rt.send(pid, 'first');
    rt.send(pid, 'bad');
    await rt.idle();
    rt.send(pid, 'last');
    await rt.idle();
    expect(got).toEqual(['first', 'matcher threw', 'bad', 'last']);
  });
});

describe('the plain receive op shared by async bodies', () => {
  it('many async processes waiting at once each get their own message', async () => {
    const { rt } = startRuntime();
    const got = new Map<string, unknown[]>();
    const pids: Pid[] = [];
    for (let i = 0; i < 50; i++) {
      pids.push(
        rt.spawn(async (self) => {
          const mine: unknown[] = [];
          got.set(self.pid.key, mine);
          for (;;) mine.push(await self.receive());
        }),
      );
    }
    await rt.idle();
    for (let round = 0; round < 3; round++) pids.forEach((pid, i) => rt.send(pid, `${i}:${round}`));
    rt.exit(pids[0]!, 'kill');
    await rt.idle();
    pids.slice(1).forEach((pid, j) => expect(got.get(pid.key)).toEqual([0, 1, 2].map((r) => `${j + 1}:${r}`)));
    expect(rt.processInfo(pids[1]!)?.waitingFor).toBe('receive any message');
  });

  it('a second receive while the first is pending still throws ConcurrentReceiveError', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(async (self) => {
      const pending = self.receive();
      try {
        self.receive();
      } catch (error) {
        got.push(error instanceof ConcurrentReceiveError);
      }
      got.push(await pending);
    });
    await rt.idle();
    rt.send(pid, 'm');
    await rt.idle();
    expect(got).toEqual([true, 'm']);
  });
});

describe('receive arguments read in place', () => {
  it('validates matchers and options as before', async () => {
    const { rt } = startRuntime();
    const errors: string[] = [];
    const exits = recordExits(rt);
    const pid = rt.spawn(function* (self) {
      const bad: unknown[][] = [[1], [() => true, 'x'], [{ after: -1 }], [{ after: Number.NaN }], [() => true, 2, {}]];
      for (const args of bad) {
        try {
          (self.receive as (...a: unknown[]) => unknown)(...args);
          errors.push('accepted');
        } catch (error) {
          errors.push((error as Error).constructor.name);
        }
      }
      const two = yield* self.receive((m) => m === 2, (m) => m === 3, { after: 0 });
      errors.push(String(two));
    });
    rt.send(pid, 1);
    rt.send(pid, 3);
    await rt.idle();
    expect(errors).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', '3']);
    expect(exits.get(pid.key)).toBe('normal');
  });

  it('receive({}) and receive({ after: undefined }) wait forever', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    rt.spawn(async (self) => {
      got.push(await self.receive({}));
    });
    rt.spawn(function* (self) {
      got.push(yield* self.receive({ after: undefined }));
    });
    await clock.advance(1e9);
    expect(got).toEqual([]);
    expect(got).not.toContain(TIMEOUT);
  });
});
