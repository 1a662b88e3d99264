// skynet: every inner process spawns 10 children; `size` leaves send their number up (cf. erlang/bench_skynet.erl).
import { Runtime, type Pid, type ProcessContext } from '@troupe/runtime';
import { completion, secondsSince } from './completion.js';
import { defineWorkload } from './workload.js';

function* generatorTree(self: ProcessContext, parent: Pid, number: number, size: number): Generator<unknown, void, unknown> {
  if (size === 1) return self.send(parent, number);
  const child = size / 10;
  for (let i = 0; i < 10; i++) {
    const first = number + i * child;
    self.spawn((me) => generatorTree(me, self.pid, first, child));
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (yield* self.receive()) as number;
  self.send(parent, sum);
}

async function asyncTree(self: ProcessContext, parent: Pid, number: number, size: number): Promise<void> {
  if (size === 1) return self.send(parent, number);
  const child = size / 10;
  for (let i = 0; i < 10; i++) {
    const first = number + i * child;
    self.spawn((me) => asyncTree(me, self.pid, first, child));
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (await self.receive()) as number;
  self.send(parent, sum);
}

export const skynet = defineWorkload('skynet', {
  variants: ['generator', 'async'],
  async run(variant, { size: leaves }) {
    const rt = new Runtime();
    try {
      const done = completion<number>();
      const start = performance.now();
      rt.spawn(function* (self) {
        const root = (me: ProcessContext) => (variant === 'generator' ? generatorTree : asyncTree)(me, self.pid, 0, leaves);
        self.spawn(root);
        done.resolve((yield* self.receive()) as number);
      });
      const sum = await done.promise;
      const seconds = secondsSince(start);
      if (sum !== (leaves * (leaves - 1)) / 2) throw new Error(`skynet: sum ${sum}, expected ${(leaves * (leaves - 1)) / 2}`);
      return seconds;
    } finally {
      await rt.shutdown();
    }
  },
});
