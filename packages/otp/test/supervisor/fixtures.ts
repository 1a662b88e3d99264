// Test fixtures for the supervisor tests: a runtime on a virtual clock and a worker that
// records its life (start, terminate) so tests can see restart and shutdown order.
import { Runtime, type Logger, type Pid } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { ok, reply, Supervisor, type ChildSpec, type GenServerModule, type StartResult } from '@troupe/otp';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export function setup() {
  const clock = new VirtualClock();
  const lines: LogLine[] = [];
  const logger: Logger = {
    error: (message, meta) => lines.push({ level: 'error', message, meta }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
    info: (message, meta) => lines.push({ level: 'info', message, meta }),
  };
  const rt = new Runtime({ clock, longScheduleMs: false, logger });
  return { clock, rt, lines, events: [] as string[] };
}

export interface WorkerArgs {
  readonly id: string;
  readonly events: string[];
  /** Trap exits, so a shutdown runs terminate (taking `terminateMs` of virtual time). */
  readonly trap?: boolean;
  readonly terminateMs?: number;
  /** What init returns instead of ok. */
  readonly init?: 'ignore' | 'fail';
}

export type WorkerTypes = { state: WorkerArgs; args: WorkerArgs; call: 'ping'; reply: string; cast: 'crash' | 'stop' };

/** A worker that logs `start <id>` and `stop <id>`; cast 'crash' makes it crash, 'stop' stops it normally. */
export const Worker: GenServerModule<WorkerTypes> = {
  init(args, self) {
    if (args.init === 'fail') return { kind: 'stop', reason: `cannot start ${args.id}` };
    if (args.init === 'ignore') return { kind: 'ignore' };
    if (args.trap === true) self.trapExit(true);
    args.events.push(`start ${args.id}`);
    return ok(args);
  },
  handleCall: (_request, _from, state) => reply(`pong ${state.id}`, state),
  handleCast(request, state) {
    if (request === 'crash') throw new Error(`${state.id} crashed`);
    return { kind: 'stop', reason: 'normal', state };
  },
  async terminate(reason, state, self) {
    if (state.terminateMs !== undefined) await self.sleep(state.terminateMs);
    state.events.push(`stop ${state.id}`);
  },
};

export function worker(id: string, events: string[], extra: Partial<ChildSpec> & Partial<Omit<WorkerArgs, 'id' | 'events'>> = {}): ChildSpec {
  const { trap, terminateMs, init, ...spec } = extra;
  return { id, start: { module: Worker, args: { id, events, trap, terminateMs, init } }, ...spec };
}

export function pidOf(result: StartResult): Pid {
  if (result.kind !== 'ok') throw new Error(`start failed: ${JSON.stringify(result)}`);
  return result.pid;
}

/** The pid of child `id` as whichChildren reports it. */
export async function childPid(rt: Runtime, supervisor: Pid, id: string): Promise<Pid> {
  const children = await Supervisor.whichChildren(rt, supervisor);
  const child = children.find((c) => c.id === id);
  if (child === undefined || typeof child.pid !== 'object') throw new Error(`child ${id} is not running`);
  return child.pid;
}
