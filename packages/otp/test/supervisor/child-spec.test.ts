// Checks supervisor(3) "child_spec()": the defaults (restart permanent, shutdown 5000 for
// a worker and infinity for a supervisor, type worker) and rejection of malformed specs.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '@troupe/runtime';
import { CHILD_SPEC_DEFAULTS, Supervisor, type ChildSpec } from '@troupe/otp';

const start = () => ({ kind: 'ignore' }) as const;
const rt = new Runtime({ logger: silentLogger, longScheduleMs: false });

function startWith(child: unknown, extra: object = {}) {
  return () => Supervisor.start(rt, { children: [child as ChildSpec], ...extra });
}

describe('child specs', () => {
  it('has OTP’s defaults, written in one place', () => {
    expect(CHILD_SPEC_DEFAULTS).toEqual({ restart: 'permanent', type: 'worker', shutdown: { worker: 5000, supervisor: 'infinity' } });
  });

  it.each([
    [{ start }, /children\[0\]\.id must be a non-empty string/],
    [{ id: 'a' }, /children\[0\]\.start must be a function/],
    [{ id: 'a', start: { module: {} } }, /children\[0\]\.start\.module must be a GenServer callback module/],
    [{ id: 'a', start, restart: 'always' }, /children\[0\]\.restart must be 'permanent', 'transient' or 'temporary'/],
    [{ id: 'a', start, shutdown: -1 }, /children\[0\]\.shutdown must be 'brutal_kill', 'infinity' or a non-negative integer/],
    [{ id: 'a', start, type: 'daemon' }, /children\[0\]\.type must be 'worker' or 'supervisor'/],
  ])('rejects %o with a TypeError naming the field', (child, message) => {
    expect(startWith(child)).toThrow(TypeError);
    expect(startWith(child)).toThrow(message);
  });

  it('rejects duplicate ids and bad flags', () => {
    expect(() => Supervisor.start(rt, { children: [{ id: 'a', start }, { id: 'a', start }] })).toThrow(/children\[1\]\.id 'a'/);
    expect(startWith({ id: 'a', start }, { strategy: 'all_for_one' })).toThrow(/strategy/);
    expect(startWith({ id: 'a', start }, { intensity: -1 })).toThrow(/intensity/);
    expect(startWith({ id: 'a', start }, { periodMs: 0 })).toThrow(/periodMs/);
  });
});
