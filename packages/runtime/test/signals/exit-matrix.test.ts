// The exit-signal matrix: what a linked or monitoring process, trapping exits or not,
// sees when the other process ends for each kind of reason (checked against the BEAM).
import { afterEach, describe, expect, it } from 'vitest';
import type { ExitReason, Pid, ProcessContext, Ref, Runtime } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

const boom = new Error('thrown by the target');

/** A target that ends the way its first message says, or waits to be ended from outside. */
function* target(self: ProcessContext): Generator<unknown, void, unknown> {
  const command = yield* self.receive();
  if (command === 'return') return;
  if (command === 'exit') self.exit('custom_atom');
  if (command === 'throw') throw boom;
  yield* self.receive(() => false);
}

interface Ending {
  readonly how: string;
  end(rt: Runtime, pid: Pid): void;
  /** The reason links and monitors see. */
  readonly seen: ExitReason;
}

const endings: readonly Ending[] = [
  { how: 'returns (normal)', end: (rt, pid) => rt.send(pid, 'return'), seen: 'normal' },
  {
    how: "is killed by exit(pid, 'kill') from another process",
    end: (rt, pid) => rt.spawn((self) => self.exit(pid, 'kill')),
    seen: 'killed',
  },
  { how: "calls self.exit('custom_atom')", end: (rt, pid) => rt.send(pid, 'exit'), seen: 'custom_atom' },
  { how: 'throws an Error', end: (rt, pid) => rt.send(pid, 'throw'), seen: { kind: 'error', error: boom, stack: boom.stack } },
  {
    how: "gets exit(pid, 'from_third') from a third process",
    end: (rt, pid) => rt.spawn((self) => self.exit(pid, 'from_third')),
    seen: 'from_third',
  },
];

async function scenario(relation: 'linked' | 'monitoring', trapExit: boolean, ending: Ending) {
  const { rt } = startRuntime();
  const exits = recordExits(rt);
  const got: unknown[] = [];
  let ref: Ref | undefined;
  const other = rt.spawn(target);
  const observer = rt.spawn(
    function* (self) {
      if (relation === 'linked') self.link(other);
      else ref = self.monitor(other);
      for (;;) got.push(yield* self.receive());
    },
    { trapExit },
  );
  await rt.idle();
  ending.end(rt, other);
  await rt.idle();
  expect(exits.get(other.key)).toEqual(ending.seen);
  return { rt, observer, other, got, ref, exits };
}

const rows = endings.map((ending) => [ending.how, ending] as const);
const abnormal = rows.filter(([, ending]) => ending.seen !== 'normal');

describe('a linked process that does not trap exits', () => {
  it('survives, and gets no message, when the other returns normally', async () => {
    const { rt, observer, got } = await scenario('linked', false, endings[0]!);
    expect(got).toEqual([]);
    expect(rt.isAlive(observer)).toBe(true);
  });

  it.each(abnormal)("dies with the other's reason when the other %s", async (_, ending) => {
    const { rt, observer, exits } = await scenario('linked', false, ending);
    expect(rt.isAlive(observer)).toBe(false);
    expect(exits.get(observer.key)).toEqual(ending.seen);
  });
});

describe('a linked process that traps exits', () => {
  it.each(rows)('gets {kind: EXIT, from, reason} and lives on when the other %s', async (_, ending) => {
    const { rt, observer, other, got } = await scenario('linked', true, ending);
    expect(got).toEqual([{ kind: 'EXIT', from: other, reason: ending.seen }]);
    expect(rt.isAlive(observer)).toBe(true);
  });
});

describe.each([false, true])('a monitoring process (trapExit: %s)', (trapExit) => {
  it.each(rows)('gets {kind: DOWN, ref, target, reason} and lives on when the other %s', async (_, ending) => {
    const { rt, observer, other, got, ref } = await scenario('monitoring', trapExit, ending);
    expect(got).toEqual([{ kind: 'DOWN', ref, target: other, reason: ending.seen }]);
    expect(rt.isAlive(observer)).toBe(true);
  });
});
