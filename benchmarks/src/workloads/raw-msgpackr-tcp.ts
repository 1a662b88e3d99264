// dist-* for plain Node (system 'raw-msgpackr-tcp'): msgpackr frames over loopback TCP to a second Node process.
// No Troupe at all: the ceiling a Node distribution layer with this wire shape
// can reach on this machine. Writes are corked in batches, as any dist layer does.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inheritedConditions } from '../compiled.js';
import { encodeFrame, FrameReader } from '../peers/frames.js';
import { secondsSince } from './completion.js';
import { DIST_WARM_UP_ROUND_TRIPS, defineWorkload } from './workload.js';

const PEER = fileURLToPath(new URL('../peers/raw-tcp-peer.ts', import.meta.url));
const VARIANT = 'raw-msgpackr-tcp';
const MEGABYTE = 1_048_576;
const BATCH = 256;

/** One connection to the peer: frames out, decoded frames in, awaited one at a time. */
class Link {
  readonly #socket: Socket;
  readonly #arrived: unknown[] = [];
  #waiter: ((value: unknown) => void) | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    const reader = new FrameReader((value) => {
      const waiter = this.#waiter;
      if (waiter === undefined) return void this.#arrived.push(value);
      this.#waiter = undefined;
      waiter(value);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  }

  next(): Promise<unknown> {
    if (this.#arrived.length > 0) return Promise.resolve(this.#arrived.shift());
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  send(value: unknown): void {
    this.#socket.write(encodeFrame(value));
  }

  /**
   * Sends `count` copies of `value`: corked up to `BATCH` frames at a time, a batch ending
   * early once the socket's buffer is full, then waiting for 'drain' (bounded memory).
   */
  async sendMany(value: unknown, count: number): Promise<void> {
    for (let sent = 0; sent < count; ) {
      this.#socket.cork();
      const end = Math.min(count, sent + BATCH);
      let full = false;
      while (sent < end && !full) {
        full = !this.#socket.write(encodeFrame(value));
        sent++;
      }
      this.#socket.uncork();
      if (full) await once(this.#socket, 'drain');
    }
  }

  async sync(): Promise<number> {
    this.send(['sync']);
    const [tag, count] = (await this.next()) as [string, number];
    if (tag !== 'synced') throw new Error(`raw-msgpackr-tcp: expected synced, got ${tag}`);
    return count;
  }

  close(): void {
    this.#socket.destroy();
  }
}

async function withPeer<T>(use: (link: Link) => Promise<T>): Promise<T> {
  // TROUPE_BENCH_PEER_NODE_ARGS: extra Node/V8 flags for the peer, as in dist.ts.
  const extraArgs = process.env['TROUPE_BENCH_PEER_NODE_ARGS']?.split(' ').filter((arg) => arg !== '') ?? [];
  const peer = fork(PEER, [], {
    execArgv: [...inheritedConditions(), '--import', 'tsx', ...extraArgs],
    stdio: ['ignore', extraArgs.length > 0 ? 2 : 'ignore', 'inherit', 'ipc'],
  });
  try {
    const [{ port }] = (await once(peer, 'message')) as [{ port: number }];
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    await once(socket, 'connect');
    const link = new Link(socket);
    try {
      return await use(link);
    } finally {
      link.close();
    }
  } finally {
    peer.kill();
  }
}

export const rawRoundtrip = defineWorkload('dist-roundtrip', {
  variants: [VARIANT],
  run: (_variant, { size: roundTrips }) =>
    withPeer(async (link) => {
      const roundTrip = async (n: number): Promise<void> => {
        link.send(['ping', n]);
        await link.next();
      };
      for (let i = 0; i < DIST_WARM_UP_ROUND_TRIPS; i++) await roundTrip(i);
      const start = performance.now();
      for (let i = 0; i < roundTrips; i++) await roundTrip(i);
      return roundTrips / secondsSince(start);
    }),
});

export const rawOneway = defineWorkload('dist-oneway', {
  variants: [VARIANT],
  run: (_variant, { size: messages }) =>
    withPeer(async (link) => {
      const start = performance.now();
      await link.sendMany(['msg', 42], messages);
      const received = await link.sync();
      if (received !== messages) throw new Error(`raw-msgpackr-tcp: peer counted ${received} of ${messages}`);
      return messages / secondsSince(start);
    }),
});

export const rawOneMegabyte = defineWorkload('dist-1mb', {
  variants: [VARIANT],
  run: (_variant, { size: messages }) =>
    withPeer(async (link) => {
      const payload = Buffer.alloc(MEGABYTE, 'x');
      const start = performance.now();
      await link.sendMany(['bin', payload], messages);
      const received = await link.sync();
      if (received !== messages) throw new Error(`raw-msgpackr-tcp: peer counted ${received} of ${messages}`);
      return messages / secondsSince(start); // each message is exactly 1 MB (2^20 bytes) of payload
    }),
});
