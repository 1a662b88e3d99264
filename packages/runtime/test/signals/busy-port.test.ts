// Bounded distribution buffers: a process that sends over a connection past its
// high-water mark is suspended at its next yield point until the connection drains
// (the BEAM suspends a sender on a busy distribution port).
import { afterEach, describe, expect, it } from 'vitest';
import { Pid, type BusyPort, type RemoteRoute } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

/** A route whose connection to every node is busy until `drain()`. */
function busyRoute(): { route: RemoteRoute; sent: unknown[]; drain(): void } {
  const sent: unknown[] = [];
  const waiting: (() => void)[] = [];
  let busy = true;
  const port: BusyPort = { node: 'b@127.0.0.1', whenDrained: (resume) => waiting.push(resume) };
  const noop = (): void => {};
  const route: RemoteRoute = {
    send: (_from, _to, message) => {
      sent.push(message);
      return busy ? port : undefined;
    },
    sendNamed: (_from, _to, message) => {
      sent.push(message);
      return busy ? port : undefined;
    },
    link: noop,
    unlink: noop,
    exit: noop,
    monitor: noop,
    demonitor: noop,
    down: noop,
  };
  return {
    route,
    sent,
    drain: () => {
      busy = false;
      for (const resume of waiting.splice(0)) resume();
    },
  };
}

describe('busy distribution port', () => {
  it('parks a sender at its next receive until the connection drains, whatever arrives meanwhile', async () => {
    const { rt, clock } = startRuntime();
    const { route, sent, drain } = busyRoute();
    const { nodes } = rt.attachRemote(route, 'a@127.0.0.1');
    const remote = new Pid(nodes.intern('b@127.0.0.1', 7), 1, 0);
    const steps: string[] = [];
    const sender = rt.spawn(function* (self) {
      self.send(remote, 'bulk');
      steps.push('sent');
      const reply = yield* self.receive({ after: 10 });
      steps.push(`received ${String(reply)}`);
    });
    await rt.idle();
    expect(sent).toEqual(['bulk']);
    expect(steps).toEqual(['sent']);
    expect(rt.processInfo(sender)?.waitingFor).toBe('busy_dist_port b@127.0.0.1');

    rt.send(sender, 'hello');
    await clock.advance(100);
    expect(steps).toEqual(['sent']);

    drain();
    await rt.idle();
    expect(steps).toEqual(['sent', 'received hello']);
  });

  it('does not park a sender whose connection has room', async () => {
    const { rt } = startRuntime();
    const { route, drain } = busyRoute();
    drain();
    const { nodes } = rt.attachRemote(route, 'a@127.0.0.1');
    const remote = new Pid(nodes.intern('b@127.0.0.1', 7), 1, 0);
    const steps: string[] = [];
    rt.spawn(async (self) => {
      self.send(remote, 'small');
      steps.push(String(await self.receive({ after: 0 })));
    });
    await rt.idle();
    expect(steps).toEqual([String(Symbol.for('troupe.receive.timeout'))]);
  });
});
