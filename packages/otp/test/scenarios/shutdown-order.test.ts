// Scenario (public API only). OTP Design Principles, "Supervision Principles — Stopping"
// and supervisor(3) `shutdown`: stopping a tree stops each supervisor's children in reverse
// start order, depth first; a child still busy when its shutdown time runs out is killed,
// and the next one is only stopped after that.
import { expect, it } from 'vitest';
import { Runtime, silentLogger } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, ok, Supervisor, type ChildSpec, type GenServerModule } from '@troupe/otp';

type Types = { state: { name: string; log: string[]; slowMs: number }; args: { name: string; log: string[]; slowMs: number } };
const Worker: GenServerModule<Types> = {
  init: (args, self) => (self.trapExit(true), ok(args)),
  async terminate(_reason, { name, log, slowMs }, self) {
    if (slowMs > 0) await self.sleep(slowMs);
    log.push(`${name} stopped`);
  },
};

it('stops the tree in reverse order and kills a slow child at its shutdown timeout', async () => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  const log: string[] = [];
  const killed: string[] = [];
  const worker = (name: string, slowMs = 0, shutdown = 5000): ChildSpec => ({ id: name, shutdown, start: { module: Worker, args: { name, log, slowMs } } });
  const result = await Supervisor.start(rt, {
    children: [
      Supervisor.childSpec('left', { children: [worker('l1'), worker('l2', 300)] }),
      Supervisor.childSpec('right', { children: [worker('r1'), worker('r2', 60_000, 2000), worker('r3')] }),
    ],
  });
  if (result.kind !== 'ok') throw new Error('start failed');
  rt.events.on('exit', (_pid, reason) => reason === 'killed' && killed.push('a child was killed'));

  const stopping = GenServer.stop(rt, result.pid, 'shutdown');
  await clock.advance(0);
  expect(log).toEqual(['r3 stopped']); // r2 is busy with a 60 s terminate
  await clock.advance(1999);
  expect(log).toEqual(['r3 stopped']);
  expect(killed).toEqual([]);
  await clock.advance(1); // r2's 2000 ms are up: killed, then r1 and the left subtree
  expect(killed).toEqual(['a child was killed']);
  expect(log).toEqual(['r3 stopped', 'r1 stopped']);
  await clock.advance(300); // l2 takes 300 ms, within its 5000
  await stopping;
  expect(log).toEqual(['r3 stopped', 'r1 stopped', 'l2 stopped', 'l1 stopped']);
  expect(rt.processes()).toHaveLength(1); // only the hidden gateway that ran the calls remains
});
