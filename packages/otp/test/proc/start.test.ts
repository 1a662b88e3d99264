// Checks proc_lib(3) "start/5", "start_link/5", "init_ack/2" and "init_fail/3": the start
// protocol returns the init's ack, waits for a failed child to exit, kills the child when
// the start timeout passes, and consumes the EXIT of a failed linked child.
import { describe, expect, it } from 'vitest';
import { isPid, Runtime, silentLogger, type Pid, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { start, type StartResult, type Starter } from '@troupe/otp';

function setup() {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  return { clock, rt };
}

/** A child that acks `ok` and then waits forever. */
const acking = (starter: Starter) => async (self: ProcessContext) => {
  starter.initAck(self, { kind: 'ok' });
  await self.receive();
};

describe('start', () => {
  it('returns ok with the pid once the child acks', async () => {
    const { rt } = setup();
    const result = await start(rt, acking);
    expect(result.kind).toBe('ok');
    expect(result.kind === 'ok' && rt.isAlive(result.pid)).toBe(true);
  });

  it('works from a generator body (yield*) and an async body (await)', async () => {
    const { rt } = setup();
    const results: StartResult[] = [];
    rt.spawn(function* (self: ProcessContext) {
      results.push(yield* start(self, acking));
    });
    rt.spawn(async (self: ProcessContext) => {
      results.push(await start(self, acking));
    });
    await rt.idle();
    expect(results.map((r) => r.kind)).toEqual(['ok', 'ok']);
  });

  it('a child that dies before acking: error with its exit reason', async () => {
    const { rt } = setup();
    const result = await start(rt, () => (self: ProcessContext) => self.exit('init_crashed'));
    expect(result).toEqual({ kind: 'error', reason: 'init_crashed' });
  });

  it('a failed init (init_fail): returns only after the child has exited', async () => {
    const { rt } = setup();
    let child!: Pid;
    const result = await start(rt, (starter) => (self: ProcessContext) => {
      child = self.pid;
      starter.initAck(self, { kind: 'error', reason: 'no_config' });
      self.exit('no_config');
    });
    expect(result).toEqual({ kind: 'error', reason: 'no_config' });
    expect(rt.isAlive(child)).toBe(false);
  });

  it('a failed init frees the name before acking, as gen_server does before init_fail', async () => {
    const { rt } = setup();
    let holderAfterAck: Pid | undefined = undefined;
    const result = await start(
      rt,
      (starter) => (self: ProcessContext) => {
        starter.initAck(self, { kind: 'error', reason: 'no_config' });
        holderAfterAck = self.whereis('svc');
        self.exit('no_config');
      },
      { name: 'svc' },
    );
    expect(result).toEqual({ kind: 'error', reason: 'no_config' });
    expect(holderAfterAck).toBeUndefined();
  });

  it('ignore is passed through', async () => {
    const { rt } = setup();
    const result = await start(rt, (starter) => (self: ProcessContext) => starter.initAck(self, { kind: 'ignore' }));
    expect(result).toEqual({ kind: 'ignore' });
  });

  it('the start timeout kills the child and answers timeout', async () => {
    const { rt, clock } = setup();
    let child!: Pid;
    const pending = start(
      rt,
      () => async (self: ProcessContext) => {
        child = self.pid;
        await self.receive();
      },
      { timeoutMs: 1000 },
    );
    await clock.advance(999);
    expect(rt.isAlive(child)).toBe(true);
    await clock.advance(1);
    expect(await pending).toEqual({ kind: 'error', reason: 'timeout' });
    expect(rt.isAlive(child)).toBe(false);
  });

  it('a taken name answers already_started without spawning', async () => {
    const { rt } = setup();
    const first = await start(rt, acking, { name: 'svc' });
    const count = rt.processCount;
    const second = await start(rt, acking, { name: 'svc' });
    expect(second).toEqual({ kind: 'error', reason: { kind: 'already_started', pid: first.kind === 'ok' ? first.pid : undefined } });
    expect(rt.processCount).toBe(count);
  });

  it('rejects bad options with a TypeError naming them', () => {
    const { rt } = setup();
    expect(() => start(rt, acking, { timeoutMs: -5 })).toThrow(/timeoutMs/);
    expect(() => start(rt, acking, { name: '' })).toThrow(/name/);
  });
});

describe('startLink', () => {
  it('links the child to the caller and names the caller as its parent', async () => {
    const { rt } = setup();
    let parentSeen: Pid | undefined;
    let starterPid!: Pid;
    let childPid!: Pid;
    starterPid = rt.spawn(async (self: ProcessContext) => {
      const result = await start(
        self,
        (starter) => async (child: ProcessContext) => {
          parentSeen = starter.parent;
          starter.initAck(child, { kind: 'ok' });
          await child.receive();
        },
        { link: true },
      );
      if (result.kind === 'ok') childPid = result.pid;
      await self.receive();
    });
    await rt.idle();
    expect(parentSeen?.equals(starterPid)).toBe(true);
    expect(rt.processInfo(childPid)?.links.some((p) => p.equals(starterPid))).toBe(true);
  });

  it('a trapping starter gets the error and no EXIT is left in its mailbox', async () => {
    const { rt, clock } = setup();
    let result: StartResult | undefined;
    let starterPid!: Pid;
    starterPid = rt.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      result = await start(self, () => (child: ProcessContext) => child.exit('broken'), { link: true });
      await self.receive();
    });
    await rt.idle();
    expect(result).toEqual({ kind: 'error', reason: 'broken' });
    expect(rt.messages(starterPid)).toEqual([]);

    let timedOut: StartResult | undefined;
    const waiter = rt.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      timedOut = await start(self, () => async (child: ProcessContext) => void (await child.receive()), { link: true, timeoutMs: 50 });
      await self.receive();
    });
    await clock.advance(50);
    expect(timedOut).toEqual({ kind: 'error', reason: 'timeout' });
    expect(rt.messages(waiter)).toEqual([]);
  });

  it('from plain Node code there is no process to link to: the runtime itself is the parent', async () => {
    const { rt } = setup();
    let parentSeen: Pid | undefined | 'unset' = 'unset';
    const result = await start(
      rt,
      (starter) => async (self: ProcessContext) => {
        parentSeen = starter.parent;
        starter.initAck(self, { kind: 'ok' });
        await self.receive();
      },
      { link: true },
    );
    expect(result.kind === 'ok' && isPid(result.pid)).toBe(true);
    expect(parentSeen).toEqual(rt.systemPid);
  });
});
