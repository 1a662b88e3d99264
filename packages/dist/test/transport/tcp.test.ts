import type { Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpTransport } from '../../src/transport/tcp.js';
import type { Listener } from '../../src/transport/transport.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('TcpTransport', () => {
  const transport = new TcpTransport();

  it('listens on 127.0.0.1 by default, with a real port for port 0, and carries bytes both ways', async () => {
    const accepted: Duplex[] = [];
    const listener: Listener = await transport.listen({
      onConnection: (socket) => {
        accepted.push(socket);
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])));
      },
    });
    cleanup.push(() => listener.close());
    expect(listener.host).toBe('127.0.0.1');
    expect(listener.port).toBeGreaterThan(0);
    const socket = (await transport.dial('127.0.0.1', listener.port)) as Socket;
    cleanup.push(() => socket.destroy());
    socket.on('error', () => {});
    const answer = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    socket.write('hi');
    expect(await answer).toBe('echo:hi');
    expect(socket.remoteAddress).toBe('127.0.0.1');
    expect(accepted).toHaveLength(1);
    for (const s of accepted) cleanup.push(() => s.destroy());
  });

  it('rejects a dial where nothing listens with ECONNREFUSED', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(transport.dial('127.0.0.1', port, { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects listening on a taken port with EADDRINUSE', async () => {
    const listener = await transport.listen({ onConnection: (s) => s.destroy() });
    cleanup.push(() => listener.close());
    await expect(transport.listen({ port: listener.port, onConnection: () => {} })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('close stops accepting but leaves accepted connections to their owner', async () => {
    let accepted: Duplex | undefined;
    const listener = await transport.listen({
      onConnection: (socket) => {
        accepted = socket;
        socket.on('error', () => {});
      },
    });
    const socket = await transport.dial('127.0.0.1', listener.port);
    socket.on('error', () => {});
    cleanup.push(() => socket.destroy());
    await new Promise<void>((resolve) => {
      const wait = () => (accepted === undefined ? setImmediate(wait) : resolve());
      wait();
    });
    await listener.close();
    await listener.close();
    await expect(transport.dial('127.0.0.1', listener.port, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    const answer = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    accepted!.write('still here');
    expect(await answer).toBe('still here');
    accepted!.destroy();
  });

  it('checks its arguments', async () => {
    await expect(transport.listen({ onConnection: 1 } as never)).rejects.toThrow(TypeError);
    await expect(transport.listen({ port: -1, onConnection: () => {} })).rejects.toThrow(/port/);
    await expect(transport.dial('127.0.0.1', 1.5)).rejects.toThrow(/port/);
    await expect(transport.dial('127.0.0.1', 1, { timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
  });
});
