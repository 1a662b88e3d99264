// Checks supervisor(3) for simple_one_for_one ("start_child/2" appends the extra arguments
// to the template's; "terminate_child/2" by pid; count/which_children; children are
// stopped all at once on shutdown) — Troupe's DynamicSupervisor.
import { describe, expect, it } from 'vitest';
import type { Pid } from '@troupe/runtime';
import { DynamicSupervisor, GenServer, type ChildTemplate } from '@troupe/otp';
import { pidOf, setup, Worker } from './fixtures.js';

function template(events: string[], extra: Partial<ChildTemplate<string>> & { trap?: boolean; terminateMs?: number } = {}): ChildTemplate<string> {
  const { trap, terminateMs, ...spec } = extra;
  return { start: (caller, id) => GenServer.startLink(caller, Worker, { id, events, trap, terminateMs }), ...spec };
}

function okPid(result: { kind: string; pid?: Pid | undefined }): Pid {
  if (result.kind !== 'ok' || result.pid === undefined) throw new Error(`startChild failed: ${JSON.stringify(result)}`);
  return result.pid;
}

describe('DynamicSupervisor', () => {
  it('starts children on demand from the template, with the extra argument', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await DynamicSupervisor.start(rt, { child: template(events) }));
    const a = okPid(await DynamicSupervisor.startChild(rt, sup, 'a'));
    const b = okPid(await DynamicSupervisor.startChild(rt, sup, 'b'));
    expect(events).toEqual(['start a', 'start b']);
    expect(await DynamicSupervisor.whichChildren(rt, sup)).toEqual([
      { id: undefined, pid: a, type: 'worker' },
      { id: undefined, pid: b, type: 'worker' },
    ]);
    expect(await DynamicSupervisor.countChildren(rt, sup)).toEqual({ specs: 1, active: 2, supervisors: 0, workers: 2 });
  });

  it('restarts a permanent child with the same extra argument', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await DynamicSupervisor.start(rt, { child: template(events) }));
    const a = okPid(await DynamicSupervisor.startChild(rt, sup, 'a'));
    rt.exit(a, 'boom');
    await rt.idle();
    expect(events).toEqual(['start a', 'start a']);
    const [child] = await DynamicSupervisor.whichChildren(rt, sup);
    expect(typeof child?.pid === 'object' && !child.pid.equals(a)).toBe(true);
  });

  it('does not restart a temporary child', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await DynamicSupervisor.start(rt, { child: template(events, { restart: 'temporary' }) }));
    rt.exit(okPid(await DynamicSupervisor.startChild(rt, sup, 'a')), 'boom');
    await rt.idle();
    expect(await DynamicSupervisor.countChildren(rt, sup)).toMatchObject({ active: 0, workers: 0 });
  });

  it('terminateChild by pid; not_found for a live process that is not a child', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await DynamicSupervisor.start(rt, { child: template(events, { trap: true }) }));
    const a = okPid(await DynamicSupervisor.startChild(rt, sup, 'a'));
    expect(await DynamicSupervisor.terminateChild(rt, sup, a)).toEqual({ kind: 'ok' });
    expect(events).toEqual(['start a', 'stop a']);
    expect(await DynamicSupervisor.terminateChild(rt, sup, sup)).toEqual({ kind: 'error', reason: 'not_found' });
  });

  it('on shutdown stops all children at once, killing those past the shared shutdown time', async () => {
    const { rt, clock, events } = setup();
    const sup = pidOf(await DynamicSupervisor.start(rt, { child: template(events, { trap: true, terminateMs: 800, shutdown: 1000 }) }));
    for (const id of ['a', 'b', 'c']) okPid(await DynamicSupervisor.startChild(rt, sup, id));
    events.length = 0;
    const stopping = GenServer.stop(rt, sup, 'shutdown');
    await clock.advance(800);
    await stopping;
    // Concurrent: all three finish at 800 ms (one after another would need 2400 ms).
    expect([...events].sort()).toEqual(['stop a', 'stop b', 'stop c']);
  });

  it('exceeding the restart intensity shuts it down', async () => {
    const { rt } = setup();
    const sup = pidOf(await DynamicSupervisor.start(rt, { child: template([]), intensity: 1, periodMs: 1000 }));
    const a = okPid(await DynamicSupervisor.startChild(rt, sup, 'a'));
    rt.exit(a, 'boom');
    await rt.idle();
    const [child] = await DynamicSupervisor.whichChildren(rt, sup);
    rt.exit(child!.pid as Pid, 'boom');
    await rt.idle();
    expect(rt.isAlive(sup)).toBe(false);
  });

  it('validates the template, naming the field', () => {
    const { rt } = setup();
    expect(() => DynamicSupervisor.start(rt, { child: { start: () => ({ kind: 'ignore' }), restart: 'sometimes' as 'permanent' } })).toThrow(
      /child\.restart/,
    );
  });
});
