// Scenario (public API only). OTP Design Principles, "Supervision Principles — Restart
// Strategy": in a three-level tree a crashed worker is restarted by its own supervisor;
// its siblings are restarted too under one_for_all, only the later ones under
// rest_for_one, none under one_for_one; the rest of the tree is untouched.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type Pid } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, ok, reply, Supervisor, type ChildSpec, type GenServerModule } from '@troupe/otp';

type WorkerTypes = { state: string; args: { name: string; started: string[] }; call: 'whoami'; reply: string; cast: 'crash' };
const Worker: GenServerModule<WorkerTypes> = {
  init: ({ name, started }) => (started.push(name), ok(name)),
  handleCall: (_request, _from, name) => reply(name, name),
  handleCast: (_request, name) => {
    throw new Error(`${name} crashed`);
  },
};

function worker(name: string, started: string[]): ChildSpec {
  return { id: name, start: { module: Worker, args: { name, started } } };
}

/** root (one_for_one) → three supervisors, one per strategy → three workers each. */
async function startTree() {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  const started: string[] = [];
  const group = (prefix: string) => ['1', '2', '3'].map((n) => worker(`${prefix}${n}`, started));
  const result = await Supervisor.start(
    rt,
    {
      strategy: 'one_for_one',
      children: [
        Supervisor.childSpec('one', { strategy: 'one_for_one', children: group('o') }),
        Supervisor.childSpec('all', { strategy: 'one_for_all', children: group('a') }),
        Supervisor.childSpec('rest', { strategy: 'rest_for_one', children: group('r') }),
      ],
    },
    { name: 'root' },
  );
  expect(result.kind).toBe('ok');
  return { rt, started };
}

/** Every worker's pid, by name, found by walking the tree from the root. */
async function snapshot(rt: Runtime): Promise<Map<string, Pid>> {
  const pids = new Map<string, Pid>();
  for (const sub of await Supervisor.whichChildren(rt, 'root')) {
    if (typeof sub.pid !== 'object') continue;
    pids.set(sub.id!, sub.pid);
    for (const child of await Supervisor.whichChildren(rt, sub.pid)) if (typeof child.pid === 'object') pids.set(child.id!, child.pid);
  }
  return pids;
}

/** Crashes `name` and returns the names whose pid changed. */
async function crash(rt: Runtime, name: string): Promise<string[]> {
  const before = await snapshot(rt);
  GenServer.cast(rt, before.get(name)!, 'crash');
  await rt.idle();
  const after = await snapshot(rt);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before].filter(([key, pid]) => !after.get(key)!.equals(pid)).map(([key]) => key);
}

describe('a three-level supervision tree', () => {
  it('starts depth-first, in order', async () => {
    const { started } = await startTree();
    expect(started).toEqual(['o1', 'o2', 'o3', 'a1', 'a2', 'a3', 'r1', 'r2', 'r3']);
  });

  it('one_for_one: only the crashed worker is restarted', async () => {
    const { rt } = await startTree();
    expect(await crash(rt, 'o2')).toEqual(['o2']);
  });

  it('one_for_all: all its siblings are restarted with it, the rest of the tree is not', async () => {
    const { rt, started } = await startTree();
    started.length = 0;
    expect((await crash(rt, 'a2')).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(started).toEqual(['a1', 'a2', 'a3']);
  });

  it('rest_for_one: the siblings started after it are restarted, the earlier ones are not', async () => {
    const { rt, started } = await startTree();
    started.length = 0;
    expect((await crash(rt, 'r2')).sort()).toEqual(['r2', 'r3']);
    expect(started).toEqual(['r2', 'r3']);
  });

  it('the restarted workers answer calls again', async () => {
    const { rt } = await startTree();
    await crash(rt, 'a1');
    const pids = await snapshot(rt);
    expect(await GenServer.call(rt, pids.get('a1')!, 'whoami')).toBe('a1');
  });
});
