// Real child processes with a 1 s tick time: a stopped peer is down within the tick budget;
// a 50 MB message in flight does not starve the ticks.
import { type Pid, type ProcessContext } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalNode, Peer, freePort, killPeers, startLocalNode, until } from './harness/peer.js';

const TICK_MS = 1000;

describe('heartbeat across OS processes', () => {
  let local: LocalNode | undefined;
  afterEach(async () => {
    await killPeers();
    await local?.stop();
    local = undefined;
  });

  async function setup(): Promise<{ local: LocalNode; b: Peer }> {
    const portMapperPort = await freePort();
    local = await startLocalNode({ name: 'hb_a@127.0.0.1', portMapperPort, tickTimeMs: TICK_MS });
    const b = await Peer.start({ name: 'hb_b@127.0.0.1', portMapperPort, tickTimeMs: TICK_MS });
    await b.probe('inbox');
    expect(await local.cluster.ping(b.name)).toBe('pong');
    return { local, b };
  }

  it('declares a SIGSTOPped peer down within the tick budget', async () => {
    const { local, b } = await setup();
    // Stay idle for a few tick intervals first: ticks alone keep the connection up.
    await new Promise((resolve) => setTimeout(resolve, 1.5 * TICK_MS));
    expect(local.cluster.nodes()).toEqual([b.name]);
    const downs: [string, string, number][] = [];
    local.cluster.events.on('nodedown', (node, info) => downs.push([node, info.reason, performance.now()]));
    const stoppedAt = performance.now();
    b.signal('SIGSTOP');
    await until(() => downs.length === 1, 3 * TICK_MS, 'nodedown');
    const [node, reason, at] = downs[0]!;
    expect([node, reason]).toEqual([b.name, 'net_tick_timeout']);
    // Erlang's bound is T ± T/4; allow the event loop some slack on a loaded machine.
    expect(at - stoppedAt).toBeGreaterThanOrEqual(0.75 * TICK_MS - 50);
    expect(at - stoppedAt).toBeLessThanOrEqual(1.25 * TICK_MS + 500);
    expect(local.logs.filter((line) => /not responding/.test(line))).toHaveLength(1);
  });

  it('keeps the connection up (ticks and pings pass) while 50 MB messages travel both ways', async () => {
    const { local, b } = await setup();
    const downs: unknown[] = [];
    local.cluster.events.on('nodedown', (node, info) => downs.push([node, info.reason]));
    const sizes: number[] = [];
    local.runtime.spawn(
      async (self: ProcessContext) => {
        self.send({ name: 'inbox', node: b.name }, { cmd: 'size', replyTo: self.pid, payload: Buffer.alloc(50 * 1024 * 1024, 2) });
        for (;;) {
          const message = (await self.receive()) as { kind?: string; bytes?: number; cmd?: string; replyTo?: Pid; payload?: Buffer };
          if (message.kind === 'size') sizes.push(message.bytes!);
          if (message.cmd === 'size') sizes.push(message.payload!.length);
        }
      },
      { name: 'big' },
    );
    await b.act('inbox', { kind: 'bigSend', to: { name: 'big', node: local.cluster.name }, bytes: 50 * 1024 * 1024 });
    const pings: number[] = [];
    while (sizes.length < 2) {
      const started = performance.now();
      expect(await local.cluster.ping(b.name)).toBe('pong');
      pings.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (pings.length > 200) throw new Error('the 50 MB messages did not arrive in time');
    }
    expect(sizes.sort()).toEqual([50 * 1024 * 1024, 50 * 1024 * 1024]);
    expect(downs).toEqual([]);
    expect(Math.max(...pings)).toBeLessThan(TICK_MS);
    expect(await b.logs()).toEqual([]);
    expect(local.logs).toEqual([]);
  });
});
