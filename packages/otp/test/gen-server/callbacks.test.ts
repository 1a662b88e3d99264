// Checks gen_server(3) callback result shapes ({reply,…}, {noreply,…}, {stop,…}, {ok,…},
// ignore, with Timeout | hibernate | {continue, Arg}) as built by the constructors, and the
// boundary check that turns anything else into {bad_return_value, Value}.
import { describe, expect, it } from 'vitest';
import { ignore, noreply, ok, reply, stop, stopInit } from '@troupe/otp';
import { checkResult } from '../../src/gen-server/results.js';

describe('result constructors', () => {
  it('build tagged results with named fields', () => {
    expect(ok(1)).toEqual({ kind: 'ok', state: 1 });
    expect(ignore()).toEqual({ kind: 'ignore' });
    expect(stopInit('bad')).toEqual({ kind: 'stop', reason: 'bad' });
    expect(reply('r', 1)).toEqual({ kind: 'reply', reply: 'r', state: 1 });
    expect(noreply(1)).toEqual({ kind: 'noreply', state: 1 });
    expect(stop('normal', 1)).toEqual({ kind: 'stop', reason: 'normal', state: 1 });
    expect(stop('normal', 1, undefined)).toHaveProperty('reply', undefined);
  });

  it('take one of timeout, continue or hibernate', () => {
    expect(noreply(1, { timeout: 50 })).toEqual({ kind: 'noreply', state: 1, next: { kind: 'timeout', ms: 50 } });
    expect(reply('r', 1, { continue: 'x' })).toEqual({ kind: 'reply', reply: 'r', state: 1, next: { kind: 'continue', arg: 'x' } });
    expect(ok(1, { hibernate: true })).toEqual({ kind: 'ok', state: 1, next: { kind: 'hibernate' } });
    expect(noreply(1, { timeout: Infinity }).next).toEqual({ kind: 'timeout', ms: Infinity });
  });

  it('throw a TypeError for misuse', () => {
    expect(() => noreply(1, { timeout: -1 })).toThrow(/timeout must be a non-negative number/);
    expect(() => noreply(1, { timeout: 1, hibernate: true } as never)).toThrow(/exactly one of/);
    expect(() => noreply(1, {} as never)).toThrow(/exactly one of/);
  });
});

describe('checkResult', () => {
  it('accepts each callback’s documented results', () => {
    expect(checkResult('init', ok(1))).toEqual(ok(1));
    expect(checkResult('init', stopInit('x'))).toEqual(stopInit('x'));
    expect(checkResult('handleCall', stop('normal', 1, 'bye'))).toEqual(stop('normal', 1, 'bye'));
    expect(checkResult('handleInfo', noreply(1, { continue: 2 }))).toEqual(noreply(1, { continue: 2 }));
  });

  it.each([
    ['handleCast', reply(1, 1)],
    ['handleInfo', stop('normal', 1, 'a reply')],
    ['init', noreply(1)],
    ['handleCall', { kind: 'reply', state: 1 }],
    ['handleCall', { kind: 'noreply', state: 1, next: { kind: 'timeout', ms: -1 } }],
    ['handleCall', { kind: 'stop', reason: 42, state: 1 }],
    ['handleCall', undefined],
    ['handleCall', 'ok'],
  ] as const)('%s returning %o is a bad_return_value', (callback, value) => {
    expect(checkResult(callback, value)).toEqual({ kind: 'bad_return_value', callback, value });
  });
});
