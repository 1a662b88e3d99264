// send: by pid, by name, by {name, node}; from processes and from outside; ordering.
import { afterEach, describe, expect, it } from 'vitest';
import { BadArgError } from '@troupe/runtime';
import { recordExits, spawnProbe, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('send', () => {
  it('delivers to a pid, from another process', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt);
    rt.spawn((self) => self.send(probe.pid, 'hello'));
    await rt.idle();
    expect(probe.received).toEqual(['hello']);
  });

  it('delivers from outside any process with rt.send, and never runs the receiver inside send', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt);
    await rt.idle();
    rt.send(probe.pid, 'from outside');
    expect(probe.received).toEqual([]);
    await rt.idle();
    expect(probe.received).toEqual(['from outside']);
  });

  it('delivers to a registered name', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt, 'inbox');
    rt.spawn((self) => self.send('inbox', 'by name'));
    rt.send('inbox', 'by name from outside');
    await rt.idle();
    expect(probe.received).toEqual(['by name from outside', 'by name']);
  });

  it('delivers to {name, node} on the local node', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt, 'inbox');
    rt.spawn((self) => self.send({ name: 'inbox', node: self.node }, 'by remote name'));
    await rt.idle();
    expect(probe.received).toEqual(['by remote name']);
  });

  it('throws BadArgError for a name nobody registered', () => {
    const { rt } = startRuntime();
    expect(() => rt.send('nobody', 'lost')).toThrow(BadArgError);
  });

  it('crashes a process that sends to a name nobody registered', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn((self) => self.send('nobody', 'lost'));
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: expect.any(BadArgError) });
  });

  it('drops a message to {name, node} for an unregistered local name silently', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn((self) => self.send({ name: 'nobody', node: self.node }, 'lost'));
    await rt.idle();
    expect(exits.get(pid.key)).toBe('normal');
  });

  it('drops a message to {name, node} of another node when no distribution is attached', () => {
    const { rt } = startRuntime();
    expect(() => rt.send({ name: 'x', node: 'other@host' }, 'lost')).not.toThrow();
  });

  it('drops a message to a dead pid silently, and no later process gets it', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const exits = recordExits(rt);
    const sender = rt.spawn((self) => self.send(dead, 'to the dead'));
    const probe = spawnProbe(rt);
    rt.send(dead, 'also to the dead');
    await rt.idle();
    expect(exits.get(sender.key)).toBe('normal');
    expect(probe.received).toEqual([]);
  });

  it('keeps the order of messages between one sender and one receiver', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt);
    rt.spawn(function* (self) {
      for (let i = 0; i < 1000; i++) {
        self.send(probe.pid, i);
        if (i % 100 === 0) yield* self.yield();
      }
    });
    await rt.idle();
    expect(probe.received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('passes messages by reference', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt);
    const message = { big: [1, 2, 3] };
    rt.send(probe.pid, message);
    await rt.idle();
    expect(probe.received[0]).toBe(message);
  });

  it('deep-freezes messages with freezeMessages, so a receiver cannot mutate them', async () => {
    const { rt } = startRuntime({ freezeMessages: true });
    const exits = recordExits(rt);
    const pid = rt.spawn(function* (self) {
      const message = (yield* self.receive()) as { list: number[] };
      message.list.push(4);
    });
    const message = { list: [1, 2, 3] };
    rt.send(pid, message);
    await rt.idle();
    expect(Object.isFrozen(message.list)).toBe(true);
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: expect.any(TypeError) });
  });

  it('throws a TypeError for something that is not an address', () => {
    const { rt } = startRuntime();
    expect(() => rt.send(42 as never, 'x')).toThrow(TypeError);
  });
});
