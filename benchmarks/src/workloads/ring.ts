// ring-1000 / ring-10000: N processes in a ring pass one token `size` hops (cf. erlang/bench_ring.erl).
import { Runtime, type Pid, type ProcessContext } from '@troupe/runtime';
import { completion, secondsSince } from './completion.js';
import { defineWorkload, type RunOptions, type Variant } from './workload.js';

// The token is the number of hops still to go; the member that receives 0 reports.
function* generatorMember(self: ProcessContext, finished: () => void): Generator<unknown, void, unknown> {
  const next = (yield* self.receive()) as Pid;
  for (;;) {
    const left = (yield* self.receive()) as number;
    if (left === 0) finished();
    else self.send(next, left - 1);
  }
}

async function asyncMember(self: ProcessContext, finished: () => void): Promise<void> {
  const next = (await self.receive()) as Pid;
  for (;;) {
    const left = (await self.receive()) as number;
    if (left === 0) finished();
    else self.send(next, left - 1);
  }
}

async function runRing(processes: number, variant: Variant, { size: hops }: RunOptions): Promise<number> {
  const rt = new Runtime();
  try {
    const done = completion<void>();
    const finished = (): void => done.resolve();
    const body =
      variant === 'generator'
        ? (self: ProcessContext) => generatorMember(self, finished)
        : (self: ProcessContext) => asyncMember(self, finished);
    const members = Array.from({ length: processes }, () => rt.spawn(body));
    members.forEach((member, index) => rt.send(member, members[(index + 1) % processes]!));
    await rt.idle(); // every member holds its neighbour and waits for the token
    const start = performance.now();
    rt.send(members[0]!, hops);
    await done.promise;
    return hops / secondsSince(start);
  } finally {
    await rt.shutdown();
  }
}

export const ring1000 = defineWorkload('ring-1000', {
  variants: ['generator', 'async'],
  run: (variant, options) => runRing(1_000, variant, options),
});

export const ring10000 = defineWorkload('ring-10000', {
  variants: ['generator', 'async'],
  run: (variant, options) => runRing(10_000, variant, options),
});
