// The gateway: one hidden process per runtime that runs OTP protocols (call, start, stop…)
// for plain Node code, multiplexing every pending one by the tag its messages carry.
import { isRef, RefIdTable, TIMEOUT, type ExitReason, type HandlerBody, type Pid, type ProcessContext, type Ref, type Runtime } from '@troupe/runtime';
import { GatewayExitedError } from '../errors.js';
import { Deadlines, type Deadline } from './deadlines.js';
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
    for (const job of gateway.pending.clear()) job.reject(new GatewayExitedError(pid, reason));
  };
  runtime.events.on('exit', onExit);
  return gateway;
}

class Job {
  /** Neighbours in the gateway's list of pending jobs. */
  previous: Job | undefined = undefined;
  next: Job | undefined = undefined;
  steps: Steps<unknown> | undefined = undefined;
  wait: Wait | undefined = undefined;
  deadline: Deadline<Job> | undefined = undefined;
  /** The tags this job has waited on (almost always one): messages carrying them are its mail. */
  readonly tags: Ref[] = [];
  /** Its mail that no wait has accepted yet, in arrival order (a per-job mailbox). */
  stash: unknown[] | undefined = undefined;
  constructor(
    readonly protocol: (self: ProcessContext) => Steps<unknown>,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  owns(tag: Ref): boolean {
    for (const own of this.tags) if (own.equals(tag)) return true;
    return false;
  }
}

/** The gateway's own wake-up message for its deadlines; a replaced one is recognised by identity. */
class WakeUp {}

class Gateway implements HandlerBody<ProcessContext> {
  pid!: Pid;
  /** Every job not yet settled (for rejecting them if the gateway dies). */
  readonly pending = new PendingJobs();
  /** The job that owns each tag, by the tag's id (every tag is a ref this process made). */
  readonly #owners = new RefIdTable<Job>();
  #deadlines: Deadlines<Job> | undefined = undefined;
  #wakeUp: { token: WakeUp; timer: Ref } | undefined = undefined;

  init(self: ProcessContext): void {
    this.#deadlines = new Deadlines({
      now: () => self.now(),
      wakeIn: (ms) => {
        if (this.#wakeUp !== undefined) self.cancelTimer(this.#wakeUp.timer);
        const token = new WakeUp();
        this.#wakeUp = { token, timer: self.sendAfter(ms, self.pid, token) };
      },
    });
  }

  handle(message: unknown, self: ProcessContext): void {
    if (message instanceof Job) {
      try {
        message.steps = message.protocol(self);
      } catch (error) {
        this.#forget(message);
        message.reject(error);
        return;
      }
      this.#advance(self, message, undefined);
      return;
    }
    if (message instanceof WakeUp) {
      if (this.#wakeUp?.token !== message) return;
      this.#wakeUp = undefined;
      for (const job of this.#deadlines!.expire()) {
        job.wait = job.deadline = undefined;
        this.#advance(self, job, TIMEOUT);
      }
      return;
    }
    const tag = tagOf(message);
    const job = tag === undefined ? undefined : this.#owners.get(tag.id);
    // Mail for a tag nobody owns any more (a settled job) is dropped, as a dead alias drops it.
    if (job === undefined || !job.owns(tag!)) return;
    if (job.wait === undefined || !job.wait.match(message)) {
      (job.stash ??= []).push(message);
      return;
    }
    if (job.deadline !== undefined) this.#deadlines!.remove(job.deadline);
    job.wait = job.deadline = undefined;
    this.#advance(self, job, message);
  }

  #advance(self: ProcessContext, job: Job, input: unknown): void {
    for (;;) {
      let step: IteratorResult<Wait, unknown>;
      try {
        step = job.steps!.next(input);
      } catch (error) {
        this.#forget(job);
        job.reject(error);
        return;
      }
      if (step.done === true) {
        this.#forget(job);
        job.resolve(step.value);
        return;
      }
      const next = step.value;
      if (next.tag !== undefined && !job.owns(next.tag)) {
        job.tags.push(next.tag);
        this.#owners.set(next.tag.id, job);
      }
      const index = job.stash === undefined ? -1 : job.stash.findIndex(next.match);
      if (index >= 0) {
        input = job.stash!.splice(index, 1)[0];
        continue;
      }
      // A wait without a tag (an EXIT flush, which needs trap_exit) can only look at the stash.
      if (next.afterMs === 0 || next.tag === undefined) {
        input = TIMEOUT;
        continue;
      }
      job.wait = next;
      if (next.afterMs !== Infinity) job.deadline = this.#deadlines!.add(next.afterMs, job);
      return;
    }
  }

  /** The job is settled: its tags are nobody's any more (mail for them is dropped). */
  #forget(job: Job): void {
    this.pending.delete(job);
    for (const tag of job.tags) this.#owners.delete(tag.id);
  }
}

/**
 * The jobs not yet settled, as a list threaded through the jobs themselves: adding and
 * removing are O(1) and allocate nothing (a Set churned once per call costs more than the call).
 */
class PendingJobs {
  #first: Job | undefined = undefined;

  add(job: Job): void {
    job.next = this.#first;
    if (this.#first !== undefined) this.#first.previous = job;
    this.#first = job;
  }

  delete(job: Job): void {
    if (job.previous === undefined) {
      if (this.#first !== job) return;
      this.#first = job.next;
    } else job.previous.next = job.next;
    if (job.next !== undefined) job.next.previous = job.previous;
    job.previous = job.next = undefined;
  }

  /** Empties the list; returns what it held. */
  clear(): Job[] {
    const jobs: Job[] = [];
    for (let job = this.#first; job !== undefined; job = job.next) jobs.push(job);
    this.#first = undefined;
    return jobs;
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
