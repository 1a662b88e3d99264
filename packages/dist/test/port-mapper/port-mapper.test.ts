import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type PortMapper, ensurePortMapper } from '../../src/port-mapper/port-mapper.js';
import { freePort } from './support.js';

const mappers: PortMapper[] = [];
afterEach(async () => {
  for (const mapper of mappers.splice(0)) await mapper.close();
});

describe('ensurePortMapper', () => {
  it('starts the embedded port mapper when none answers, and uses it afterwards', async () => {
    const port = await freePort();
    const first = await ensurePortMapper({ port, timeoutMs: 2000 });
    mappers.push(first);
    expect(first.server).toBeDefined();
    expect(first.server!.port).toBe(port);
    const second = await ensurePortMapper({ port, timeoutMs: 2000 });
    mappers.push(second);
    expect(second.server).toBeUndefined();
    const registration = await second.client.register('alpha', 6001);
    expect(await first.client.lookup('alpha')).toBe(6001);
    await registration.close();
  });

  it('lets exactly one of two nodes starting at once run the embedded port mapper', async () => {
    const port = await freePort();
    const both = await Promise.all([ensurePortMapper({ port, timeoutMs: 2000 }), ensurePortMapper({ port, timeoutMs: 2000 })]);
    mappers.push(...both);
    expect(both.filter((mapper) => mapper.server !== undefined)).toHaveLength(1);
    const [a, b] = both;
    const registration = await a!.client.register('beta', 6002);
    expect(await b!.client.lookup('beta')).toBe(6002);
    await registration.close();
  });

  it('lets the others start a new one after the embedded one goes away', async () => {
    const port = await freePort();
    const owner = await ensurePortMapper({ port, timeoutMs: 2000 });
    const other = await ensurePortMapper({ port, timeoutMs: 2000 });
    const registration = await other.client.register('gamma', 6003);
    await owner.close();
    await registration.closed;
    const next = await ensurePortMapper({ port, timeoutMs: 2000 });
    mappers.push(next);
    expect(next.server).toBeDefined();
    const again = await next.client.register('gamma', 6003);
    expect(await next.client.lookup('gamma')).toBe(6003);
    await again.close();
  });

  it('refuses to take over a port where something else answers', async () => {
    const impostor = createServer((socket) => {
      socket.on('error', () => {});
      socket.resume();
      socket.end('not epmd');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const port = (impostor.address() as { port: number }).port;
    try {
      await expect(ensurePortMapper({ port, timeoutMs: 2000 })).rejects.toMatchObject({ code: 'bad_response' });
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('needs a fixed port', async () => {
    await expect(ensurePortMapper({ port: 0 })).rejects.toThrow(/fixed port/);
  });
});
