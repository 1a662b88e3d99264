// Scenario (public API only). OTP Design Principles, "Supervision Principles — Maximum
// Restart Intensity": a supervisor whose children restart more than `intensity` times in
// `period` terminates its children and exits with `shutdown`; its own supervisor then
// handles that exit — restarting the subtree, or giving up in turn.
import { describe, expect, it } from 'vitest';
import { Runtime, type Logger, type Pid } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, ok, Supervisor, type GenServerModule } from '@troupe/otp';

type Types = { state: null; args: { name: string; log: string[] }; cast: 'crash' };
const Worker: GenServerModule<Types> = {
  init: ({ name, log }) => (log.push(`start ${name}`), ok(null)),
  handleCast: () => {
    throw new Error('crash');
  },
};

function setup() {
  const clock = new VirtualClock();
  const reports: Record<string, unknown>[] = [];
  const logger: Logger = { error: (_m, meta) => void (meta !== undefined && reports.push(meta)), warn: () => {}, info: () => {} };
  const rt = new Runtime({ clock, longScheduleMs: false, logger });
  return { clock, rt, reports, log: [] as string[] };
}

async function pidOf(rt: Runtime, supervisor: Pid | string, id: string): Promise<Pid> {
  const child = (await Supervisor.whichChildren(rt, supervisor)).find((c) => c.id === id);
  if (typeof child?.pid !== 'object') throw new Error(`${id} is not running`);
  return child.pid;
}

async function startTree(rt: Runtime, log: string[], rootIntensity: number) {
  const worker = (name: string) => ({ id: name, start: { module: Worker, args: { name, log } } });
  const result = await Supervisor.start(
    rt,
    {
      intensity: rootIntensity,
      periodMs: 60_000,
      children: [Supervisor.childSpec('mid', { intensity: 1, periodMs: 5000, children: [worker('w1'), worker('w2')] }), worker('other')],
    },
    { name: 'root' },
  );
  expect(result.kind).toBe('ok');
}

describe('restart intensity escalates up the tree', () => {
  it('the middle supervisor gives up; the root restarts it with fresh children', async () => {
    const { rt, reports, log } = setup();
    await startTree(rt, log, 3);
    const mid = await pidOf(rt, 'root', 'mid');
    const other = await pidOf(rt, 'root', 'other');
    const exits = new Map<string, unknown>();
    rt.events.on('exit', (pid, reason) => exits.set(pid.key, reason));
    log.length = 0;

    GenServer.cast(rt, await pidOf(rt, mid, 'w1'), 'crash'); // restart 1 of 1: fine
    await rt.idle();
    GenServer.cast(rt, await pidOf(rt, mid, 'w1'), 'crash'); // restart 2: too many
    await rt.idle();

    expect(exits.get(mid.key)).toBe('shutdown');
    const newMid = await pidOf(rt, 'root', 'mid');
    expect(newMid.equals(mid)).toBe(false);
    expect(log).toEqual(['start w1', 'start w1', 'start w2']);
    expect((await pidOf(rt, 'root', 'other')).equals(other)).toBe(true);
    expect(reports).toContainEqual(expect.objectContaining({ errorContext: 'shutdown', reason: 'reached_max_restart_intensity' }));
    expect(reports).toContainEqual(expect.objectContaining({ errorContext: 'child_terminated', reason: 'shutdown', offender: expect.objectContaining({ id: 'mid' }) }));
  });

  it('when the root’s own intensity is spent too, the whole tree goes down', async () => {
    const { rt } = setup();
    await startTree(rt, [], 0);
    const root = rt.whereis('root')!;
    const mid = await pidOf(rt, 'root', 'mid');
    for (let i = 0; i < 2; i++) {
      GenServer.cast(rt, await pidOf(rt, mid, 'w1'), 'crash');
      await rt.idle();
    }
    expect(rt.isAlive(root)).toBe(false);
    // Nothing of the tree is left: only the hidden gateway that runs calls for plain Node code.
    expect(rt.processes()).toHaveLength(1);
  });
});
