import { type Socket, createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortMapperError } from '../../src/errors.js';
import { EpmdClient } from '../../src/port-mapper/epmd-client.js';
import { ALIVE2_RESP, alive2Request, parsePort2Response, portPlease2Request } from '../../src/port-mapper/epmd-protocol.js';
import { EpmdServer } from '../../src/port-mapper/epmd-server.js';
import { eventually } from './support.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: { packetTimeoutMs?: number } = {}) {
  const server = await EpmdServer.start({ port: 0, ...options });
  cleanup.push(() => server.close());
  const client = new EpmdClient({ port: server.port, timeoutMs: 2000 });
  return { server, client };
}

/** Sends raw bytes and collects everything until the server closes. */
function raw(port: number, ...writes: Buffer[]): Promise<{ bytes: Buffer; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    cleanup.push(() => socket.destroy());
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), socket }));
    socket.on('connect', async () => {
      for (const bytes of writes) {
        socket.write(bytes);
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

describe('EpmdServer with EpmdClient', () => {
  it('binds 127.0.0.1 and serves register, lookup and names', async () => {
    const { server, client } = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(await client.names()).toEqual([]);
    const alpha = await client.register('alpha', 5001);
    const beta = await client.register('beta', 5002, { hidden: true });
    cleanup.push(() => alpha.close(), () => beta.close());
    expect(alpha.creation).toBeGreaterThan(0);
    expect(beta.creation).not.toBe(alpha.creation);
    expect(await client.lookup('alpha')).toBe(5001);
    expect(await client.lookup('beta')).toBe(5002);
    expect(await client.lookup('gamma')).toBeUndefined();
    expect((await client.names()).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'alpha', port: 5001 },
      { name: 'beta', port: 5002 },
    ]);
  });

  it('refuses a second live registration of a name', async () => {
    const { client } = await start();
    const first = await client.register('alpha', 5001);
    cleanup.push(() => first.close());
    await expect(client.register('alpha', 5009)).rejects.toMatchObject({ code: 'register_failed' });
    expect(await client.lookup('alpha')).toBe(5001);
  });

  it('unregisters a name when its connection closes, and lets it be taken again', async () => {
    const { client, server } = await start();
    const first = await client.register('alpha', 5001);
    await first.close();
    await eventually(async () => expect(server.names()).toEqual([]));
    expect(await client.lookup('alpha')).toBeUndefined();
    const again = await client.register('alpha', 5002);
    cleanup.push(() => again.close());
    expect(await client.lookup('alpha')).toBe(5002);
  });

  it('ends every registration when it stops, so their owners can re-register', async () => {
    const { server, client } = await start();
    const registration = await client.register('alpha', 5001);
    await server.close();
    await registration.closed;
    await expect(client.names()).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('stores the extra field and node type and returns them in PORT2_RESP', async () => {
    const { server, client } = await start();
    const registration = await client.register('alpha', 5001, { hidden: true, extra: Buffer.from('troupe/1') });
    cleanup.push(() => registration.close());
    const { bytes } = await raw(server.port, portPlease2Request('alpha'));
    expect(parsePort2Response(bytes)).toMatchObject({ name: 'alpha', port: 5001, nodeType: 72, extra: Buffer.from('troupe/1') });
  });

  it('reads a request that arrives a byte at a time', async () => {
    const { server, client } = await start();
    const registration = await client.register('alpha', 5001);
    cleanup.push(() => registration.close());
    const request = portPlease2Request('alpha');
    const { bytes } = await raw(server.port, ...[...request].map((b) => Buffer.of(b)));
    expect(parsePort2Response(bytes)?.port).toBe(5001);
  });

  it('answers an old (version 5) node with ALIVE2_RESP and a small creation', async () => {
    const { server } = await start();
    const request = alive2Request({ name: 'old', port: 1, nodeType: 77, protocol: 0, highestVersion: 5, lowestVersion: 5, extra: Buffer.alloc(0) });
    const socket = createConnection({ host: '127.0.0.1', port: server.port });
    cleanup.push(() => socket.destroy());
    const answer = await new Promise<Buffer>((resolve) => {
      socket.once('data', resolve);
      socket.write(request);
    });
    expect(answer[0]).toBe(ALIVE2_RESP);
    expect(answer[1]).toBe(0);
    expect([1, 2, 3]).toContain(answer.readUInt16BE(2));
  });

  it('closes connections with unknown or malformed requests', async () => {
    const { server } = await start();
    expect((await raw(server.port, Buffer.of(0, 1, 107))).bytes.length).toBe(0); // KILL_REQ is not served
    expect((await raw(server.port, Buffer.of(0, 3, 120, 0, 0))).bytes.length).toBe(0); // truncated ALIVE2
    expect(server.names()).toEqual([]);
  });

  it('drops a connection that never completes its request', async () => {
    const { server } = await start({ packetTimeoutMs: 50 });
    const started = Date.now();
    const { bytes } = await raw(server.port, Buffer.of(0, 9, 110));
    expect(bytes.length).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails to start on a taken port with EADDRINUSE', async () => {
    const { server } = await start();
    await expect(EpmdServer.start({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('EpmdClient', () => {
  it('reports unreachable when nothing listens', async () => {
    const server = await EpmdServer.start({ port: 0 });
    const client = new EpmdClient({ port: server.port, timeoutMs: 2000 });
    await server.close();
    const error = await client.lookup('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortMapperError);
    expect(error).toMatchObject({ code: 'unreachable' });
  });

  it('times out when the port mapper never answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer((socket) => {
      socket.on('error', () => {});
      socket.resume(); // read (and ignore) everything, so the client's close is seen
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => silent.close(resolve)));
    const client = new EpmdClient({ port: (silent.address() as { port: number }).port, timeoutMs: 100 });
    await expect(client.names()).rejects.toMatchObject({ code: 'timeout' });
    await expect(client.register('a', 1)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('reports bad_response for an answer that is not epmd', async () => {
    const { createServer } = await import('node:net');
    const liar = createServer((socket) => {
      socket.on('error', () => {});
      socket.resume();
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => liar.close(resolve)));
    const client = new EpmdClient({ port: (liar.address() as { port: number }).port, timeoutMs: 2000 });
    await expect(client.register('a', 1)).rejects.toMatchObject({ code: 'bad_response' });
    await expect(client.lookup('a')).rejects.toMatchObject({ code: 'bad_response' });
    await expect(client.names()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('checks its arguments', async () => {
    expect(() => new EpmdClient({ port: 70000 })).toThrow(/port/);
    expect(() => new EpmdClient({ host: '' })).toThrow(/host/);
    expect(() => new EpmdClient({ timeoutMs: -5 })).toThrow(/timeoutMs/);
    const client = new EpmdClient({ port: 1 });
    await expect(client.register('', 1)).rejects.toThrow(TypeError);
    await expect(client.register('a', -1)).rejects.toThrow(/port/);
    await expect(client.register('a', 1, { extra: 'x' as never })).rejects.toThrow(/extra/);
    await expect(client.lookup('a'.repeat(256))).rejects.toThrow(/255/);
  });
});
