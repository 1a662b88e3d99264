// Checks supervisor(3), "Supervision Principles" and "start_link/2,3": children start in
// order; a child that fails to start fails the supervisor with
// {shutdown, {failed_to_start_child, Id, Reason}} after the started ones are stopped;
// restart types (permanent/transient/temporary) and strategies (one_for_one, one_for_all,
// rest_for_one); the restart intensity; nested supervisors.
import { describe, expect, it } from 'vitest';
import { GenServer, Supervisor, type ChildSpec } from '@troupe/otp';
import { childPid, pidOf, setup, worker, Worker } from './fixtures.js';

describe('starting', () => {
  it('starts the children in order', async () => {
    const { rt, events } = setup();
    pidOf(await Supervisor.start(rt, { children: [worker('a', events), worker('b', events), worker('c', events)] }));
    expect(events).toEqual(['start a', 'start b', 'start c']);
  });

  it('a child that fails to start: the started ones are stopped in reverse and start fails with OTP’s reason', async () => {
    const { rt, events, lines } = setup();
    const result = await Supervisor.start(rt, {
      children: [worker('a', events, { trap: true }), worker('b', events, { trap: true }), worker('c', events, { init: 'fail' }), worker('d', events)],
    });
    expect(result).toEqual({
      kind: 'error',
      reason: { kind: 'shutdown', detail: { kind: 'failed_to_start_child', id: 'c', reason: 'cannot start c' } },
    });
    expect(events).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    expect(lines.some((l) => l.meta?.errorContext === 'start_error')).toBe(true);
  });

  it('a child whose init ignores is kept without a pid (a temporary one is dropped)', async () => {
    const { rt, events } = setup();
    const sup = pidOf(
      await Supervisor.start(rt, { children: [worker('a', events, { init: 'ignore' }), worker('t', events, { init: 'ignore', restart: 'temporary' })] }),
    );
    expect(await Supervisor.whichChildren(rt, sup)).toEqual([{ id: 'a', pid: undefined, type: 'worker' }]);
  });

  it('nests: a supervisor child runs its own children', async () => {
    const { rt, events } = setup();
    const top = pidOf(await Supervisor.start(rt, { children: [Supervisor.childSpec('sub', { children: [worker('x', events)] }), worker('y', events)] }));
    expect(events).toEqual(['start x', 'start y']);
    expect(await Supervisor.countChildren(rt, top)).toEqual({ specs: 2, active: 2, supervisors: 1, workers: 1 });
  });
});

describe('restart types', () => {
  it('permanent: restarted after any exit, normal included', async () => {
    const { rt, events, lines } = setup();
    const sup = pidOf(await Supervisor.start(rt, { intensity: 5, children: [worker('a', events)] }));
    const first = await childPid(rt, sup, 'a');
    rt.exit(first, 'kill');
    await rt.idle();
    const second = await childPid(rt, sup, 'a');
    expect(second.equals(first)).toBe(false);
    rt.send(second, { kind: '$gen_cast', request: 'stop' });
    await rt.idle();
    expect(events).toEqual(['start a', 'start a', 'stop a', 'start a']);
    expect(lines.filter((l) => l.meta?.errorContext === 'child_terminated')).toHaveLength(2);
  });

  it('transient: restarted only after an abnormal exit', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { intensity: 5, children: [worker('a', events, { restart: 'transient' })] }));
    rt.exit(await childPid(rt, sup, 'a'), 'boom');
    await rt.idle();
    expect(events).toEqual(['start a', 'start a']);
    rt.exit(await childPid(rt, sup, 'a'), 'shutdown');
    await rt.idle();
    expect(events).toEqual(['start a', 'start a']);
    expect(await Supervisor.whichChildren(rt, sup)).toEqual([{ id: 'a', pid: undefined, type: 'worker' }]);
  });

  it('temporary: never restarted, and its spec is dropped', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events, { restart: 'temporary' })] }));
    rt.exit(await childPid(rt, sup, 'a'), 'boom');
    await rt.idle();
    expect(events).toEqual(['start a']);
    expect(await Supervisor.whichChildren(rt, sup)).toEqual([]);
  });
});

describe('strategies', () => {
  async function crashB(strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one') {
    const { rt, events } = setup();
    const children = ['a', 'b', 'c'].map((id) => worker(id, events, { trap: true }));
    const sup = pidOf(await Supervisor.start(rt, { strategy, intensity: 5, children }));
    events.length = 0;
    // b crashes (its terminate logs 'stop b'); what follows depends on the strategy.
    GenServer.cast(rt, await childPid(rt, sup, 'b'), 'crash');
    await rt.idle();
    return events;
  }

  it('one_for_one restarts only the child that died', async () => {
    expect(await crashB('one_for_one')).toEqual(['stop b', 'start b']);
  });

  it('one_for_all stops the others in reverse order, then restarts all in order', async () => {
    expect(await crashB('one_for_all')).toEqual(['stop b', 'stop c', 'stop a', 'start a', 'start b', 'start c']);
  });

  it('rest_for_one stops and restarts the children started after it', async () => {
    expect(await crashB('rest_for_one')).toEqual(['stop b', 'stop c', 'start b', 'start c']);
  });
});

describe('restart intensity', () => {
  it('more than `intensity` restarts within `periodMs`: children stopped, then the supervisor exits with shutdown', async () => {
    const { rt, clock, events, lines } = setup();
    const sup = pidOf(await Supervisor.start(rt, { intensity: 2, periodMs: 1000, children: [worker('a', events), worker('b', events, { trap: true })] }));
    const exits: unknown[] = [];
    rt.events.on('exit', (pid, reason) => pid.equals(sup) && exits.push(reason));
    for (let i = 0; i < 2; i++) {
      rt.exit(await childPid(rt, sup, 'a'), 'boom');
      await clock.advance(100);
    }
    expect(rt.isAlive(sup)).toBe(true);
    rt.exit(await childPid(rt, sup, 'a'), 'boom');
    await rt.idle();
    expect(rt.isAlive(sup)).toBe(false);
    expect(exits).toEqual(['shutdown']);
    expect(events.at(-1)).toBe('stop b');
    expect(lines.some((l) => l.meta?.errorContext === 'shutdown' && l.meta.reason === 'reached_max_restart_intensity')).toBe(true);
  });

  it('restarts older than the period no longer count (a sliding window on the runtime clock)', async () => {
    const { rt, clock, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { intensity: 1, periodMs: 5000, children: [worker('a', events)] }));
    for (let i = 0; i < 4; i++) {
      rt.exit(await childPid(rt, sup, 'a'), 'boom');
      await clock.advance(5001);
    }
    expect(rt.isAlive(sup)).toBe(true);
    expect(events.filter((e) => e === 'start a')).toHaveLength(5);
  });

  it('a supervisor started from a plain spawned process keeps time and logs on its runtime', async () => {
    const { rt, clock, events, lines } = setup();
    let started: unknown;
    // Not started through the start protocol itself: it reads the clock and logger from its own self.
    rt.spawn(async (self) => {
      started = await Supervisor.start(self, { intensity: 1, periodMs: 5000, children: [worker('a', events)] });
      await self.receive();
    });
    await rt.idle();
    const sup = pidOf(started as Parameters<typeof pidOf>[0]);
    for (let i = 0; i < 4; i++) {
      rt.exit(await childPid(rt, sup, 'a'), 'boom');
      await clock.advance(5001);
    }
    expect(rt.isAlive(sup)).toBe(true);
    expect(lines.filter((l) => l.meta?.errorContext === 'child_terminated')).toHaveLength(4);
  });

  it('a restart that fails is retried through the mailbox and counts against the intensity', async () => {
    const { rt, events, lines } = setup();
    let attempts = 0;
    // The first start succeeds; every restart fails, until the intensity is spent.
    const flaky: ChildSpec = {
      id: 'flaky',
      start: (caller) =>
        attempts++ === 0 ? GenServer.startLink(caller, Worker, { id: 'flaky', events }) : { kind: 'error', reason: 'down' },
    };
    const sup = pidOf(await Supervisor.start(rt, { intensity: 3, children: [flaky] }));
    rt.exit(await childPid(rt, sup, 'flaky'), 'boom');
    await rt.idle();
    expect(rt.isAlive(sup)).toBe(false);
    expect(attempts).toBe(4);
    expect(lines.filter((l) => l.meta?.errorContext === 'start_error')).toHaveLength(3);
  });
});
