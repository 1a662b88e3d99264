// What a behaviour process knows of its runtime — the logger for its reports and the clock
// for restart windows — handed down from starter to child along the start protocol.
import { consoleLogger, Runtime, systemClock, type Clock, type Logger, type ProcessContext } from '@troupe/runtime';

/** The logger and clock of the runtime a behaviour runs on. */
export interface Environment {
  readonly logger: Logger;
  readonly clock: Clock;
}

// A ProcessContext does not expose its runtime's logger or clock, so a behaviour learns them
// from whoever started it: the Runtime itself, or a process that learnt them the same way.
const environments = new WeakMap<ProcessContext, Environment>();

const FALLBACK: Environment = { logger: consoleLogger, clock: systemClock };

/**
 * The environment of `caller`: the runtime's own logger and clock, or what the process
 * inherited when it was started by `start`. A process spawned directly (not through the
 * start protocol) falls back to the console logger and the system clock.
 */
export function environmentOf(caller: ProcessContext | Runtime): Environment {
  if (caller instanceof Runtime) return { logger: caller.logger, clock: caller.clock };
  return environments.get(caller) ?? FALLBACK;
}

/** Records the environment of a process started through the start protocol. */
export function adoptEnvironment(self: ProcessContext, environment: Environment): void {
  environments.set(self, environment);
}
