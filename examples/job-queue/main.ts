// job-queue: a dynamic supervisor of workers doing CPU work on dirty threads, fed from plain Node code.
import { Runtime } from '@troupe/runtime';
import { DynamicSupervisor, GenServer } from '@troupe/otp';
import { compactLogger } from '../shared/compact-logger.js';
import { check, runExample } from '../shared/run-example.js';
import { countPrimes, Heartbeat, workerPool, type WorkerTypes } from './job-queue.js';

const WORKERS = ['w1', 'w2', 'w3'];
const JOBS = [600_000, 700_000, 800_000, 650_000, 750_000, 850_000];

// Three dirty threads, one per worker (the default is one fewer than the machine's cores).
// A 50 ms long-schedule threshold: the inline job below takes ~100 ms on a fast machine.
const rt = new Runtime({ logger: compactLogger, longScheduleMs: 50, dirty: { maxThreads: WORKERS.length } });

await runExample('job-queue', async () => {
  try {
    console.log(`1. Start a dynamic supervisor, then ${WORKERS.length} workers in it, on demand.`);
    const pool = await DynamicSupervisor.start(rt, workerPool, { name: 'workers' });
    check(pool.kind === 'ok', `the pool did not start: ${JSON.stringify(pool)}`);
    for (const name of WORKERS) {
      const child = await DynamicSupervisor.startChild(rt, pool.pid, name);
      check(child.kind === 'ok', `worker ${name} did not start: ${JSON.stringify(child)}`);
    }
    console.log(`   children: ${JSON.stringify(await DynamicSupervisor.countChildren(rt, pool.pid))}`);

    console.log('2. Start a heartbeat process that ticks every 20 ms, to see whether the scheduler stays free.');
    const beat = await GenServer.start(rt, Heartbeat, 20);
    check(beat.kind === 'ok', 'the heartbeat did not start');

    console.log(`3. Submit ${JOBS.length} jobs from plain Node code, round-robin: GenServer.call(runtime, worker, job).`);
    console.log('   Each worker runs its job with self.dirty(...) on a worker thread; a second job for a');
    console.log('   busy worker waits in its mailbox. (Times are from call to result; the first round');
    console.log('   includes starting the dirty threads.)');
    const ticksBefore = await GenServer.call(rt, beat.pid, 'ticks');
    const started = performance.now();
    const results = await Promise.all(
      JOBS.map((below, i) => {
        const worker = GenServer.ref<WorkerTypes>(WORKERS[i % WORKERS.length]!);
        return GenServer.call(rt, worker, { kind: 'count_primes', below }, 30_000).then((result) => {
          console.log(`   ${result.worker}: ${result.primes} primes below ${result.below} (${result.ms} ms)`);
          return result;
        });
      }),
    );
    const wall = Math.round(performance.now() - started);
    const ticks = (await GenServer.call(rt, beat.pid, 'ticks')) - ticksBefore;
    const busy = results.reduce((sum, r) => sum + r.ms, 0);
    console.log(`   all ${results.length} jobs done in ${wall} ms (${busy} ms summed over the jobs); the heartbeat ticked ${ticks} times meanwhile`);
    check(results.every((r) => r.primes > 0), 'every job should find primes');
    check(ticks >= (wall / 20) * 0.25, `the heartbeat should keep ticking during dirty work; got ${ticks} ticks in ${wall} ms`);

    console.log('4. For contrast, the same work inline in a process holds the only scheduler thread:');
    console.log('   the runtime reports a long schedule, and the heartbeat misses its ticks.');
    // The watchdog reports a long slice once the thread is free again: wait for its event.
    const reported = new Promise<number>((resolve, reject) => {
      const gaveUp = setTimeout(() => reject(new Error('no long_schedule report within 5 s')), 5_000);
      rt.events.once('long_schedule', (slice) => {
        clearTimeout(gaveUp);
        resolve(slice.durationMs);
      });
    });
    const inlineBefore = await GenServer.call(rt, beat.pid, 'ticks');
    const inlineStarted = performance.now();
    rt.spawn(() => void countPrimes(JOBS.at(-1)!));
    const longSlice = await reported;
    const inlineMs = Math.round(performance.now() - inlineStarted);
    const inlineTicks = (await GenServer.call(rt, beat.pid, 'ticks')) - inlineBefore;
    console.log(`   inline: ${inlineMs} ms (the slice held the thread ${longSlice} ms); heartbeat ticks meanwhile: ${inlineTicks}`);
    check(inlineTicks < ticks, 'the heartbeat should tick less while the thread is held');
  } finally {
    await rt.shutdown();
  }
});
