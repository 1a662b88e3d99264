// Checks supervisor(3) "child_spec()" `shutdown` and "Supervision Principles, Stopping":
// children are stopped in reverse start order; a timeout shutdown sends exit `shutdown` and
// kills the child when the time runs out; brutal_kill kills at once; infinity waits.
import { describe, expect, it } from 'vitest';
import { GenServer, Supervisor } from '@troupe/otp';
import { childPid, pidOf, setup, worker } from './fixtures.js';

describe('shutdown', () => {
  it('stops the children in reverse start order, each running its terminate', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: ['a', 'b', 'c'].map((id) => worker(id, events, { trap: true })) }));
    events.length = 0;
    await GenServer.stop(rt, sup, 'shutdown');
    expect(events).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('a child slower than its shutdown time is killed when the time runs out (reported as killed)', async () => {
    const { rt, clock, events, lines } = setup();
    const sup = pidOf(
      await Supervisor.start(rt, {
        children: [worker('a', events, { trap: true }), worker('slow', events, { trap: true, terminateMs: 10_000, shutdown: 1000 })],
      }),
    );
    const slow = await childPid(rt, sup, 'slow');
    events.length = 0;
    const stopping = GenServer.stop(rt, sup, 'shutdown');
    await clock.advance(999);
    expect(rt.isAlive(slow)).toBe(true);
    expect(events).toEqual([]);
    await clock.advance(1);
    await stopping;
    expect(rt.isAlive(slow)).toBe(false);
    expect(events).toEqual(['stop a']);
    expect(lines.some((l) => l.meta?.errorContext === 'shutdown_error' && l.meta.reason === 'killed')).toBe(true);
  });

  it('a child that finishes within its shutdown time is not killed', async () => {
    const { rt, clock, events, lines } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('slow', events, { trap: true, terminateMs: 500, shutdown: 1000 })] }));
    const stopping = GenServer.stop(rt, sup, 'shutdown');
    await clock.advance(500);
    await stopping;
    expect(events).toEqual(['start slow', 'stop slow']);
    expect(lines.filter((l) => l.meta?.errorContext === 'shutdown_error')).toEqual([]);
  });

  it('brutal_kill kills at once: terminate does not run', async () => {
    const { rt, events, lines } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events, { trap: true, shutdown: 'brutal_kill' })] }));
    await GenServer.stop(rt, sup, 'shutdown');
    expect(events).toEqual(['start a']);
    expect(lines.filter((l) => l.meta?.errorContext === 'shutdown_error')).toEqual([]);
  });

  it('infinity waits as long as the child takes', async () => {
    const { rt, clock, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events, { trap: true, terminateMs: 60_000, shutdown: 'infinity' })] }));
    const stopping = GenServer.stop(rt, sup, 'shutdown');
    await clock.advance(59_999);
    expect(events).toEqual(['start a']);
    await clock.advance(1);
    await stopping;
    expect(events).toEqual(['start a', 'stop a']);
  });

  it('an EXIT from the supervisor’s parent shuts the tree down, then the supervisor exits with that reason', async () => {
    const { rt, events } = setup();
    let sup!: import('@troupe/runtime').Pid;
    const parent = rt.spawn(async (self: import('@troupe/runtime').ProcessContext) => {
      sup = pidOf(await Supervisor.startLink(self, { children: [worker('a', events, { trap: true })] }));
      await self.receive();
    });
    await rt.idle();
    const exits: unknown[] = [];
    rt.events.on('exit', (pid, reason) => pid.equals(sup) && exits.push(reason));
    rt.exit(parent, 'shutdown');
    await rt.idle();
    expect(events).toEqual(['start a', 'stop a']);
    expect(exits).toEqual(['shutdown']);
  });
});
