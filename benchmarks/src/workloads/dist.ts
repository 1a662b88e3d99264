// dist-* on Troupe (cf. erlang/bench_dist.erl): this process runs a node, forks a second Node
// process running another (dist-peer.ts: `echo` and `sink`), and a client process of the
// variant's kind talks to them over one TCP connection on 127.0.0.1. Both nodes listen on
// explicit free ports and know each other's (no port mapper, so nothing touches 4369).
// The peer is killed on every path; every wait has a deadline and every loop a bound.
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Cluster, startDistribution } from '@troupe/dist';
import { type Matcher, type Pid, type ProcessContext, Runtime, TIMEOUT, silentLogger } from '@troupe/runtime';
import { inheritedConditions } from '../compiled.js';
import { secondsSince } from './completion.js';
import type { DistPeerConfig } from './dist-peer.js';
import { inClient } from './otp-client.js';
import { DIST_WARM_UP_ROUND_TRIPS, defineWorkload } from './workload.js';

const PEER = fileURLToPath(new URL('./dist-peer.ts', import.meta.url));
const HOST = '127.0.0.1';
const COOKIE = 'troupe-bench-dist';
const MEGABYTE = 1_048_576;
const DEFAULT_MAX_MESSAGE_BYTES = 64 * MEGABYTE;
/** Longest wait for any one reply: a stuck run fails instead of hanging until the hard timeout. */
const REPLY_TIMEOUT_MS = 30_000;
const PEER_START_TIMEOUT_MS = 20_000;
/** One-way senders check for a busy connection (the BEAM's busy dist port) every so many messages. */
const BUSY_CHECK_EVERY = 64;
/** dist-latency-under-load stops sampling after this many round trips or this long, whichever first. */
const MAX_LATENCY_SAMPLES = 1_000_000;
const MAX_LATENCY_MS = 30_000;

const PING = 'ping';
const SMALL = ['msg', 42] as const;

/** A running pair of nodes: this one (with `cluster`) and the forked peer `node`. */
interface Pair {
  readonly rt: Runtime;
  readonly cluster: Cluster;
  readonly node: string;
}

/** Two distinct free loopback ports (never 4369): both are held open until both are known. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let attempts = 0; servers.length < count && attempts < 20; attempts++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string' || address.port === 4369) server.close();
      else servers.push(server);
    }
    if (servers.length < count) throw new Error('dist: could not find free ports');
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function waitForReady(peer: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      peer.off('message', onMessage);
      peer.off('exit', onExit);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onMessage = (message: unknown): void => {
      if ((message as { ready?: unknown })?.ready === true) done();
    };
    const onExit = (code: number | null): void => done(new Error(`dist: the peer node exited (code ${code}) before it was ready`));
    const timer = setTimeout(() => done(new Error('dist: the peer node did not start in time')), PEER_START_TIMEOUT_MS);
    peer.on('message', onMessage);
    peer.once('exit', onExit);
  });
}

async function withPeer<T>(maxMessageBytes: number, use: (pair: Pair) => Promise<T>): Promise<T> {
  const [mainPort, peerPort] = (await freePorts(2)) as [number, number];
  const mainName = `troupe_bench_a_${process.pid}@${HOST}`;
  const peerName = `troupe_bench_b_${process.pid}@${HOST}`;
  const rt = new Runtime({ logger: silentLogger });
  let peer: ChildProcess | undefined;
  let cluster: Cluster | undefined;
  const kill = (): void => {
    if (peer !== undefined && peer.exitCode === null && peer.signalCode === null) peer.kill('SIGKILL');
  };
  process.once('exit', kill);
  try {
    cluster = await startDistribution(rt, {
      name: mainName,
      cookie: COOKIE,
      portMapper: false,
      listen: { host: HOST, port: mainPort },
      peers: { [peerName]: { host: HOST, port: peerPort } },
      maxMessageBytes,
    });
    const config: DistPeerConfig = {
      name: peerName,
      port: peerPort,
      cookie: COOKIE,
      main: { name: mainName, port: mainPort },
      maxMessageBytes,
    };
    // TROUPE_BENCH_PEER_CPU_PROF=<dir> profiles the peer too (--cpu-prof is not allowed in NODE_OPTIONS).
    const profileDir = process.env['TROUPE_BENCH_PEER_CPU_PROF'];
    // TROUPE_BENCH_PEER_NODE_ARGS='--trace-gc …' passes V8/Node flags to the peer (not allowed
    // in NODE_OPTIONS either); its stdout then goes to this process's stderr.
    const extraArgs = process.env['TROUPE_BENCH_PEER_NODE_ARGS']?.split(' ').filter((arg) => arg !== '') ?? [];
    peer = fork(PEER, [JSON.stringify(config)], {
      execArgv: [...inheritedConditions(), '--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...extraArgs],
      stdio: ['ignore', extraArgs.length > 0 ? 2 : 'ignore', 'inherit', 'ipc'],
    });
    await waitForReady(peer);
    await cluster.connect(peerName);
    return await use({ rt, cluster, node: peerName });
  } finally {
    if (peer !== undefined && process.env['TROUPE_BENCH_PEER_CPU_PROF']) {
      // A profiled peer must exit on its own to write its profile: it does when IPC closes.
      const exited = new Promise((resolve) => peer!.once('exit', resolve));
      if (peer.connected) peer.disconnect();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    kill();
    process.off('exit', kill);
    await cluster?.stop();
    await rt.shutdown();
  }
}

function timedOut(what: string): Error {
  return new Error(`dist: no ${what} within ${REPLY_TIMEOUT_MS} ms`);
}

const isSynced: Matcher = (message) => Array.isArray(message) && message[0] === 'synced';
const isPing: Matcher = (message) => message === PING;

function checkSynced(reply: unknown, expected: number): void {
  const count = (reply as [string, number])[1];
  if (count !== expected) throw new Error(`dist: the sink counted ${count} of ${expected} messages`);
}

// ── generator client steps ──────────────────────────────────────────────────

function* replyOf(self: ProcessContext, what: string, matcher?: Matcher): Generator<unknown, unknown, unknown> {
  const reply = matcher === undefined
    ? yield* self.receive({ after: REPLY_TIMEOUT_MS })
    : yield* self.receive(matcher, { after: REPLY_TIMEOUT_MS });
  if (reply === TIMEOUT) throw timedOut(what);
  return reply;
}

function* pidOf(self: ProcessContext, node: string, name: string): Generator<unknown, Pid, unknown> {
  self.send({ name, node }, name === 'echo' ? [self.pid, 'pid'] : ['pid', self.pid]);
  return (yield* replyOf(self, `pid of ${name}`)) as Pid;
}

function* roundTrips(self: ProcessContext, echo: Pid, count: number): Generator<unknown, void, unknown> {
  for (let i = 0; i < count; i++) {
    self.send(echo, [self.pid, PING]);
    if ((yield* replyOf(self, 'echo')) !== PING) throw new Error('dist: the echo sent something else');
  }
}

// The BEAM suspends a sender on a busy dist port; here the sender waits for the drain itself.
function* drained(self: ProcessContext, pair: Pair): Generator<unknown, void, unknown> {
  const token = Symbol('drained');
  void pair.cluster.whenDrained(pair.node).then(() => pair.rt.send(self.pid, token));
  yield* replyOf(self, 'drain', (message) => message === token);
}

function* sendMany(self: ProcessContext, pair: Pair, to: Pid, message: unknown, count: number, every: number): Generator<unknown, void, unknown> {
  for (let i = 0; i < count; i++) {
    self.send(to, message);
    if (i % every === every - 1 && pair.cluster.isBusy(pair.node)) yield* drained(self, pair);
  }
}

function* sync(self: ProcessContext, sink: Pid, expected: number): Generator<unknown, void, unknown> {
  self.send(sink, ['sync', self.pid]);
  checkSynced(yield* replyOf(self, 'sync reply', isSynced), expected);
}

// ── async client steps (the same, awaited) ──────────────────────────────────

async function replyOfAsync(self: ProcessContext, what: string, matcher?: Matcher): Promise<unknown> {
  const reply = matcher === undefined
    ? await self.receive({ after: REPLY_TIMEOUT_MS })
    : await self.receive(matcher, { after: REPLY_TIMEOUT_MS });
  if (reply === TIMEOUT) throw timedOut(what);
  return reply;
}

async function pidOfAsync(self: ProcessContext, node: string, name: string): Promise<Pid> {
  self.send({ name, node }, name === 'echo' ? [self.pid, 'pid'] : ['pid', self.pid]);
  return (await replyOfAsync(self, `pid of ${name}`)) as Pid;
}

async function roundTripsAsync(self: ProcessContext, echo: Pid, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    self.send(echo, [self.pid, PING]);
    if ((await replyOfAsync(self, 'echo')) !== PING) throw new Error('dist: the echo sent something else');
  }
}

async function drainedAsync(self: ProcessContext, pair: Pair): Promise<void> {
  const token = Symbol('drained');
  void pair.cluster.whenDrained(pair.node).then(() => pair.rt.send(self.pid, token));
  await replyOfAsync(self, 'drain', (message) => message === token);
}

async function sendManyAsync(self: ProcessContext, pair: Pair, to: Pid, message: unknown, count: number, every: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    self.send(to, message);
    if (i % every === every - 1 && pair.cluster.isBusy(pair.node)) await drainedAsync(self, pair);
  }
}

async function syncAsync(self: ProcessContext, sink: Pid, expected: number): Promise<void> {
  self.send(sink, ['sync', self.pid]);
  checkSynced(await replyOfAsync(self, 'sync reply', isSynced), expected);
}

// ── workloads ───────────────────────────────────────────────────────────────

export const distRoundtrip = defineWorkload('dist-roundtrip', {
  variants: ['generator', 'async'],
  run: (variant, { size }) =>
    withPeer(DEFAULT_MAX_MESSAGE_BYTES, (pair) =>
      inClient(pair.rt, variant, {
        *generator(self) {
          const echo = yield* pidOf(self, pair.node, 'echo');
          yield* roundTrips(self, echo, DIST_WARM_UP_ROUND_TRIPS);
          const start = performance.now();
          yield* roundTrips(self, echo, size);
          return size / secondsSince(start);
        },
        async async(self) {
          const echo = await pidOfAsync(self, pair.node, 'echo');
          await roundTripsAsync(self, echo, DIST_WARM_UP_ROUND_TRIPS);
          const start = performance.now();
          await roundTripsAsync(self, echo, size);
          return size / secondsSince(start);
        },
      }),
    ),
});

export const distOneway = defineWorkload('dist-oneway', {
  variants: ['generator', 'async'],
  run: (variant, { size }) =>
    withPeer(DEFAULT_MAX_MESSAGE_BYTES, (pair) =>
      inClient(pair.rt, variant, {
        *generator(self) {
          const sink = yield* pidOf(self, pair.node, 'sink');
          const start = performance.now();
          yield* sendMany(self, pair, sink, SMALL, size, BUSY_CHECK_EVERY);
          yield* sync(self, sink, size);
          return size / secondsSince(start);
        },
        async async(self) {
          const sink = await pidOfAsync(self, pair.node, 'sink');
          const start = performance.now();
          await sendManyAsync(self, pair, sink, SMALL, size, BUSY_CHECK_EVERY);
          await syncAsync(self, sink, size);
          return size / secondsSince(start);
        },
      }),
    ),
});

export const distOneMegabyte = defineWorkload('dist-1mb', {
  variants: ['generator', 'async'],
  run: (variant, { size }) => {
    const message = ['bin', Buffer.alloc(MEGABYTE, 'x')] as const;
    return withPeer(DEFAULT_MAX_MESSAGE_BYTES, (pair) =>
      inClient(pair.rt, variant, {
        *generator(self) {
          const sink = yield* pidOf(self, pair.node, 'sink');
          const start = performance.now();
          yield* sendMany(self, pair, sink, message, size, 1);
          yield* sync(self, sink, size);
          return size / secondsSince(start); // each message is exactly 1 MB (2^20 bytes) of payload
        },
        async async(self) {
          const sink = await pidOfAsync(self, pair.node, 'sink');
          const start = performance.now();
          await sendManyAsync(self, pair, sink, message, size, 1);
          await syncAsync(self, sink, size);
          return size / secondsSince(start);
        },
      }),
    );
  },
});

/** The 99th percentile (nearest rank) of `samples`, in their unit. */
function p99(samples: number[]): number {
  if (samples.length === 0) throw new Error('dist-latency-under-load: no round trip completed while the payload was in flight');
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

// A second process sends the big binary and then a sync (answered to `client`): a sender's
// own later messages wait behind its big one (per-sender order, as on the BEAM), other
// processes' messages must not.
function sendBig(client: ProcessContext, sink: Pid, big: unknown): void {
  const to = client.pid;
  client.spawn(function* (self) {
    self.send(sink, big);
    self.send(sink, ['sync', to]);
  });
}

// Round trips to echo, timed one by one, from the moment another process queues the big
// binary to the sink until the sink's sync reply shows it has arrived (bounded by count
// and time).
export const distLatencyUnderLoad = defineWorkload('dist-latency-under-load', {
  variants: ['generator', 'async'],
  run: (variant, { size }) => {
    const big = ['bin', Buffer.alloc(size * MEGABYTE, 'x')] as const;
    const samples: number[] = [];
    return withPeer(size * MEGABYTE + MEGABYTE, (pair) =>
      inClient(pair.rt, variant, {
        *generator(self) {
          const echo = yield* pidOf(self, pair.node, 'echo');
          const sink = yield* pidOf(self, pair.node, 'sink');
          yield* roundTrips(self, echo, DIST_WARM_UP_ROUND_TRIPS);
          const start = performance.now();
          sendBig(self, sink, big);
          let synced: unknown = TIMEOUT;
          while (synced === TIMEOUT && samples.length < MAX_LATENCY_SAMPLES && performance.now() - start < MAX_LATENCY_MS) {
            const sent = performance.now();
            self.send(echo, [self.pid, PING]);
            yield* replyOf(self, 'echo', isPing);
            samples.push(performance.now() - sent);
            synced = yield* self.receive(isSynced, { after: 0 });
          }
          if (synced === TIMEOUT) synced = yield* replyOf(self, 'sync reply', isSynced);
          checkSynced(synced, 1);
          return p99(samples);
        },
        async async(self) {
          const echo = await pidOfAsync(self, pair.node, 'echo');
          const sink = await pidOfAsync(self, pair.node, 'sink');
          await roundTripsAsync(self, echo, DIST_WARM_UP_ROUND_TRIPS);
          const start = performance.now();
          sendBig(self, sink, big);
          let synced: unknown = TIMEOUT;
          while (synced === TIMEOUT && samples.length < MAX_LATENCY_SAMPLES && performance.now() - start < MAX_LATENCY_MS) {
            const sent = performance.now();
            self.send(echo, [self.pid, PING]);
            await replyOfAsync(self, 'echo', isPing);
            samples.push(performance.now() - sent);
            synced = await self.receive(isSynced, { after: 0 });
          }
          if (synced === TIMEOUT) synced = await replyOfAsync(self, 'sync reply', isSynced);
          checkSynced(synced, 1);
          return p99(samples);
        },
      }),
    );
  },
});
