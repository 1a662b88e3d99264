// memory-idle-process: V8 heap growth per process with `size` processes blocked in receive (cf. erlang/bench_memory.erl).
// Counterpart of erlang:memory(processes): heapUsed after a full gc(), before and
// after; the pids are not kept, so only what the runtime holds is counted.
import { Runtime, type ProcessContext } from '@troupe/runtime';
import { defineWorkload } from './workload.js';

function* generatorIdle(self: ProcessContext): Generator<unknown, void, unknown> {
  yield* self.receive();
}

async function asyncIdle(self: ProcessContext): Promise<void> {
  await self.receive();
}

function heapAfterGc(): number {
  if (globalThis.gc === undefined) throw new Error('memory-idle-process needs node --expose-gc');
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

export const memoryIdleProcess = defineWorkload('memory-idle-process', {
  variants: ['generator', 'async'],
  async run(variant, { size: processes }) {
    const rt = new Runtime();
    try {
      const body = variant === 'generator' ? generatorIdle : asyncIdle;
      await rt.idle();
      const before = heapAfterGc();
      for (let i = 0; i < processes; i++) rt.spawn(body);
      await rt.idle(); // every process has started and is blocked in receive
      const after = heapAfterGc();
      if (rt.processCount < processes) throw new Error(`memory-idle-process: only ${rt.processCount} processes alive`);
      return (after - before) / processes;
    } finally {
      await rt.shutdown();
    }
  },
});
