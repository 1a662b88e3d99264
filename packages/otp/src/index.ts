// @troupe/otp — the public API: the OTP behaviours on @troupe/runtime. Every export is named here.

// Errors callers can branch on (by `code`).
export { CallTimeoutError, CallExitError, SystemCallbackError, GatewayExitedError, HandlerCallError } from './errors.js';

// proc_lib and sys: the start protocol and system messages every behaviour shares.
export type { Caller, Operation } from './proc/operation.js';
export {
  start,
  type Starter,
  type StartOptions,
  type BehaviourStartOptions,
  type StartResult,
  type InitAck,
  type AlreadyStartedReason,
} from './proc/start.js';
export {
  isSystemMessage,
  SystemControl,
  type SystemMessage,
  type SystemRequest,
  type SystemHooks,
  type SystemStatus,
} from './proc/system-messages.js';

// gen: server references, the call protocol, replies.
export type { ServerRef, TypedServerRef, ServerPid, ServerProtocol } from './gen/server-ref.js';
export { DEFAULT_CALL_TIMEOUT_MS, isCallMessage, isCastMessage, type CallMessage, type CastMessage } from './gen/call.js';
export type { From } from './gen/from.js';
export { sys } from './gen/sys.js';

// gen_server. GenServer.call/cast/reply/stop work with any behaviour's ServerRef and From;
// the result constructors below are the gen_server callback results (STYLE principle 4).
export { GenServer, type GenServerStartOptions, type ServerPidOf, type StartArgs } from './gen-server/gen-server.js';
export {
  ok,
  ignore,
  stopInit,
  reply,
  noreply,
  stop,
  type GenServer as GenServerModule,
  type ServerTypes,
  type StateOf,
  type CallOf,
  type CastOf,
  type ReplyOf,
  type InfoOf,
  type ArgsOf,
  type ContinueOf,
  type IdleTimeoutInfo,
  type Next,
  type NextOptions,
  type InitResult,
  type CallResult,
  type NoreplyOrStop,
  type OkResult,
  type IgnoreResult,
  type StopInitResult,
  type ReplyResult,
  type NoreplyResult,
  type StopResult,
} from './gen-server/callbacks.js';

// supervisor (a gen_server callback module, as in OTP) and its dynamic variant.
export {
  Supervisor,
  type SupervisorSpec,
  type SupervisorStartOptions,
  type SupervisorPid,
  type StartChildResult,
  type TerminateChildResult,
  type RestartChildResult,
  type DeleteChildResult,
  type GetChildSpecResult,
} from './supervisor/supervisor.js';
export type { ChildInfo, ChildCounts } from './supervisor/supervisor-server.js';
export {
  DynamicSupervisor,
  type DynamicSupervisorSpec,
  type DynamicSupervisorPid,
  type ChildTemplate,
} from './supervisor/dynamic-supervisor.js';
export {
  CHILD_SPEC_DEFAULTS,
  type ChildSpec,
  type NormalizedChildSpec,
  type ChildStartFunction,
  type ChildModuleStart,
  type RestartType,
  type Shutdown,
  type ChildType,
} from './supervisor/child-spec.js';
export type { RestartStrategy } from './supervisor/strategies.js';
export { RESTART_INTENSITY_DEFAULTS } from './supervisor/restart-intensity.js';
export { GenStatem, type StatemStartOptions, type StatemStartArgs, type StatemPidOf } from './gen-statem/gen-statem.js';
export {
  initOk,
  nextState,
  keepState,
  keepStateAndData,
  repeatState,
  repeatStateAndData,
  stopMachine,
  stopAndReply,
  type GenStatemModule,
  type StateFunctionsModule,
  type HandleEventModule,
  type StateFunction,
  type StatemTypes,
  type StatemStateOf,
  type StatemDataOf,
  type StatemCallOf,
  type StatemCastOf,
  type StatemReplyOf,
  type StatemInfoOf,
  type StatemArgsOf,
  type StatemEvent,
  type AnyStatemEvent,
  type EnterEvent,
  type EventType,
  type StatemInitResult,
  type StateCallbackResult,
  type StateEnterResult,
  type NextStateResult,
  type KeepStateResult,
  type RepeatStateResult,
  type StopMachineResult,
  type StopAndReplyResult,
} from './gen-statem/callbacks.js';
export {
  replyAction,
  postpone,
  nextEvent,
  hibernate,
  eventTimeout,
  stateTimeout,
  genericTimeout,
  type Action,
  type EnterAction,
  type ReplyAction,
  type PostponeAction,
  type NextEventAction,
  type HibernateAction,
  type TimeoutAction,
  type EventTimeoutAction,
  type StateTimeoutAction,
  type GenericTimeoutAction,
  type TimeoutTime,
} from './gen-statem/actions.js';
export {
  GenEvent,
  type EventManagerRef,
  type EventManagerStartOptions,
  type AddHandlerResult,
  type DeleteHandlerResult,
} from './gen-event/gen-event.js';
export {
  handlerId,
  removeHandler,
  swapHandler,
  isGenEventExit,
  type EventHandler,
  type AnyEventHandler,
  type HandlerTypes,
  type HandlerId,
  type HandlerStateOf,
  type HandlerEventOf,
  type HandlerCallOf,
  type HandlerReplyOf,
  type HandlerInfoOf,
  type HandlerArgsOf,
  type HandlerInitResult,
  type HandlerResult,
  type HandlerCallResult,
  type SwapHandlerResult,
  type SwapInitArgs,
  type HandlerRemoval,
  type GenEventExitMessage,
  type SwappedReason,
} from './gen-event/callbacks.js';
