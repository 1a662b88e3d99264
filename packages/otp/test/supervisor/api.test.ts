// Checks supervisor(3) "start_child/2", "terminate_child/2", "restart_child/2",
// "delete_child/2", "get_childspec/2", "which_children/1" and "count_children/1", with
// OTP's error values (already_started, already_present, not_found, running).
import { describe, expect, it } from 'vitest';
import { CHILD_SPEC_DEFAULTS, Supervisor } from '@troupe/otp';
import { childPid, pidOf, setup, worker } from './fixtures.js';

describe('run-time child management', () => {
  it('startChild starts and appends a child; the same id again is already_started, or already_present once stopped', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events)] }));
    const started = await Supervisor.startChild(rt, sup, worker('b', events));
    expect(started).toEqual({ kind: 'ok', pid: await childPid(rt, sup, 'b') });
    expect(await Supervisor.startChild(rt, sup, worker('b', events))).toEqual({
      kind: 'error',
      reason: { kind: 'already_started', pid: await childPid(rt, sup, 'b') },
    });
    expect(await Supervisor.terminateChild(rt, sup, 'b')).toEqual({ kind: 'ok' });
    expect(await Supervisor.startChild(rt, sup, worker('b', events))).toEqual({ kind: 'error', reason: 'already_present' });
  });

  it('startChild of a child that fails to start answers the error and keeps no spec', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, {}));
    expect(await Supervisor.startChild(rt, sup, worker('x', events, { init: 'fail' }))).toEqual({ kind: 'error', reason: 'cannot start x' });
    expect(await Supervisor.whichChildren(rt, sup)).toEqual([]);
  });

  it('whichChildren lists the most recently started first, as OTP does; countChildren counts', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events), worker('b', events)] }));
    await Supervisor.terminateChild(rt, sup, 'a');
    expect(await Supervisor.whichChildren(rt, sup)).toEqual([
      { id: 'b', pid: await childPid(rt, sup, 'b'), type: 'worker' },
      { id: 'a', pid: undefined, type: 'worker' },
    ]);
    expect(await Supervisor.countChildren(rt, sup)).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
  });

  it('restartChild: running, not_found, or a new pid for a stopped child', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events)] }));
    expect(await Supervisor.restartChild(rt, sup, 'a')).toEqual({ kind: 'error', reason: 'running' });
    expect(await Supervisor.restartChild(rt, sup, 'zz')).toEqual({ kind: 'error', reason: 'not_found' });
    await Supervisor.terminateChild(rt, sup, 'a');
    const restarted = await Supervisor.restartChild(rt, sup, 'a');
    expect(restarted).toEqual({ kind: 'ok', pid: await childPid(rt, sup, 'a') });
  });

  it('deleteChild: only a stopped child’s spec can go', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events)] }));
    expect(await Supervisor.deleteChild(rt, sup, 'a')).toEqual({ kind: 'error', reason: 'running' });
    expect(await Supervisor.terminateChild(rt, sup, 'zz')).toEqual({ kind: 'error', reason: 'not_found' });
    await Supervisor.terminateChild(rt, sup, 'a');
    expect(await Supervisor.deleteChild(rt, sup, 'a')).toEqual({ kind: 'ok' });
    expect(await Supervisor.deleteChild(rt, sup, 'a')).toEqual({ kind: 'error', reason: 'not_found' });
  });

  it('terminateChild of a temporary child drops its spec', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('t', events, { restart: 'temporary' })] }));
    await Supervisor.terminateChild(rt, sup, 't');
    expect(await Supervisor.whichChildren(rt, sup)).toEqual([]);
  });

  it('getChildSpec returns the spec with OTP’s defaults filled in', async () => {
    const { rt, events } = setup();
    const sup = pidOf(await Supervisor.start(rt, { children: [worker('a', events), Supervisor.childSpec('s', {})] }));
    expect(await Supervisor.getChildSpec(rt, sup, 'a')).toMatchObject({
      kind: 'ok',
      spec: { id: 'a', restart: CHILD_SPEC_DEFAULTS.restart, shutdown: 5000, type: 'worker' },
    });
    expect(await Supervisor.getChildSpec(rt, sup, 's')).toMatchObject({ kind: 'ok', spec: { shutdown: 'infinity', type: 'supervisor' } });
    expect(await Supervisor.getChildSpec(rt, sup, 'zz')).toEqual({ kind: 'error', reason: 'not_found' });
  });

  it('a supervisor answers sys.getStatus as a supervisor', async () => {
    const { rt } = setup();
    const { sys } = await import('@troupe/otp');
    const sup = pidOf(await Supervisor.start(rt, {}, { name: 'root' }));
    expect(await sys.getStatus(rt, 'root')).toMatchObject({ pid: sup, behaviour: 'supervisor', status: 'running' });
  });
});
