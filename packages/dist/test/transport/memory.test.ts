import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryNetwork, MemoryTransport, createDuplexPair } from '../../src/transport/memory.js';

function collect(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

const closed = (stream: Duplex) => new Promise<void>((resolve) => stream.once('close', () => resolve()));

describe('createDuplexPair', () => {
  it('carries bytes both ways, in order, and never synchronously', async () => {
    const [a, b] = createDuplexPair();
    const received: string[] = [];
    const both = new Promise<void>((resolve) =>
      b.on('data', (chunk: Buffer) => received.push(chunk.toString()) === 2 && resolve()),
    );
    a.write('one');
    a.write('two');
    expect(received).toEqual([]);
    const back = new Promise<string>((resolve) => a.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    b.write('pong');
    expect(await back).toBe('pong');
    await both;
    expect(received).toEqual(['one', 'two']);
  });

  it('copies written bytes, so the writer may reuse its buffer', async () => {
    const [a, b] = createDuplexPair();
    const buffer = Buffer.from('abc');
    const got = collect(b);
    a.write(buffer, () => buffer.fill(0));
    a.end();
    expect((await got).toString()).toBe('abc');
  });

  it('ending one side ends the other after the bytes already sent, then both close', async () => {
    const [a, b] = createDuplexPair();
    const got = collect(b);
    a.resume(); // a side closes once it has read the other side's end, as a socket does
    a.end('last words');
    expect((await got).toString()).toBe('last words');
    await Promise.all([closed(a), closed(b)]);
  });

  it('destroying one side ends the other without an error', async () => {
    const [a, b] = createDuplexPair();
    const errors: unknown[] = [];
    b.on('error', (error) => errors.push(error));
    const got = collect(b);
    a.write('partial');
    await new Promise((resolve) => setImmediate(resolve));
    a.destroy();
    expect((await got).toString()).toBe('partial');
    await closed(b);
    expect(errors).toEqual([]);
  });

  it('applies backpressure when the reader does not read', async () => {
    const [a, b] = createDuplexPair();
    b.pause();
    let writable = true;
    for (let i = 0; i < 64 && writable; i++) writable = a.write(Buffer.alloc(16 * 1024));
    expect(writable).toBe(false);
    const drained = new Promise<void>((resolve) => a.once('drain', () => resolve()));
    b.resume();
    await drained;
    a.destroy();
  });

  it('fails a write after the other side is gone', async () => {
    const [a, b] = createDuplexPair();
    b.destroy();
    await closed(b);
    a.on('error', () => {});
    await new Promise((resolve) => setImmediate(resolve));
    a.destroy();
    await closed(a);
  });
});

describe('MemoryTransport', () => {
  it('connects a dialer to a listener on the same network', async () => {
    const network = new MemoryNetwork();
    const server = new MemoryTransport(network);
    const client = new MemoryTransport(network);
    const accepted = new Promise<Duplex>((resolve) => void server.listen({ port: 0, onConnection: resolve }).then(check));
    let port = 0;
    function check(listener: { host: string; port: number }) {
      expect(listener.host).toBe('127.0.0.1');
      port = listener.port;
    }
    await new Promise((resolve) => setImmediate(resolve));
    const dialed = await client.dial('127.0.0.1', port);
    const socket = await accepted;
    const echoed = new Promise<string>((resolve) => dialed.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    socket.on('data', (chunk: Buffer) => socket.write(chunk));
    dialed.write('echo');
    expect(await echoed).toBe('echo');
    dialed.destroy();
    socket.destroy();
  });

  it('refuses a dial to nothing and a second listener on a taken port', async () => {
    const transport = new MemoryTransport();
    await expect(transport.dial('127.0.0.1', 1)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const listener = await transport.listen({ port: 4000, onConnection: () => {} });
    await expect(transport.listen({ port: 4000, onConnection: () => {} })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await listener.close();
    await expect(transport.dial('127.0.0.1', 4000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const again = await transport.listen({ port: 4000, onConnection: () => {} });
    expect(again.port).toBe(4000);
  });

  it('gives distinct ports for port 0 and keeps transports on different networks apart', async () => {
    const a = new MemoryTransport();
    const b = new MemoryTransport();
    const first = await a.listen({ onConnection: () => {} });
    const second = await a.listen({ onConnection: () => {} });
    expect(first.port).not.toBe(second.port);
    await expect(b.dial('127.0.0.1', first.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('checks its arguments', async () => {
    const transport = new MemoryTransport();
    await expect(transport.listen({} as never)).rejects.toThrow(TypeError);
    await expect(transport.listen({ port: 70000, onConnection: () => {} })).rejects.toThrow(/port/);
    await expect(transport.dial('', 1)).rejects.toThrow(/host/);
    expect(() => new MemoryTransport({} as MemoryNetwork)).toThrow(TypeError);
  });
});
