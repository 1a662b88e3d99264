import type { Duplex } from 'node:stream';
import { NodeTable, Pid } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { HandshakeError } from '../../src/errors.js';
import { digest, newChallenge } from '../../src/handshake/challenge.js';
import {
  type AcceptHandshakeOptions,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  type DialHandshakeOptions,
  type HandshakeResult,
  acceptHandshake,
  dialHandshake,
} from '../../src/handshake/handshake.js';
import { createDuplexPair } from '../../src/transport/memory.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { Codec } from '../../src/wire/codec.js';
import { type ChallengeReplyFrame, PROTOCOL_VERSION } from '../../src/wire/frame.js';
import { FrameDecoder, encodeFramed } from '../../src/wire/framing.js';
import { ManualClock, ScriptedPeer, tapWrites } from './support.js';

const COOKIE = 'monster-cookie-8c1f5e';
const dialer = { name: 'a@127.0.0.1', cookie: COOKIE, creation: 11 };
const acceptor = { name: 'b@127.0.0.1', cookie: COOKIE, creation: 22 };

const sockets: Duplex[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

function pair(): [Duplex, Duplex] {
  const [a, b] = createDuplexPair();
  sockets.push(a, b);
  return [a, b];
}

function acceptOptions(overrides: Partial<AcceptHandshakeOptions> = {}) {
  const lines: string[] = [];
  const options: AcceptHandshakeOptions = { ...acceptor, onName: () => 'ok', logger: (line) => lines.push(line), ...overrides };
  return { options, lines };
}

async function handshakeError(promise: Promise<unknown>, code: string): Promise<HandshakeError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a HandshakeError ${code}, but the handshake completed`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HandshakeError);
  expect((error as HandshakeError).code).toBe(code);
  return error as HandshakeError;
}

const closed = (socket: Duplex) =>
  socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve()));

async function run(dial: Partial<DialHandshakeOptions> = {}, accept: Partial<AcceptHandshakeOptions> = {}) {
  const [d, a] = pair();
  const { options, lines } = acceptOptions(accept);
  const [dialed, accepted] = await Promise.allSettled([
    dialHandshake(d, { ...dialer, ...dial }),
    acceptHandshake(a, options),
  ]);
  return { dialed, accepted, lines, d, a };
}

function value(result: PromiseSettledResult<HandshakeResult>): HandshakeResult {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function reason(result: PromiseSettledResult<HandshakeResult>): HandshakeError {
  if (result.status === 'fulfilled') throw new Error('the handshake completed');
  expect(result.reason).toBeInstanceOf(HandshakeError);
  return result.reason as HandshakeError;
}

describe('handshake', () => {
  it('completes on both sides, each learning who the other is', async () => {
    const names: Array<[string, unknown]> = [];
    const { dialed, accepted, lines } = await run(
      { hidden: true, peerName: acceptor.name },
      { onName: (name, hello) => (names.push([name, hello]), 'ok') },
    );
    expect(names).toEqual([['a@127.0.0.1', { flags: { hidden: true }, creation: 11 }]]);
    expect(value(dialed)).toMatchObject({ peerName: 'b@127.0.0.1', peerCreation: 22, peerFlags: { hidden: false }, status: 'ok' });
    expect(value(accepted)).toMatchObject({ peerName: 'a@127.0.0.1', peerCreation: 11, peerFlags: { hidden: true }, status: 'ok' });
    expect(lines).toEqual([]);
  });

  it('hands the stream over paused and intact: frames after the handshake reach the connection', async () => {
    const { dialed, accepted } = await run();
    const d = value(dialed);
    const a = value(accepted);
    expect(d.socket.isPaused()).toBe(true);
    expect(a.socket.isPaused()).toBe(true);
    const codec = new Codec(new NodeTable(acceptor.name, acceptor.creation));
    const decoder = new FrameDecoder();
    decoder.push(a.buffered);
    const got = new Promise<unknown>((resolve) => {
      a.socket.on('data', (chunk: Buffer) => {
        decoder.push(chunk);
        const payload = decoder.next();
        if (payload !== undefined) resolve(codec.decodeFrame(payload));
      });
    });
    a.socket.resume();
    d.socket.write(encodeFramed(codec, { t: 'peers', nodes: ['c@127.0.0.1'] }));
    expect(await got).toEqual({ t: 'peers', nodes: ['c@127.0.0.1'] });
  });

  it('returns bytes that arrived together with the last handshake frame', async () => {
    const [d, a] = pair();
    const peer = new ScriptedPeer(a);
    const dialing = dialHandshake(d, dialer);
    expect((await peer.receive()) as { t: string }).toMatchObject({ t: 'hs_name', name: 'a@127.0.0.1', version: PROTOCOL_VERSION });
    const ours = newChallenge();
    peer.send(
      { t: 'hs_status', status: 'ok' },
      { t: 'hs_challenge', version: PROTOCOL_VERSION, name: 'b@127.0.0.1', flags: { hidden: false }, creation: 5, challenge: ours },
    );
    const reply = (await peer.receive()) as ChallengeReplyFrame;
    expect(reply.t).toBe('hs_challenge_reply');
    expect(reply.digest.equals(digest(COOKIE, ours, { prover: 'dialer', dialer: 'a@127.0.0.1', acceptor: 'b@127.0.0.1' }))).toBe(true);
    const tick = encodeFramed(peer.codec, { t: 'tick' });
    const partial = encodeFramed(peer.codec, { t: 'peers', nodes: ['x'] }).subarray(0, 6);
    // The ack, a whole tick and the start of another frame, all in one write.
    a.write(Buffer.concat([encodeFramed(peer.codec, { t: 'hs_challenge_ack', digest: digest(COOKIE, reply.challenge, { prover: 'acceptor', dialer: 'a@127.0.0.1', acceptor: 'b@127.0.0.1' }) }), tick, partial]));
    const result = await dialing;
    expect(result.buffered.equals(Buffer.concat([tick, partial]))).toBe(true);
  });

  it('never sends the cookie, only proofs of it, whether the handshake succeeds or fails', async () => {
    for (const dialCookie of [COOKIE, 'wrong-cookie-e77a']) {
      const [d, a] = pair();
      const sent = tapWrites(d);
      const answered = tapWrites(a);
      await Promise.allSettled([dialHandshake(d, { ...dialer, cookie: dialCookie }), acceptHandshake(a, acceptOptions().options)]);
      const bytes = Buffer.concat([...sent, ...answered]);
      expect(bytes.length).toBeGreaterThan(100);
      for (const cookie of [COOKIE, dialCookie]) {
        expect(bytes.includes(Buffer.from(cookie))).toBe(false);
        expect(bytes.includes(Buffer.from(cookie, 'utf16le'))).toBe(false);
      }
    }
  });

  it('with a wrong cookie, fails both sides with bad_cookie and logs one line on the acceptor', async () => {
    const { dialed, accepted, lines, d, a } = await run({ cookie: 'not-the-cookie' });
    const dialError = reason(dialed);
    const acceptError = reason(accepted);
    expect(dialError.code).toBe('bad_cookie');
    expect(dialError.details.byPeer).toBe(true);
    expect(acceptError.code).toBe('bad_cookie');
    expect(acceptError.details.peerName).toBe('a@127.0.0.1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^b@127\.0\.0\.1: connection attempt from node a@127\.0\.0\.1 rejected: bad_cookie: /);
    await Promise.all([closed(d), closed(a)]);
  });

  it('keeps a log line on one line whatever the peer calls itself', async () => {
    const { lines } = await run({ name: 'evil\n** fake log entry', cookie: 'wrong' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/\n/);
    expect(lines[0]).toContain('evil\\x0a** fake log entry');
  });

  it('with a bad ack, fails the dialer with bad_cookie and tells the acceptor', async () => {
    const [d, a] = pair();
    const peer = new ScriptedPeer(a);
    const dialing = dialHandshake(d, dialer);
    await peer.receive();
    peer.send(
      { t: 'hs_status', status: 'ok' },
      { t: 'hs_challenge', version: PROTOCOL_VERSION, name: 'b@127.0.0.1', flags: { hidden: false }, creation: 5, challenge: newChallenge() },
    );
    await peer.receive();
    peer.send({ t: 'hs_challenge_ack', digest: Buffer.alloc(32) });
    await handshakeError(dialing, 'bad_cookie');
    expect(await peer.receive()).toMatchObject({ t: 'hs_reject', code: 'bad_cookie' });
    expect(await peer.receive()).toBe('closed');
  });

  it('refuses a proof the right cookie made for a connection between other names (a relayed proof)', async () => {
    const [d, a] = pair();
    const peer = new ScriptedPeer(d);
    const { options, lines } = acceptOptions();
    const accepting = acceptHandshake(a, options);
    peer.send({ t: 'hs_name', version: PROTOCOL_VERSION, name: 'a@127.0.0.1', flags: { hidden: false }, creation: 1 });
    expect(await peer.receive()).toMatchObject({ t: 'hs_status', status: 'ok' });
    const hello = (await peer.receive()) as { t: string; challenge: Buffer };
    expect(hello.t).toBe('hs_challenge');
    // What a node that knows the cookie answers when it dials c, not b.
    const relayed = digest(COOKIE, hello.challenge, { prover: 'dialer', dialer: 'a@127.0.0.1', acceptor: 'c@127.0.0.1' });
    peer.send({ t: 'hs_challenge_reply', challenge: newChallenge(), digest: relayed });
    await handshakeError(accepting, 'bad_cookie');
    expect(await peer.receive()).toMatchObject({ t: 'hs_reject', code: 'bad_cookie' });
    expect(lines).toHaveLength(1);
  });

  it('refuses a dialer of another protocol version, with the reason, on both sides', async () => {
    const [d, a] = pair();
    const peer = new ScriptedPeer(d);
    const { options, lines } = acceptOptions();
    const accepting = acceptHandshake(a, options);
    peer.send({ t: 'hs_name', version: PROTOCOL_VERSION + 1, name: 'future@127.0.0.1', flags: { hidden: false }, creation: 1 });
    const error = await handshakeError(accepting, 'version_mismatch');
    expect(error.message).toMatch(new RegExp(`speaks protocol ${PROTOCOL_VERSION}, future@127.0.0.1 speaks ${PROTOCOL_VERSION + 1}`));
    expect(await peer.receive()).toMatchObject({ t: 'hs_reject', code: 'version_mismatch' });
    expect(lines).toHaveLength(1);
  });

  it('refuses an acceptor of another protocol version', async () => {
    const [d, a] = pair();
    const peer = new ScriptedPeer(a);
    const dialing = dialHandshake(d, dialer);
    await peer.receive();
    peer.send(
      { t: 'hs_status', status: 'ok' },
      { t: 'hs_challenge', version: 99, name: 'b@127.0.0.1', flags: { hidden: false }, creation: 5, challenge: newChallenge() },
    );
    const error = await handshakeError(dialing, 'version_mismatch');
    expect(error.details.byPeer).toBeUndefined();
    expect(await peer.receive()).toMatchObject({ t: 'hs_reject', code: 'version_mismatch' });
  });

  it('a dialer reports a version mismatch the acceptor detected', async () => {
    const [d, a] = pair();
    const peer = new ScriptedPeer(a);
    const dialing = dialHandshake(d, dialer);
    await peer.receive();
    peer.send({ t: 'hs_reject', code: 'version_mismatch', reason: 'we speak 7' });
    const error = await handshakeError(dialing, 'version_mismatch');
    expect(error.details.byPeer).toBe(true);
    expect(error.message).toMatch(/we speak 7/);
  });

  describe('stalls', () => {
    it('drops an acceptor whose dialer never speaks, when the clock says so', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(d);
      const clock = new ManualClock();
      const { options, lines } = acceptOptions({ clock, handshakeTimeoutMs: 500 });
      const accepting = acceptHandshake(a, options);
      expect(clock.armed).toEqual([500]);
      clock.fireAll();
      const error = await handshakeError(accepting, 'timeout');
      expect(error.message).toMatch(/500 ms/);
      expect(lines).toEqual([expect.stringMatching(/an unnamed peer rejected: timeout/)]);
      expect(await peer.receive()).toBe('closed');
    });

    it('drops a dialer stalled mid-handshake, after the name', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(a);
      const clock = new ManualClock();
      const dialing = dialHandshake(d, { ...dialer, clock });
      expect(clock.armed).toEqual([DEFAULT_HANDSHAKE_TIMEOUT_MS]);
      await peer.receive();
      peer.send({ t: 'hs_status', status: 'ok' });
      clock.fireAll();
      await handshakeError(dialing, 'timeout');
      expect(await peer.receive()).toBe('closed');
    });

    it('cuts an onName callback that never answers', async () => {
      const [d, a] = pair();
      const clock = new ManualClock();
      let asked!: () => void;
      const onNameCalled = new Promise<void>((resolve) => (asked = resolve));
      const { options } = acceptOptions({ clock, onName: () => (asked(), new Promise(() => {})) });
      const accepting = acceptHandshake(a, options);
      const dialing = dialHandshake(d, { ...dialer, handshakeTimeoutMs: 60_000 });
      await onNameCalled;
      clock.fireAll();
      await handshakeError(accepting, 'timeout');
      await handshakeError(dialing, 'closed');
    });

    it('times out with real timers too', async () => {
      const [d, a] = pair();
      new ScriptedPeer(d);
      const started = Date.now();
      const { options } = acceptOptions({ handshakeTimeoutMs: 50 });
      await handshakeError(acceptHandshake(a, options), 'timeout');
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('cancels its timer once complete', async () => {
      const clock = new ManualClock();
      const { dialed, accepted } = await run({ clock }, { clock });
      value(dialed);
      value(accepted);
      expect(clock.armed).toEqual([]);
    });
  });

  describe('frames out of place', () => {
    it('rejects a connection frame before the handshake with unexpected_frame', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(d);
      const { options, lines } = acceptOptions();
      const accepting = acceptHandshake(a, options);
      peer.send({ t: 'tick' });
      const error = await handshakeError(accepting, 'unexpected_frame');
      expect(error.message).toMatch(/expected 'hs_name', got connection frame 'tick'/);
      expect(await peer.receive()).toMatchObject({ t: 'hs_reject', code: 'unexpected_frame' });
      expect(lines).toHaveLength(1);
    });

    it('rejects a send with pids before the handshake with unexpected_frame', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(d);
      const table = new NodeTable('evil@127.0.0.1', 1);
      const { options } = acceptOptions();
      const accepting = acceptHandshake(a, options);
      peer.send({ t: 'send', to: new Pid(table.intern('b@127.0.0.1', 22), 1, 0), message: 'let me in' });
      await handshakeError(accepting, 'unexpected_frame');
    });

    it('rejects a handshake frame out of order', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(d);
      const accepting = acceptHandshake(a, acceptOptions().options);
      peer.send({ t: 'hs_challenge_ack', digest: Buffer.alloc(32) });
      const error = await handshakeError(accepting, 'unexpected_frame');
      expect(error.message).toMatch(/got handshake frame 'hs_challenge_ack'/);
    });

    it('rejects bytes that are not a frame with bad_frame', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(d);
      const accepting = acceptHandshake(a, acceptOptions().options);
      d.write(Buffer.of(0, 0, 0, 3, 0xc1, 0xc1, 0xc1));
      await handshakeError(accepting, 'bad_frame');
      expect(await peer.receive()).toMatchObject({ t: 'hs_reject', code: 'bad_frame' });
    });

    it('rejects a frame above the handshake size limit from its length prefix', async () => {
      const [d, a] = pair();
      new ScriptedPeer(d);
      const accepting = acceptHandshake(a, acceptOptions().options);
      d.write(Buffer.of(0, 1, 0, 0)); // announces 64 KiB; the body never needs to arrive
      const error = await handshakeError(accepting, 'bad_frame');
      expect(error.message).toMatch(/exceeds the maximum of 4096/);
    });

    it('fails with closed when the peer goes away mid-handshake', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(a);
      const dialing = dialHandshake(d, dialer);
      await peer.receive();
      a.end();
      await handshakeError(dialing, 'closed');
    });

    it('fails with closed on a socket that is already closed', async () => {
      const [d] = pair();
      d.destroy();
      await closed(d);
      await handshakeError(dialHandshake(d, dialer), 'closed');
    });
  });

  describe('statuses', () => {
    it('refuses both sides on nok, without logging it (a normal tie-break)', async () => {
      const { dialed, accepted, lines } = await run({}, { onName: () => 'nok' });
      expect(reason(dialed)).toMatchObject({ code: 'refused', details: { status: 'nok' } });
      expect(reason(accepted)).toMatchObject({ code: 'refused', details: { status: 'nok' } });
      expect(lines).toEqual([]);
    });

    it('refuses both sides on not_allowed, and logs it', async () => {
      const { dialed, accepted, lines } = await run({}, { onName: async () => 'not_allowed' as const });
      expect(reason(dialed).details.status).toBe('not_allowed');
      expect(reason(accepted).code).toBe('refused');
      expect(lines).toHaveLength(1);
    });

    it('passes ok_simultaneous through to both results', async () => {
      const { dialed, accepted } = await run({}, { onName: () => 'ok_simultaneous' });
      expect(value(dialed).status).toBe('ok_simultaneous');
      expect(value(accepted).status).toBe('ok_simultaneous');
    });

    it('on alive, continues when the dialer says its old connection is stale', async () => {
      let asked = 0;
      const { dialed, accepted } = await run({ onAlive: () => (asked++, true) }, { onName: () => 'alive' });
      expect(asked).toBe(1);
      expect(value(dialed).status).toBe('alive');
      expect(value(accepted).status).toBe('alive');
    });

    it('on alive, stops both sides when the dialer declines', async () => {
      const { dialed, accepted, lines } = await run({ onAlive: async () => false }, { onName: () => 'alive' });
      expect(reason(dialed)).toMatchObject({ code: 'refused', details: { status: 'alive' } });
      expect(reason(accepted)).toMatchObject({ code: 'refused', details: { status: 'alive' } });
      expect(lines).toEqual([]);
    });

    it('fails a dialer that reached another node than it meant to', async () => {
      const { dialed, accepted } = await run({ peerName: 'c@127.0.0.1' });
      expect(reason(dialed)).toMatchObject({ code: 'wrong_node' });
      expect(reason(dialed).message).toBe('dialed c@127.0.0.1 but reached b@127.0.0.1');
      expect(reason(accepted)).toMatchObject({ code: 'wrong_node', details: { byPeer: true } });
    });

    it('fails the acceptor when onName returns something that is not a status', async () => {
      const { accepted } = await run({}, { onName: () => 'yes' as never });
      expect(accepted.status).toBe('rejected');
      expect((accepted as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    });

    it('maps an unknown reject code from the peer to refused', async () => {
      const [d, a] = pair();
      const peer = new ScriptedPeer(a);
      const dialing = dialHandshake(d, dialer);
      await peer.receive();
      peer.send({ t: 'hs_reject', code: 'solar_flare', reason: 'try later' });
      const error = await handshakeError(dialing, 'refused');
      expect(error.message).toMatch(/solar_flare: try later/);
    });
  });

  it('checks its arguments', async () => {
    const [d, a] = pair();
    await expect(dialHandshake({} as Duplex, dialer)).rejects.toThrow(/socket/);
    await expect(dialHandshake(d, { ...dialer, name: '' })).rejects.toThrow(/name/);
    await expect(dialHandshake(d, { ...dialer, cookie: '' })).rejects.toThrow(/cookie/);
    await expect(dialHandshake(d, { ...dialer, creation: -1 })).rejects.toThrow(/creation/);
    await expect(dialHandshake(d, { ...dialer, handshakeTimeoutMs: 0 })).rejects.toThrow(/handshakeTimeoutMs/);
    await expect(dialHandshake(d, { ...dialer, peerName: '' })).rejects.toThrow(/peerName/);
    await expect(dialHandshake(d, { ...dialer, clock: {} as never })).rejects.toThrow(/clock/);
    await expect(acceptHandshake(a, { ...acceptor } as AcceptHandshakeOptions)).rejects.toThrow(/onName/);
  });

  describe('over TCP on 127.0.0.1', () => {
    const transport = new TcpTransport();

    async function overTcp(dialCookie: string) {
      const lines: string[] = [];
      let accepting!: Promise<HandshakeResult>;
      const acceptedSocket = new Promise<void>((resolve) => {
        void transport
          .listen({
            onConnection: (socket) => {
              sockets.push(socket);
              accepting = acceptHandshake(socket, { ...acceptor, onName: () => 'ok', logger: (l) => lines.push(l) });
              resolve();
            },
          })
          .then((listener) => {
            listening = listener;
          });
      });
      let listening: { port: number; close(): Promise<void> } | undefined;
      while (listening === undefined) await new Promise((resolve) => setImmediate(resolve));
      const socket = await transport.dial('127.0.0.1', listening.port);
      sockets.push(socket);
      const dialing = dialHandshake(socket, { ...dialer, cookie: dialCookie, handshakeTimeoutMs: 5000 });
      await acceptedSocket;
      const results = await Promise.allSettled([dialing, accepting]);
      await listening.close();
      return { results, lines };
    }

    it('completes with the same cookie', async () => {
      const { results, lines } = await overTcp(COOKIE);
      expect(value(results[0]!).peerName).toBe('b@127.0.0.1');
      expect(value(results[1]!).peerName).toBe('a@127.0.0.1');
      expect(lines).toEqual([]);
    });

    it('fails both sides with bad_cookie on a wrong cookie', async () => {
      const { results, lines } = await overTcp('wrong');
      expect(reason(results[0]!).code).toBe('bad_cookie');
      expect(reason(results[1]!).code).toBe('bad_cookie');
      expect(lines).toHaveLength(1);
    });
  });
});
