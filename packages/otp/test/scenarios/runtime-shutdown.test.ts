// Scenario (public API only). Erlang's init:stop: stopping the node stops application
// supervision trees in order — a supervisor terminates its children in reverse start
// order, and a server that traps exits runs terminate. Here `runtime.shutdown()` plays
// init:stop for trees started from plain Node code (their parent is the runtime).
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, ok, Supervisor, type GenServerModule } from '@troupe/otp';

type Types = { state: string; args: { name: string; log: string[] } };

function recorder(log: string[]): GenServerModule<Types> {
  return {
    init: ({ name }, self) => {
      self.trapExit(true);
      log.push(`start ${name}`);
      return ok(name);
    },
    terminate: (reason, name) => {
      log.push(`terminate ${name} (${String(reason)})`);
    },
  };
}

describe('runtime.shutdown stops supervision trees like init:stop', () => {
  it('runs terminate of a trapping server started from plain Node code', async () => {
    const rt = new Runtime({ clock: new VirtualClock(), longScheduleMs: false, logger: silentLogger });
    const log: string[] = [];
    const started = await GenServer.start(rt, recorder(log), { name: 'solo', log });
    expect(started.kind).toBe('ok');
    await rt.shutdown();
    expect(log).toEqual(['start solo', 'terminate solo (shutdown)']);
  });

  it('stops a supervisor tree children-last-started-first, each server running terminate', async () => {
    const rt = new Runtime({ clock: new VirtualClock(), longScheduleMs: false, logger: silentLogger });
    const log: string[] = [];
    const children = ['a', 'b', 'c'].map((name) => ({ id: name, start: { module: recorder(log), args: { name, log } } }));
    const sup = await Supervisor.start(rt, { strategy: 'one_for_one', children });
    expect(sup.kind).toBe('ok');
    await rt.shutdown();
    expect(log).toEqual([
      'start a',
      'start b',
      'start c',
      'terminate c (shutdown)',
      'terminate b (shutdown)',
      'terminate a (shutdown)',
    ]);
    expect(rt.processCount).toBe(0);
  });
});
