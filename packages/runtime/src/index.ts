// @troupe/runtime — the public API. Every export is named here; nothing else is public.
export { Pid, isPid } from './terms/pid.js';
export { Ref, isRef } from './terms/ref.js';
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
export { BadArgError, ExitException, ProcessExitedError, ConcurrentReceiveError, RuntimeStoppedError } from './errors.js';
