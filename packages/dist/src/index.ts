// @troupe/dist — the public API: distribution for @troupe/runtime. Every export is named here.

// Starting a node, and the net_kernel facade it returns.
export { startDistribution, DEFAULT_TICK_TIME_MS, type DistributionOptions } from './cluster/start.js';
export { type Cluster, type RemoteSpawnOptions, NET_KERNEL } from './cluster/cluster.js';
export type { Rpc } from './cluster/rpc.js';
export type { RemoteFunction } from './cluster/remote-spawn.js';
export { type ClusterEvents, type NodeDownMessage, isNodeDownMessage } from './cluster/node-monitor.js';
export type { NodeDownReason } from './cluster/connection-table.js';
export type { PeerAddress } from './cluster/peer-directory.js';
export type { BusyDistPort } from './cluster/route.js';
export type { CloseReason } from './connection/connection.js';
export { COOKIE_ENV, defaultCookieFile } from './cluster/cookie.js';

// Transports: TCP by default; the in-memory one runs several nodes in one process (tests).
export type { Transport, Listener, ListenOptions, DialOptions } from './transport/transport.js';
export { TcpTransport } from './transport/tcp.js';
export { MemoryTransport, MemoryNetwork } from './transport/memory.js';

// The port mapper, for running one on its own (nodes start the embedded one themselves).
export { EpmdServer, type EpmdServerOptions } from './port-mapper/epmd-server.js';
export { EPMD_DEFAULT_PORT } from './port-mapper/epmd-protocol.js';

// The wire protocol's version (exchanged in the handshake).
export { PROTOCOL_VERSION } from './wire/frame.js';

// Errors callers can branch on (by `code`).
export {
  ProtocolError,
  type ProtocolErrorCode,
  EncodeError,
  FrameTooLargeError,
  HandshakeError,
  type HandshakeErrorCode,
  DialTimeoutError,
  PortMapperError,
  type PortMapperErrorCode,
  NodeUnreachableError,
  DistributionStoppedError,
  CookieFileError,
  RemoteSpawnError,
  RpcExceptionError,
  RpcExitError,
  RpcTimeoutError,
} from './errors.js';
