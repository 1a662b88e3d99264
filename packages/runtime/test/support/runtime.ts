// Test runtimes: each on its own VirtualClock with a capturing logger, all shut down by
// `stopRuntimes()` (every test file calls it in afterEach).
import { Runtime, type ExitReason, type Logger, type Pid, type RuntimeOptions } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';

export interface LogLine {
  readonly level: 'error' | 'warn' | 'info';
  readonly message: string;
  readonly meta: Readonly<Record<string, unknown>> | undefined;
}

/** A Logger that keeps every line, so tests can assert on crash reports and warnings. */
export interface CapturingLogger extends Logger {
  readonly lines: LogLine[];
  readonly errors: LogLine[];
  readonly warnings: LogLine[];
}

export function capturingLogger(): CapturingLogger {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, meta?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, meta });
  };
  return {
    lines,
    get errors() {
      return lines.filter((line) => line.level === 'error');
    },
    get warnings() {
      return lines.filter((line) => line.level === 'warn');
    },
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
  };
}

export interface TestRuntime {
  readonly rt: Runtime;
  readonly clock: VirtualClock;
  readonly log: CapturingLogger;
}

const started: Runtime[] = [];

/**
 * A runtime on a fresh VirtualClock (unless `options.clock` says otherwise), with the
 * long-schedule watchdog off and a capturing logger, registered for `stopRuntimes()`.
 */
export function startRuntime(options: RuntimeOptions = {}): TestRuntime {
  const clock = new VirtualClock();
  const log = capturingLogger();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: log, ...options });
  started.push(rt);
  return { rt, clock, log };
}

/** Shuts down every runtime the test started (call it in afterEach). */
export async function stopRuntimes(): Promise<void> {
  const runtimes = started.splice(0);
  await Promise.all(runtimes.map((rt) => rt.shutdown()));
}

/** Records the exit reason of every process of `rt` that ends from now on, by pid key. */
export function recordExits(rt: Runtime): Map<string, ExitReason> {
  const exits = new Map<string, ExitReason>();
  rt.events.on('exit', (pid, reason) => exits.set(pid.key, reason));
  return exits;
}

/** A process that keeps every message it receives, in order. */
export interface Probe {
  readonly pid: Pid;
  readonly received: unknown[];
}

export function spawnProbe(rt: Runtime, name?: string): Probe {
  const received: unknown[] = [];
  const pid = rt.spawn(
    {
      handle(message) {
        received.push(message);
      },
    },
    name === undefined ? undefined : { name },
  );
  return { pid, received };
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
