// gen_server across nodes (in-process): the OTP call protocol — monitor with alias, request to
// {name, node} or a pid, reply to the alias — rides on remote monitors and Ref routing.
import { GenServer, type GenServerModule, noreply, ok, reply } from '@troupe/otp';
import { type Pid, type ProcessContext } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestNode, pidSeenFrom, startNodes, stopNodes, until } from './support.js';

type CounterTypes = { state: number; call: 'get' | 'slow' | 'crash'; reply: number; cast: number };
const Counter: GenServerModule<CounterTypes> = {
  init: () => ok(0),
  handleCall: (request, _from, state) => {
    if (request === 'crash') throw new Error('counter crashed');
    if (request === 'slow') return noreply(state); // never answers
    return reply(state, state);
  },
  handleCast: (by, state) => noreply(state + by),
};

describe('gen_server across nodes (in-process)', () => {
  let nodes: TestNode[] = [];
  let a: TestNode;
  let b: TestNode;
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  async function counterOnB(): Promise<Pid> {
    nodes = await startNodes(['a', 'b']);
    [a, b] = nodes as [TestNode, TestNode];
    const started = await GenServer.start(b.runtime, Counter, undefined, { name: 'counter' });
    if (started.kind !== 'ok') throw new Error('counter did not start');
    return started.pid;
  }

  it('calls and casts a server on another node by {name, node}, from outside and inside a process', async () => {
    await counterOnB();
    const counter = { name: 'counter', node: b.name };
    GenServer.cast(a.runtime, counter, 5);
    expect(await GenServer.call(a.runtime, counter, 'get')).toBe(5);
    const fromProcess: number[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      GenServer.cast(self, counter, 2);
      fromProcess.push(await GenServer.call(self, counter, 'get'));
    });
    await until(() => fromProcess.length === 1);
    expect(fromProcess).toEqual([7]);
  });

  it('calls a remote server by pid learned from a message', async () => {
    const pid = await counterOnB();
    const remote = await pidSeenFrom(a, b, pid);
    expect(remote.isLocal).toBe(false);
    expect(await GenServer.call(a.runtime, remote, 'get')).toBe(0);
  });

  it('times out, exits with the crash reason, and exits with noconnection — distinctly', async () => {
    await counterOnB();
    const counter = { name: 'counter', node: b.name };
    await expect(GenServer.call(a.runtime, counter, 'slow', 100)).rejects.toMatchObject({ code: 'call_timeout' });
    const crashed = await GenServer.call(a.runtime, counter, 'crash').catch((error: unknown) => error);
    expect(crashed).toMatchObject({ code: 'call_exit', reason: { kind: 'error' } });
    await expect(GenServer.call(a.runtime, counter, 'get')).rejects.toMatchObject({ code: 'call_exit', reason: 'noproc' });
    const restarted = await GenServer.start(b.runtime, Counter, undefined, { name: 'counter' });
    expect(restarted.kind).toBe('ok');
    const pending = GenServer.call(a.runtime, counter, 'slow', 5000).catch((error: unknown) => error);
    await until(() => b.runtime.processInfo(b.runtime.whereis('counter')!)?.monitoredBy.length === 1);
    a.cluster.disconnect(b.name);
    expect(await pending).toMatchObject({ code: 'call_exit', reason: 'noconnection' });
  });
});
