// Sample terms and one well-formed frame of every kind, shared by the wire tests.
import { NodeTable, Pid, Ref, errorReason, shutdownWith } from '@troupe/runtime';
import type { Frame, FrameTag } from '../../src/wire/frame.js';

/** A node table for `a@127.0.0.1` that already knows `b@127.0.0.1`. */
export function sampleTerms() {
  const table = new NodeTable('a@127.0.0.1', 7);
  const remote = table.intern('b@127.0.0.1', 3);
  const local = new Pid(table.local, 42, 0);
  const far = new Pid(remote, 9, 1);
  const ref = new Ref(table.local, 1234);
  const farRef = new Ref(remote, 77);
  return { table, remote, local, far, ref, farRef };
}

/** One frame of every kind, keyed by tag, built on `sampleTerms()`. */
export function sampleFrames(terms = sampleTerms()): { readonly [T in FrameTag]: Extract<Frame, { t: T }> } {
  const { local, far, ref, farRef } = terms;
  const challenge = Buffer.alloc(32, 7);
  return {
    hs_name: { t: 'hs_name', version: 1, name: 'a@127.0.0.1', flags: { hidden: false }, creation: 7 },
    hs_status: { t: 'hs_status', status: 'ok_simultaneous', reason: 'crossed dials' },
    hs_alive_answer: { t: 'hs_alive_answer', proceed: true },
    hs_challenge: { t: 'hs_challenge', version: 1, name: 'b@127.0.0.1', flags: { hidden: true }, creation: 0xffff_ffff, challenge },
    hs_challenge_reply: { t: 'hs_challenge_reply', challenge, digest: Buffer.alloc(32, 1) },
    hs_challenge_ack: { t: 'hs_challenge_ack', digest: Buffer.alloc(32, 2) },
    hs_reject: { t: 'hs_reject', code: 'bad_cookie', reason: 'no' },
    send: { t: 'send', from: local, to: far, message: { hello: [1, 'two', far] } },
    send_named: { t: 'send_named', name: 'logger', message: 'line' },
    link: { t: 'link', from: local, to: far },
    unlink: { t: 'unlink', from: local, to: far, id: 5 },
    exit: { t: 'exit', from: far, to: local, reason: errorReason(new TypeError('x')) },
    exit2: { t: 'exit2', from: far, to: local, reason: 'kill' },
    monitor: { t: 'monitor', from: local, target: 'registry', ref },
    demonitor: { t: 'demonitor', from: local, target: far, ref },
    down: { t: 'down', from: far, to: local, ref: farRef, reason: shutdownWith({ why: 'done' }) },
    tick: { t: 'tick' },
    peers: { t: 'peers', nodes: ['c@127.0.0.1', 'd@127.0.0.1'] },
    spawn_request: { t: 'spawn_request', ref, from: local, fn: 'worker', args: [1, { x: far }], link: true, monitor: false },
    spawn_reply: { t: 'spawn_reply', ref: farRef, to: local, result: far },
    fragment: { t: 'fragment', id: 3, seq: 0, last: false, chunk: Buffer.from('abc') },
  };
}
