// The gateway: one hidden process per runtime that runs OTP protocols (call, start, stop…)
// for plain Node code, multiplexing every pending one by the tag its messages carry.
import { isRef, TIMEOUT, type ExitReason, type HandlerBody, type Pid, type ProcessContext, type Ref, type Runtime } from '@troupe/runtime';
import { GatewayExitedError } from '../errors.js';
import type { Steps, Wait } from './operation.js';

const gateways = new WeakMap<Runtime, Gateway>();

/**
 * Runs `protocol` in the runtime's gateway process and settles with its result. Never a
 * spawn per operation: the gateway is started on first use and lives as long as the runtime.
 */
export function runOnGateway<T>(runtime: Runtime, protocol: (self: ProcessContext) => Steps<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const gateway = gatewayOf(runtime);
    const job = new Job(protocol as (self: ProcessContext) => Steps<unknown>, resolve as (value: unknown) => void, reject);
    gateway.pending.add(job);
    runtime.send(gateway.pid, job);
  });
}

function gatewayOf(runtime: Runtime): Gateway {
  const existing = gateways.get(runtime);
  if (existing !== undefined) return existing;
  const gateway = new Gateway();
  gateway.pid = runtime.spawn(gateway);
  gateways.set(runtime, gateway);
  const onExit = (pid: Pid, reason: ExitReason): void => {
    if (!pid.equals(gateway.pid)) return;
    runtime.events.off('exit', onExit);
    if (gateways.get(runtime) === gateway) gateways.delete(runtime);
    for (const job of gateway.pending) job.reject(new GatewayExitedError(pid, reason));
    gateway.pending.clear();
  };
  runtime.events.on('exit', onExit);
  return gateway;
}

class Job {
  steps: Steps<unknown> | undefined = undefined;
  wait: Wait | undefined = undefined;
  timer: Ref | undefined = undefined;
  timeout: WaitTimeout | undefined = undefined;
  /** Keys of the tags this job has waited on: messages carrying them are its mail. */
  readonly tags = new Set<string>();
  /** Its mail that no wait has accepted yet, in arrival order (a per-job mailbox). */
  readonly stash: unknown[] = [];
  constructor(
    readonly protocol: (self: ProcessContext) => Steps<unknown>,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

/** The gateway's own timer message for one wait; stale ones are recognised by identity. */
class WaitTimeout {
  constructor(readonly job: Job) {}
}

class Gateway implements HandlerBody<ProcessContext> {
  pid!: Pid;
  /** Every job not yet settled (for rejecting them if the gateway dies). */
  readonly pending = new Set<Job>();
  /** The job that owns each tag, by tag key. */
  readonly #owners = new Map<string, Job>();

  handle(message: unknown, self: ProcessContext): void {
    if (message instanceof Job) {
      try {
        message.steps = message.protocol(self);
      } catch (error) {
        this.#settle(message, () => message.reject(error));
        return;
      }
      this.#advance(self, message, undefined);
      return;
    }
    if (message instanceof WaitTimeout) {
      const job = message.job;
      if (job.timeout !== message) return;
      job.wait = job.timeout = job.timer = undefined;
      this.#advance(self, job, TIMEOUT);
      return;
    }
    const tag = tagOf(message);
    const job = tag === undefined ? undefined : this.#owners.get(tag.key);
    // Mail for a tag nobody owns any more (a settled job) is dropped, as a dead alias drops it.
    if (job === undefined) return;
    if (job.wait === undefined || !job.wait.match(message)) {
      job.stash.push(message);
      return;
    }
    if (job.timer !== undefined) self.cancelTimer(job.timer);
    job.wait = job.timeout = job.timer = undefined;
    this.#advance(self, job, message);
  }

  #advance(self: ProcessContext, job: Job, input: unknown): void {
    for (;;) {
      let step: IteratorResult<Wait, unknown>;
      try {
        step = job.steps!.next(input);
      } catch (error) {
        this.#settle(job, () => job.reject(error));
        return;
      }
      if (step.done === true) {
        const value = step.value;
        this.#settle(job, () => job.resolve(value));
        return;
      }
      const next = step.value;
      if (next.tag !== undefined && !job.tags.has(next.tag.key)) {
        job.tags.add(next.tag.key);
        this.#owners.set(next.tag.key, job);
      }
      const index = job.stash.findIndex(next.match);
      if (index >= 0) {
        input = job.stash.splice(index, 1)[0];
        continue;
      }
      // A wait without a tag (an EXIT flush, which needs trap_exit) can only look at the stash.
      if (next.afterMs === 0 || next.tag === undefined) {
        input = TIMEOUT;
        continue;
      }
      job.wait = next;
      if (next.afterMs !== Infinity) {
        job.timeout = new WaitTimeout(job);
        job.timer = self.sendAfter(next.afterMs, self.pid, job.timeout);
      }
      return;
    }
  }

  #settle(job: Job, settle: () => void): void {
    this.pending.delete(job);
    for (const key of job.tags) this.#owners.delete(key);
    settle();
  }
}

/** The tag a protocol message carries: a DOWN's monitor ref, or the `tag` of a reply or ack. */
function tagOf(message: unknown): Ref | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { kind } = message as { kind?: unknown };
  if (kind === 'DOWN') return (message as { ref: Ref }).ref;
  const tag = (message as { tag?: unknown }).tag;
  return isRef(tag) ? tag : undefined;
}
