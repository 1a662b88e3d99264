// nodeDown when a DOWN it delivers ends the watcher (a bounded mailbox that exits on
// overflow): it must not throw, and every other process still gets its noconnection.
import { afterEach, describe, expect, it } from 'vitest';
import { Pid, type RemoteRoute } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

function noopRoute(): RemoteRoute {
  const noop = (): void => {};
  return { send: noop, sendNamed: noop, link: noop, unlink: noop, exit: noop, monitor: noop, demonitor: noop, down: noop };
}

describe('nodeDown when a DOWN ends its watcher', () => {
  it('does not throw, and still tells the other processes', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const { nodes, endpoint } = rt.attachRemote(noopRoute(), 'a@127.0.0.1');
    const b = nodes.intern('b@127.0.0.1', 1);
    const fragile = rt.spawn(
      function* (self) {
        self.monitor(new Pid(b, 1, 0));
        self.monitor(new Pid(b, 2, 0));
        self.send(self.pid, 'fills the mailbox');
        yield* self.receive(() => false);
      },
      { mailbox: { max: 1, overflow: 'exit' } },
    );
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      self.monitor(new Pid(b, 3, 0));
      got.push(yield* self.receive());
    });
    await rt.idle();
    expect(() => endpoint.nodeDown('b@127.0.0.1')).not.toThrow();
    await rt.idle();
    expect(exits.get(fragile.key)).toEqual({ kind: 'mailbox_overflow', limit: 1 });
    expect(got).toMatchObject([{ kind: 'DOWN', reason: 'noconnection' }]);
  });
});
