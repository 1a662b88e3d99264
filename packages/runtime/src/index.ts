// @troupe/runtime — the public API. Every export is named here; nothing else is public.
export { Runtime, getDefaultRuntime, type RuntimeOptions, type ProcessInfo, type RemoteAttachment } from './node/runtime.js';
export {
  ProcessContext,
  type Address,
  type ProcessBody,
  type SpawnOptions,
  type DemonitorOptions,
  type MonitorOptions,
} from './node/process-context.js';
export type { RuntimeEvents } from './node/runtime-events.js';
export { type Logger, consoleLogger, silentLogger } from './node/logger.js';
export type { HandlerBody, OverflowPolicy, ProcessStatus } from './process/process.js';
export { TIMEOUT, type Timeout, type Matcher, type Matched, type Receive, type ReceiveOptions } from './process/receive.js';
export type { Priority } from './scheduler/runnable.js';
export { type Clock, type ClockTimer, systemClock } from './scheduler/clock.js';
export type { DirtyTask, DirtyPoolOptions } from './scheduler/dirty-pool.js';
export {
  type ExitMessage,
  type DownMessage,
  type RemoteName,
  isExitMessage,
  isDownMessage,
} from './signals/messages.js';
export type { RemoteRoute, RemoteEndpoint, BusyPort } from './signals/remote-route.js';
export type { MonitorTarget } from './signals/signals.js';
export { Pid, isPid } from './terms/pid.js';
export { Ref, isRef } from './terms/ref.js';
export { RefIdTable } from './terms/ref-id-table.js';
export { NodeHandle, NodeTable, NO_NODE } from './terms/node-handle.js';
export {
  type ExitReason,
  type AtomReason,
  type ShutdownReason,
  type ErrorReason,
  type BadReturnValueReason,
  type TaggedReason,
  shutdownWith,
  errorReason,
  isCrash,
  isExitReason,
  formatReason,
} from './terms/exit-reason.js';
export {
  BadArgError,
  ExitException,
  NoProcError,
  ProcessExitedError,
  ConcurrentReceiveError,
  RuntimeStoppedError,
} from './errors.js';
