// Registered names: register, unregister, whereis, registered, with Erlang's conflict rules.
import { afterEach, describe, expect, it } from 'vitest';
import { BadArgError } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('registry', () => {
  it('registers a pid under a name that whereis and registered then report', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever);
    rt.register('worker', pid);
    expect(rt.whereis('worker')).toEqual(pid);
    expect(rt.registered()).toEqual(['worker']);
    expect(rt.processInfo(pid)?.name).toBe('worker');
  });

  it('lets a process register itself', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(function* (self) {
      self.register('me');
      yield* self.receive();
    });
    await rt.idle();
    expect(rt.whereis('me')).toEqual(pid);
  });

  it('lets a process unregister a name, with BadArgError for one nobody registered', async () => {
    const { rt } = startRuntime();
    const errors: unknown[] = [];
    rt.spawn(blockForever, { name: 'worker' });
    rt.spawn((self) => {
      self.unregister('worker');
      try {
        self.unregister('worker');
      } catch (error) {
        errors.push(error);
      }
    });
    await rt.idle();
    expect(rt.whereis('worker')).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(BadArgError);
  });

  it('answers undefined from whereis for a name nobody registered', () => {
    const { rt } = startRuntime();
    expect(rt.whereis('nobody')).toBeUndefined();
  });

  it('removes a name with unregister, leaving the process alive', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { name: 'worker' });
    rt.unregister('worker');
    expect(rt.whereis('worker')).toBeUndefined();
    expect(rt.registered()).toEqual([]);
    expect(rt.processInfo(pid)?.name).toBeUndefined();
    expect(rt.isAlive(pid)).toBe(true);
  });

  it('lets a process take another name after unregister', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { name: 'old' });
    rt.unregister('old');
    rt.register('new', pid);
    expect(rt.whereis('new')).toEqual(pid);
  });

  it('throws BadArgError when the name is taken', () => {
    const { rt } = startRuntime();
    const holder = rt.spawn(blockForever, { name: 'taken' });
    expect(() => rt.register('taken', rt.spawn(blockForever))).toThrow(BadArgError);
    expect(rt.whereis('taken')).toEqual(holder);
  });

  it('throws BadArgError when the process already has a name', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { name: 'first' });
    expect(() => rt.register('second', pid)).toThrow(BadArgError);
    expect(rt.whereis('second')).toBeUndefined();
  });

  it('throws BadArgError when the process is dead', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    expect(() => rt.register('ghost', dead)).toThrow(BadArgError);
  });

  it('throws BadArgError when unregistering a name nobody registered', () => {
    const { rt } = startRuntime();
    expect(() => rt.unregister('nobody')).toThrow(BadArgError);
  });

  it("throws BadArgError for the name 'undefined', as Erlang does", () => {
    const { rt } = startRuntime();
    expect(() => rt.register('undefined', rt.spawn(blockForever))).toThrow(BadArgError);
  });

  it('throws a TypeError for an empty name', () => {
    const { rt } = startRuntime();
    expect(() => rt.register('', rt.spawn(blockForever))).toThrow(TypeError);
  });

  it('releases the name when the process dies, so it can be taken again', async () => {
    const { rt } = startRuntime();
    const first = rt.spawn(function* (self) {
      yield* self.receive();
    }, { name: 'service' });
    rt.send('service', 'stop');
    await rt.idle();
    expect(rt.isAlive(first)).toBe(false);
    expect(rt.whereis('service')).toBeUndefined();
    expect(rt.registered()).toEqual([]);
    expect(() => rt.send('service', 'x')).toThrow(BadArgError);
    const second = rt.spawn(blockForever, { name: 'service' });
    expect(rt.whereis('service')).toEqual(second);
  });
});
