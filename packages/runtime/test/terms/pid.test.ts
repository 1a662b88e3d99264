// Pid: printing, equality and map keys of process identifiers.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isPid, type Pid } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('Pid', () => {
  it('prints a local pid as <0.N.0>', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever);
    expect(String(pid)).toMatch(/^<0\.[1-9]\d*\.0>$/);
    expect(pid.toString()).toBe(`<0.${pid.id}.0>`);
  });

  it('prints the same way through JSON and util.inspect', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever);
    expect(JSON.stringify({ pid })).toBe(`{"pid":"${pid}"}`);
    expect(inspect(pid)).toBe(String(pid));
  });

  it('is equal to the same process seen through another path and to nothing else', () => {
    const { rt } = startRuntime();
    const a = rt.spawn(blockForever, { name: 'a' });
    const b = rt.spawn(blockForever);
    expect(a.equals(rt.whereis('a'))).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(String(a))).toBe(false);
    expect(a.equals(undefined)).toBe(false);
  });

  it('is not equal to the pid with the same number on another runtime', () => {
    const first = startRuntime().rt.spawn(blockForever);
    const second = startRuntime().rt.spawn(blockForever);
    expect(String(first)).toBe(String(second));
    expect(first.equals(second)).toBe(false);
  });

  it('keys a Map by a stable string that equal pids share', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { name: 'keyed' });
    const byKey = new Map<string, string>([[pid.key, 'found']]);
    expect(byKey.get(rt.whereis('keyed')!.key)).toBe('found');
    expect(pid.key).toBe(pid.key);
  });

  it('is distinct for every spawn, also after earlier processes ended', async () => {
    const { rt } = startRuntime();
    const pids: Pid[] = [];
    for (let i = 0; i < 500; i++) pids.push(rt.spawn(() => {}));
    await rt.idle();
    for (let i = 0; i < 500; i++) pids.push(rt.spawn(() => {}));
    expect(new Set(pids.map((pid) => pid.key)).size).toBe(1000);
  });

  it('reports its node and locality, and isPid recognises it', () => {
    const { rt } = startRuntime({ name: 'alpha@localhost' });
    const pid = rt.spawn(blockForever);
    expect(pid.node).toBe('alpha@localhost');
    expect(pid.creation).toBe(rt.creation);
    expect(pid.isLocal).toBe(true);
    expect(isPid(pid)).toBe(true);
    expect(isPid(String(pid))).toBe(false);
    expect(isPid({ id: pid.id })).toBe(false);
  });
});
