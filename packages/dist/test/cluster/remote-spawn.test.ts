// Remote spawn (spawn/4, spawn_link/4, spawn_monitor/4) and rpc.call (erpc) in one process.
import { type DownMessage, type ProcessContext, isDownMessage, isExitMessage } from '@troupe/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteFunction } from '../../src/cluster/remote-spawn.js';
import { type TestNode, startNodes, stopNodes, until } from './support.js';

const functions: Record<string, RemoteFunction> = {
  add: (_self, x: number, y: number) => x + y,
  slowAdd: async (self, x: number, y: number) => {
    await self.sleep(10);
    return x + y;
  },
  *double(self, x: number) {
    yield* self.sleep(1);
    return 2 * x;
  },
  fail: () => {
    throw new RangeError('out of range');
  },
  quit: (self) => self.exit('quitting'),
  forever: async (self) => {
    await self.receive(() => false);
  },
  unsendable: () => () => 1,
  nodeName: (self) => self.node,
  worker: async (self, owner) => {
    self.send(owner, { hello: self.pid });
    const reason = await self.receive();
    self.exit(reason as string);
  },
};

describe('remote spawn and rpc (in-process)', () => {
  let nodes: TestNode[] = [];
  let a: TestNode;
  let b: TestNode;
  beforeEach(async () => {
    nodes = await startNodes(['a', 'b']);
    [a, b] = nodes as [TestNode, TestNode];
    for (const node of nodes) for (const [name, fn] of Object.entries(functions)) node.cluster.registerFunction(name, fn);
  });
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  it('rpc.call returns the result of plain, async and generator functions', async () => {
    expect(await a.cluster.rpc.call(b.name, 'add', [2, 3])).toBe(5);
    expect(await a.cluster.rpc.call(b.name, 'slowAdd', [2, 3], 1000)).toBe(5);
    expect(await a.cluster.rpc.call(b.name, 'double', [21])).toBe(42);
    expect(await a.cluster.rpc.call(b.name, 'nodeName')).toBe(b.name);
    expect(await a.cluster.rpc.call(a.name, 'nodeName')).toBe(a.name);
    expect(await a.cluster.rpc.call(a.name, 'add', [1, 1])).toBe(2);
  });

  it('rpc.call tells an exception, an exit, an unknown function, a timeout and an unreachable node apart', async () => {
    const caught = async (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
    const exception = await caught(a.cluster.rpc.call(b.name, 'fail'));
    expect(exception).toMatchObject({ code: 'rpc_exception', node: b.name, fn: 'fail' });
    expect((exception as { exception: Error }).exception).toBeInstanceOf(RangeError);
    expect((exception as { exception: Error }).exception.message).toBe('out of range');
    expect(await caught(a.cluster.rpc.call(b.name, 'quit'))).toMatchObject({ code: 'rpc_exit', reason: 'quitting' });
    expect(await caught(a.cluster.rpc.call(b.name, 'nope'))).toMatchObject({ code: 'rpc_exit', reason: { kind: 'undef', fn: 'nope' } });
    expect(await caught(a.cluster.rpc.call(a.name, 'nope'))).toMatchObject({ code: 'rpc_exit', reason: { kind: 'undef', fn: 'nope' } });
    expect(await caught(a.cluster.rpc.call(b.name, 'forever', [], 50))).toMatchObject({ code: 'rpc_timeout', timeoutMs: 50 });
    expect(await caught(a.cluster.rpc.call('ghost@127.0.0.1', 'add', [1, 2]))).toMatchObject({ code: 'rpc_exit', reason: 'noconnection' });
    expect(await caught(a.cluster.rpc.call(b.name, 'unsendable'))).toMatchObject({ code: 'rpc_exception' });
    // The timed-out process was killed on b.
    await until(() => b.runtime.processCount === 1); // only net_kernel is left
  });

  it('rpc.call reports noconnection when the node goes down during the call', async () => {
    const call = a.cluster.rpc.call(b.name, 'forever').catch((error: unknown) => error);
    await until(() => b.runtime.processCount === 2);
    a.cluster.disconnect(b.name);
    expect(await call).toMatchObject({ code: 'rpc_exit', reason: 'noconnection' });
  });

  it('spawns on another node, linked and monitored before the process runs', async () => {
    const got: unknown[] = [];
    const owner = a.runtime.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      const { pid, ref } = await a.cluster.spawn(b.name, 'worker', [self.pid], { self, link: true, monitor: true });
      got.push(await self.receive((m) => typeof m === 'object' && m !== null && 'hello' in m));
      self.send(pid, 'work-done');
      got.push(await self.receive(isExitMessage));
      got.push(await self.receive((m) => isDownMessage(m, ref)));
    });
    await until(() => got.length === 3);
    expect(got[1]).toMatchObject({ kind: 'EXIT', reason: 'work-done' });
    expect(got[2]).toMatchObject({ kind: 'DOWN', reason: 'work-done' });
    expect((got[2] as DownMessage).target).toEqual((got[0] as { hello: unknown }).hello);
    expect(a.runtime.isAlive(owner)).toBe(false);
  });

  it('spawns from outside any process, and rejects an unknown function with undef', async () => {
    const pid = await a.cluster.spawn(b.name, 'forever');
    expect(pid.node).toBe(b.name);
    await expect(a.cluster.spawn(b.name, 'nope')).rejects.toMatchObject({ code: 'spawn_failed', reason: 'undef' });
    await expect(a.cluster.spawn(a.name, 'nope')).rejects.toMatchObject({ code: 'spawn_failed', reason: 'undef' });
    await expect(a.cluster.spawn('ghost@127.0.0.1', 'add')).rejects.toMatchObject({ code: 'spawn_failed', reason: 'noconnection' });
    expect(() => a.cluster.spawn(b.name, 'add', [], { link: true })).toThrow(TypeError);
  });

  it('delivers a spawn monitor DOWN noconnection when the node goes down', async () => {
    const downs: unknown[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      const { ref } = await a.cluster.spawn(b.name, 'forever', [], { self, monitor: true });
      a.cluster.disconnect(b.name);
      downs.push(await self.receive((m) => isDownMessage(m, ref)));
    });
    await until(() => downs.length === 1);
    expect(downs[0]).toMatchObject({ kind: 'DOWN', reason: 'noconnection' });
  });

  it('lets demonitor turn off a spawn monitor: no DOWN arrives when the process later ends', async () => {
    const got: unknown[] = [];
    const owner = a.runtime.spawn(async (self: ProcessContext) => {
      const { pid, ref } = await a.cluster.spawn(b.name, 'worker', [self.pid], { self, monitor: true });
      got.push(await self.receive((m) => typeof m === 'object' && m !== null && 'hello' in m));
      got.push(self.demonitor(ref));
      self.send(pid, 'work-done');
      got.push(await self.receive((m) => isDownMessage(m, ref), { after: 200 }));
    });
    await until(() => got.length === 3);
    expect(got[1]).toBe(true);
    expect(typeof got[2]).toBe('symbol');
    expect(a.runtime.isAlive(owner)).toBe(false);
  });

  it('refuses bad registrations', () => {
    expect(() => a.cluster.registerFunction('add', () => 1)).toThrow(/already registered/);
    expect(() => a.cluster.registerFunction('$rpc', () => 1)).toThrow(TypeError);
    expect(a.cluster.unregisterFunction('add')).toBe(true);
    expect(a.cluster.unregisterFunction('$rpc')).toBe(false);
  });
});
