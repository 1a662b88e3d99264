// test/gen-statem/engine-harness.ts
// Runs the gen_statem engine (StatemLoop) in a bare handler process, so its rules are tested without proc/gen.
import { Runtime, silentLogger, type ExitReason, type Pid } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import type { GenStatemModule, StatemInitResult } from '../../src/gen-statem/callbacks.js';
import { StatemLoop } from '../../src/gen-statem/loop.js';
import { isTimeoutMessage } from '../../src/gen-statem/timeouts.js';

export interface EngineProbe {
  readonly rt: Runtime;
  readonly clock: VirtualClock;
  readonly pid: Pid;
  /** Replies sent, in order, as `[request tag, reply]`. */
  readonly replies: [string, unknown][];
  /** The process's exit reason once it ended. */
  exitReason(): ExitReason | undefined;
  cast(content: unknown): void;
  /** A call whose From tag is `tag` (replies are recorded under it). */
  call(tag: string, request: unknown): void;
  info(content: unknown): void;
  settle(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function startEngine(callbacks: GenStatemModule<any>, args?: unknown): EngineProbe {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  const replies: [string, unknown][] = [];
  let exit: ExitReason | undefined;
  let loop: StatemLoop;
  const pid = rt.spawn({
    init(self) {
      const result = callbacks.init(args as never, self) as StatemInitResult<unknown, unknown>;
      if (result.kind !== 'ok') return self.exit(result.kind === 'stop' ? result.reason : 'normal');
      loop = new StatemLoop(
        callbacks,
        { self, reply: (from, value) => replies.push([String((from as unknown as { tag: string }).tag), value]) },
        result.state,
        result.data,
      );
      return loop.enter(result.actions ?? []);
    },
    handle(message, self) {
      if (isTimeoutMessage(message)) {
        const event = loop.timeoutEvent(message);
        return event === undefined ? undefined : loop.handle(event);
      }
      const m = (typeof message === 'object' && message !== null ? message : {}) as { cast?: unknown; call?: unknown; tag?: string };
      if ('cast' in m) return loop.handle({ type: 'cast', content: m.cast });
      if ('call' in m) return loop.handle({ type: 'call', content: m.call, from: { pid: self.pid, tag: m.tag as never } });
      return loop.handle({ type: 'info', content: message });
    },
  });
  rt.events.on('exit', (who, reason) => {
    if (who.equals(pid)) exit = reason;
  });
  return {
    rt,
    clock,
    pid,
    replies,
    exitReason: () => exit,
    cast: (content) => rt.send(pid, { cast: content }),
    call: (tag, request) => rt.send(pid, { call: request, tag }),
    info: (content) => rt.send(pid, content),
    settle: () => rt.idle(),
  };
}
