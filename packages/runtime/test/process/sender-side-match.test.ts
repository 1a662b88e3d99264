// An async body waiting in a receive with matchers may be tested by the sender when only
// the newest message is untested: the selective-receive rules that must hold whichever
// side runs the matcher.
import { afterEach, describe, expect, it } from 'vitest';
import { Pid, TIMEOUT, type BusyPort, type RemoteRoute } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

const isB = (m: unknown): boolean => typeof m === 'string' && m.startsWith('b');
const isNumber = (m: unknown): m is number => typeof m === 'number';

describe('sender-side matching for async receives', () => {
  it('takes matches in arrival order and leaves the misses queued in order', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const receiver = rt.spawn(async (self) => {
      got.push(await self.receive(isB));
      got.push(await self.receive(isB));
      await self.receive(() => false);
    });
    await rt.idle();
    rt.spawn(function* (self) {
      for (const m of ['a1', 'b1', 'a2', 'b2', 'b3']) self.send(receiver, m);
    });
    await rt.idle();
    expect(got).toEqual(['b1', 'b2']);
    expect(rt.messages(receiver)).toEqual(['a1', 'a2', 'b3']);
  });

  it('a miss does not wake the receiver; a later match does', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const receiver = rt.spawn(async (self) => {
      got.push(await self.receive(isNumber));
    });
    await rt.idle();
    const before = rt.processInfo(receiver)!.reductions;
    rt.send(receiver, 'x');
    rt.send(receiver, 'y');
    await rt.idle();
    expect(rt.processInfo(receiver)?.status).toBe('waiting');
    expect(rt.processInfo(receiver)!.reductions).toBe(before);
    rt.send(receiver, 7);
    await rt.idle();
    expect(got).toEqual([7]);
  });

  it('a receive since a ref takes the tagged reply, not the older queued messages', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    let server: Pid | undefined;
    server = rt.spawn(function* (self) {
      for (;;) {
        const { from, ref } = (yield* self.receive()) as { from: Pid; ref: unknown };
        self.send(from, { t: 'other' });
        self.send(from, { t: 'reply', ref });
      }
    });
    const client = rt.spawn(async (self) => {
      self.send(self.pid, { t: 'reply', ref: 'stale' });
      for (let i = 0; i < 3; i++) {
        const ref = self.makeRef();
        self.send(server!, { from: self.pid, ref });
        got.push(await self.receive((m) => (m as { ref?: unknown }).ref === ref, { since: ref, after: 1000 }));
      }
    });
    await rt.idle();
    expect(got.map((m) => (m as { t: string }).t)).toEqual(['reply', 'reply', 'reply']);
    expect(rt.messages(client)).toBeUndefined(); // client ended
  });

  it('with a drop_oldest bounded mailbox, takes the newest match and drops the oldest miss', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const receiver = rt.spawn(
      async (self) => {
        got.push(await self.receive(isNumber));
        got.push(await self.receive(isNumber));
        await self.receive(() => false);
      },
      { mailbox: { max: 2, overflow: 'drop_oldest' } },
    );
    await rt.idle();
    rt.send(receiver, 'a');
    rt.send(receiver, 'b');
    rt.send(receiver, 1); // drops 'a'
    await rt.idle();
    expect(got).toEqual([1]);
    expect(rt.messages(receiver)).toEqual(['b']);
    rt.send(receiver, 'c');
    rt.send(receiver, 'd'); // drops 'b'
    rt.send(receiver, 2); // drops 'c'
    await rt.idle();
    expect(got).toEqual([1, 2]);
    expect(rt.messages(receiver)).toEqual(['d']);
  });

  it('a matcher that throws ends the receiver, not the sender', async () => {
    const { rt, log } = startRuntime();
    const exits = recordExits(rt);
    const receiver = rt.spawn(async (self) => {
      await self.receive((m) => {
        if (m === 'boom') throw new Error('matcher failed');
        return false;
      });
    });
    await rt.idle();
    const steps: string[] = [];
    const sender = rt.spawn(function* (self) {
      self.send(receiver, 'fine');
      self.send(receiver, 'boom');
      steps.push('sender went on');
      yield* self.receive(() => false);
    });
    await rt.idle();
    expect(steps).toEqual(['sender went on']);
    expect(rt.isAlive(sender)).toBe(true);
    expect(exits.get(receiver.key)).toMatchObject({ kind: 'error', error: { message: 'matcher failed' } });
    expect(log.errors).toHaveLength(1);
  });

  it('a receiver parked on a busy distribution port is not resumed by a match until the port drains', async () => {
    const { rt } = startRuntime();
    const waiting: (() => void)[] = [];
    const port: BusyPort = { node: 'b@127.0.0.1', whenDrained: (resume) => waiting.push(resume) };
    const noop = (): void => {};
    const route: RemoteRoute = {
      send: () => port,
      sendNamed: () => port,
      link: noop,
      unlink: noop,
      exit: noop,
      monitor: noop,
      demonitor: noop,
      down: noop,
    };
    const { nodes } = rt.attachRemote(route, 'a@127.0.0.1');
    const remote = new Pid(nodes.intern('b@127.0.0.1', 7), 1, 0);
    const steps: unknown[] = [];
    const receiver = rt.spawn(async (self) => {
      self.send(remote, 'bulk');
      steps.push('sent');
      steps.push(await self.receive(isNumber));
    });
    await rt.idle();
    rt.send(receiver, 'x');
    rt.send(receiver, 1);
    await rt.idle();
    expect(steps).toEqual(['sent']);
    expect(rt.processInfo(receiver)?.waitingFor).toBe('busy_dist_port b@127.0.0.1');
    for (const resume of waiting.splice(0)) resume();
    await rt.idle();
    expect(steps).toEqual(['sent', 1]);
  });

  it('a handler body whose async callback receives with a matcher keeps the other messages for later calls', async () => {
    const { rt } = startRuntime();
    const seen: unknown[] = [];
    const pid = rt.spawn({
      async handle(message, self) {
        seen.push(message);
        if (message === 'start') seen.push(await self.receive((m) => m === 'answer'));
      },
    });
    rt.send(pid, 'start');
    await rt.idle();
    rt.send(pid, 'second');
    rt.send(pid, 'third');
    await rt.idle();
    expect(seen).toEqual(['start']);
    rt.send(pid, 'answer');
    await rt.idle();
    expect(seen).toEqual(['start', 'answer', 'second', 'third']);
  });

  it('an after timer of a wait ended by the sender is cancelled', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    const receiver = rt.spawn(async (self) => {
      got.push(await self.receive(isNumber, { after: 100 }));
      got.push(await self.receive(isNumber, { after: 100 }));
    });
    await rt.idle();
    expect(rt.pendingTimers).toBe(1);
    rt.send(receiver, 5);
    await rt.idle();
    expect(got).toEqual([5]);
    expect(rt.pendingTimers).toBe(1);
    await clock.advance(100);
    expect(got).toEqual([5, TIMEOUT]);
    expect(rt.pendingTimers).toBe(0);
  });

  it('a receiver woken by senders past its budget keeps taking matches in order (budget 0 goes through the run queue)', async () => {
    const { rt } = startRuntime({ reductionsPerSlice: 4 });
    const got: number[] = [];
    const receiver = rt.spawn(async (self) => {
      for (let i = 0; i < 40; i++) got.push((await self.receive(isNumber)) as number);
    });
    await rt.idle();
    rt.spawn(function* (self) {
      for (let i = 0; i < 40; i++) {
        self.send(receiver, `noise ${i}`);
        self.send(receiver, i);
        if (i % 3 === 0) yield* self.yield();
      }
    });
    await rt.idle();
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
