// RuntimeCore: what a ProcessContext needs from its runtime (the runtime implements it).
import type { Process } from '../process/process.js';
import type { Priority } from '../scheduler/runnable.js';
import type { DirtyTask } from '../scheduler/dirty-pool.js';
import type { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import type { Signals } from '../signals/signals.js';
import type { BusyPort } from '../signals/remote-route.js';
import type { Clock } from '../scheduler/clock.js';
import type { Logger } from './logger.js';
import type { Address, ProcessBody, SpawnOptions } from './process-context.js';
import type { Runtime } from './runtime.js';

export interface RuntimeCore {
  readonly nodeName: string;
  /** The public Runtime over this core. */
  readonly facade: Runtime;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signals: Signals;
  /** Delivers or forwards `message`; a BusyPort when a remote connection is over its high-water mark. */
  route(to: Address, message: unknown, from: Pid | undefined): BusyPort | void;
  spawn(body: ProcessBody, options: SpawnOptions | undefined, parent: Process | undefined, link: boolean): Pid;
  setPriority(process: Process, priority: Priority): Priority;
  registerProcess(name: string, process: Process): void;
  unregisterName(name: string): void;
  whereis(name: string): Pid | undefined;
  isAlive(pid: Pid): boolean;
  newRef(): Ref;
  sendAfter(ms: number, to: Address, message: unknown): Ref;
  cancelTimer(ref: Ref): number | false;
  runDirty(task: DirtyTask, args: unknown[]): Promise<unknown>;
}
