// Job workers under a dynamic supervisor; each runs its CPU-heavy job on a dirty scheduler thread.
import { GenServer, noreply, ok, reply, type DynamicSupervisorSpec, type GenServerModule } from '@troupe/otp';

/**
 * The CPU-heavy job: count the primes below `below`. It runs on a worker thread, so it must
 * be self-contained: its source is what travels there. No variables from around it, and no
 * helper functions declared inside it (see "Dirty work and tsx" in the README).
 */
export function countPrimes(below: number): number {
  let count = 0;
  for (let n = 2; n < below; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

export interface Job {
  readonly kind: 'count_primes';
  readonly below: number;
}
export interface JobResult {
  readonly worker: string;
  readonly below: number;
  readonly primes: number;
  readonly ms: number;
}
export type WorkerTypes = { state: { readonly name: string }; args: string; call: Job; reply: JobResult };

/**
 * A worker. `self.dirty` suspends only this process while the job runs on a dirty thread;
 * the scheduler keeps running every other process. Calls to a busy worker wait in its mailbox.
 */
export const JobWorker: GenServerModule<WorkerTypes> = {
  init: (name) => ok({ name }),
  async handleCall(job, _from, state, self) {
    const started = self.now();
    const primes = await self.dirty(countPrimes, job.below);
    return reply({ worker: state.name, below: job.below, primes, ms: Math.round(self.now() - started) }, state);
  },
};

/** Workers are started on demand from this template; `startChild(…, name)` passes the name. */
export const workerPool: DynamicSupervisorSpec<string> = {
  child: { start: (caller, name) => GenServer.startLink(caller, JobWorker, name, { name }) },
  intensity: 3,
  periodMs: 5000,
};

/** Counts a tick every `everyMs` with a gen_server idle timeout: a sign the scheduler is free. */
export const Heartbeat: GenServerModule<{ state: { readonly everyMs: number; readonly ticks: number }; args: number; call: 'ticks'; reply: number }> = {
  init: (everyMs) => ok({ everyMs, ticks: 0 }, { timeout: everyMs }),
  handleCall: (_request, _from, state) => reply(state.ticks, state, { timeout: state.everyMs }),
  handleInfo: (_timeout, state) => noreply({ ...state, ticks: state.ticks + 1 }, { timeout: state.everyMs }),
};
