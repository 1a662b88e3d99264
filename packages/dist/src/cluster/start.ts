// startDistribution: checks the options and assembles a node's distribution in the order
// that keeps every incoming frame routable (attach the route, listen, then register).
import { type Clock, type Logger, type Runtime, isRef } from '@troupe/runtime';
import type { Cookie } from '../handshake/challenge.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from '../handshake/handshake.js';
import { EPMD_DEFAULT_PORT } from '../port-mapper/epmd-protocol.js';
import { TcpTransport } from '../transport/tcp.js';
import { DEFAULT_HOST, type Listener, type Transport, checkHost, checkPort } from '../transport/transport.js';
import { Codec } from '../wire/codec.js';
import { DEFAULT_FRAGMENT_BYTES, DEFAULT_MAX_REASSEMBLY_BYTES } from '../wire/fragments.js';
import { DEFAULT_HIGH_WATER_MARK } from '../connection/send-queue.js';
import { Cluster, NET_KERNEL } from './cluster.js';
import { ConnectionTable, type TableHooks } from './connection-table.js';
import { Handshakes } from './handshakes.js';
import { resolveCookie } from './cookie.js';
import { Mesh } from './mesh.js';
import { NodeMonitor } from './node-monitor.js';
import { aliveName, resolveNodeName } from './node-name.js';
import { type PeerAddress, PeerDirectory } from './peer-directory.js';
import { PortMapperKeeper } from './registration.js';
import { RemoteSpawner } from './remote-spawn.js';
import { DistRoute } from './route.js';
import { createRpc } from './rpc.js';

/** Default net tick time (Erlang's `net_ticktime`, 60 s). */
export const DEFAULT_TICK_TIME_MS = 60_000;

/** Options of {@link startDistribution}. */
export interface DistributionOptions {
  /** `name@host` (long or short host), or a bare `name` completed with this host's short name. */
  readonly name: string;
  /** The shared secret; default `$TROUPE_COOKIE`, else the cookie file. */
  readonly cookie?: string | Uint8Array;
  /** The cookie file; default `~/.troupe.cookie`, created (mode 0400) with a random cookie if absent. */
  readonly cookieFile?: string;
  /**
   * Where the host's port mapper (epmd protocol) listens: default `{host: '127.0.0.1',
   * port: 4369}`. If none answers, this node starts the embedded one. `false`: no port
   * mapper — peers need this node's `{host, port}` (a static peer list).
   */
  readonly portMapper?: { readonly host?: string; readonly port?: number } | false;
  /** Where to accept connections; default `{host: '127.0.0.1', port: 0}` (any free port). */
  readonly listen?: { readonly host?: string; readonly port?: number };
  /** Static peer list: node name → where it listens (consulted before the port mapper). */
  readonly peers?: Readonly<Record<string, PeerAddress>>;
  /** A hidden node connects but joins no mesh and is not in others' `nodes()` (Erlang's `-hidden`). */
  readonly hidden?: boolean;
  /** Erlang's `net_ticktime`: a peer silent this long is down; ticks go every quarter. Default 60 s. */
  readonly tickTimeMs?: number;
  /** Time a connection may take to be set up (Erlang's `net_setuptime`); default 7 s. */
  readonly handshakeTimeoutMs?: number;
  /** Per-connection output bytes above which the connection is busy (high-water mark); default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Messages larger than this travel in fragments of this size; default 64 KiB. */
  readonly fragmentBytes?: number;
  /** Largest message sent or accepted; default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** Where connection problems are logged; default the runtime's logger. */
  readonly logger?: Logger;
  /** Time source for ticks and timeouts; default the runtime's clock. */
  readonly clock?: Clock;
  /** How bytes travel; default TCP. Tests use a MemoryTransport. */
  readonly transport?: Transport;
}

/**
 * Makes `runtime` a distributed node named `options.name` (Erlang's `net_kernel:start/2`)
 * and returns its {@link Cluster}. Listens on 127.0.0.1 unless told otherwise, registers
 * with the port mapper (starting the embedded one if none runs), and spawns the
 * `net_kernel` process that answers pings.
 * @throws TypeError for bad options; CookieFileError; PortMapperError (e.g. the name is taken).
 */
export async function startDistribution(runtime: Runtime, options: DistributionOptions): Promise<Cluster> {
  const settings = checkOptions(runtime, options);
  const cookie = await resolveCookie({
    cookie: options.cookie,
    ...(options.cookieFile === undefined ? {} : { file: options.cookieFile }),
  });
  return assemble(runtime, settings, cookie);
}

interface Settings {
  readonly name: string;
  readonly hidden: boolean;
  readonly portMapper: { readonly host: string; readonly port: number } | undefined;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly peers: Readonly<Record<string, PeerAddress>>;
  readonly tickTimeMs: number;
  readonly handshakeTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly fragmentBytes: number;
  readonly maxMessageBytes: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly transport: Transport;
}

async function assemble(runtime: Runtime, s: Settings, cookie: Cookie): Promise<Cluster> {
  const isStopped = { value: false };
  const monitor = new NodeMonitor(runtime);
  // Everything a connection reaches is built synchronously here, before the first await:
  // from attachRemote on, any process may send to another node.
  const spawner = new RemoteSpawner(runtime, (node, frame, sender, control) => void table.send(node, frame, sender, control));
  const route = new DistRoute(s.name, {
    peers: (node, frame) => mesh.received(node, frame),
    spawnRequest: (node, frame) => spawner.handleRequest(node, frame),
    spawnReply: (node, frame) => spawner.handleReply(node, frame),
  });
  const attachment = runtime.attachRemote(route, s.name);
  // A hook never throws into the table: a failing step (a user's event listener, say) is
  // logged, and the steps after it still run.
  const guarded = (what: string, step: () => void) => {
    try {
      step();
    } catch (error) {
      s.logger.error(`${s.name}: ${what} failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  };
  const hooks: TableHooks = {
    // Once per incoming frame: no closure or message text unless delivery fails.
    frame: (node, frame) => {
      try {
        route.deliver(node, frame);
      } catch (error) {
        s.logger.error(`${s.name}: delivering a '${frame.t}' frame from ${node} failed: ${(error as Error)?.stack ?? String(error)}`);
      }
    },
    up: (node, hidden) => {
      guarded(`meshing with ${node}`, () => mesh.up(node, hidden));
      guarded(`a nodeup listener for ${node}`, () => monitor.up(node, hidden));
    },
    down: (node, reason, wasUp, hidden) => {
      guarded(`noconnection signals for ${node}`, () => attachment.endpoint.nodeDown(node));
      guarded(`failing remote spawns on ${node}`, () => spawner.nodeDown(node));
      guarded(`a nodedown listener for ${node}`, () => monitor.down(node, reason, wasUp, hidden));
    },
    busy: (node, busy) => guarded(`a ${busy ? 'busy' : 'drain'} listener`, () => monitor.events.emit(busy ? 'busy' : 'drain', node)),
  };
  const directory = new PeerDirectory({ peers: s.peers, portMapperPort: s.portMapper?.port });
  const handshakes = new Handshakes({
    name: s.name,
    cookie,
    creation: runtime.creation,
    hidden: s.hidden,
    handshakeTimeoutMs: s.handshakeTimeoutMs,
    clock: s.clock,
    logger: s.logger,
    transport: s.transport,
    directory,
  });
  const table = new ConnectionTable({
    name: s.name,
    hidden: s.hidden,
    handshakes,
    directory,
    codec: new Codec(attachment.nodes),
    clock: s.clock,
    logger: s.logger,
    tickTimeMs: s.tickTimeMs,
    handshakeTimeoutMs: s.handshakeTimeoutMs,
    maxBufferedBytes: s.maxBufferedBytes,
    fragmentBytes: s.fragmentBytes,
    maxMessageBytes: s.maxMessageBytes,
    hooks,
  });
  const mesh = new Mesh(s.name, s.hidden, table, s.logger);
  route.wire(table, attachment.endpoint);
  spawner.endpoint = attachment.endpoint;

  let listener: Listener | undefined;
  let keeper: PortMapperKeeper | undefined;
  try {
    listener = await s.transport.listen({ host: s.listenHost, port: s.listenPort, onConnection: (socket) => table.accept(socket) });
    if (s.portMapper !== undefined) {
      keeper = await PortMapperKeeper.start({
        node: s.name,
        alive: aliveName(s.name),
        host: s.portMapper.host,
        port: s.portMapper.port,
        listenPort: listener.port,
        hidden: s.hidden,
        logger: s.logger,
        clock: s.clock,
      });
    }
    const netKernel = runtime.spawn(
      {
        handle(message, self) {
          const replyTo = (message as { kind?: unknown; replyTo?: unknown })?.replyTo;
          if ((message as { kind?: unknown })?.kind === '$ping' && isRef(replyTo)) self.send(replyTo, { kind: '$pong', ref: replyTo });
        },
      },
      { name: NET_KERNEL },
    );
    const rpc = createRpc(runtime, s.name, spawner, runtime.clock, () => isStopped.value);
    return new Cluster({ runtime, name: s.name, hidden: s.hidden, listener, table, spawner, monitor, rpc, attachment, keeper, netKernel, isStopped });
  } catch (error) {
    isStopped.value = true;
    await listener?.close();
    table.stop();
    await keeper?.close();
    attachment.detach();
    throw error;
  }
}

function checkOptions(runtime: Runtime, options: DistributionOptions): Settings {
  const caller = 'startDistribution';
  if (typeof runtime?.attachRemote !== 'function') throw new TypeError(`${caller}: runtime must be a Runtime`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${caller}: options must be an object`);
  const name = resolveNodeName(options.name);
  const { portMapper, listen = {}, peers = {}, hidden = false } = options;
  if (typeof hidden !== 'boolean') throw new TypeError(`${caller}: hidden must be a boolean`);
  if (portMapper !== undefined && portMapper !== false && (typeof portMapper !== 'object' || portMapper === null)) {
    throw new TypeError(`${caller}: portMapper must be {host?, port?} or false`);
  }
  const mapperPort = portMapper === false ? undefined : checkPort(caller, portMapper?.port ?? EPMD_DEFAULT_PORT);
  if (mapperPort === 0) throw new TypeError(`${caller}: portMapper.port must be a fixed port (other nodes must find it)`);
  if (typeof peers !== 'object' || peers === null) throw new TypeError(`${caller}: peers must be an object`);
  const transport = options.transport ?? new TcpTransport();
  if (typeof transport?.listen !== 'function' || typeof transport.dial !== 'function') {
    throw new TypeError(`${caller}: transport must have listen and dial`);
  }
  const logger = options.logger ?? runtime.logger;
  if (typeof logger?.warn !== 'function' || typeof logger.error !== 'function' || typeof logger.info !== 'function') {
    throw new TypeError(`${caller}: logger must have error, warn and info`);
  }
  const clock = options.clock ?? runtime.clock;
  if (typeof clock?.setTimer !== 'function' || typeof clock.cancelTimer !== 'function' || typeof clock.now !== 'function') {
    throw new TypeError(`${caller}: clock must be a Clock`);
  }
  return {
    name,
    hidden,
    portMapper:
      mapperPort === undefined
        ? undefined
        : { host: checkHost(caller, (portMapper || {}).host ?? DEFAULT_HOST), port: mapperPort },
    listenHost: checkHost(caller, listen.host ?? DEFAULT_HOST),
    listenPort: checkPort(caller, listen.port ?? 0),
    peers,
    tickTimeMs: atLeast(caller, 'tickTimeMs', options.tickTimeMs, DEFAULT_TICK_TIME_MS, 4),
    handshakeTimeoutMs: atLeast(caller, 'handshakeTimeoutMs', options.handshakeTimeoutMs, DEFAULT_HANDSHAKE_TIMEOUT_MS, 1),
    maxBufferedBytes: atLeast(caller, 'maxBufferedBytes', options.maxBufferedBytes, DEFAULT_HIGH_WATER_MARK, 1),
    fragmentBytes: atLeast(caller, 'fragmentBytes', options.fragmentBytes, DEFAULT_FRAGMENT_BYTES, 64),
    maxMessageBytes: atLeast(caller, 'maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_REASSEMBLY_BYTES, 1024),
    logger,
    clock,
    transport,
  };
}

function atLeast(caller: string, name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new TypeError(`${caller}: ${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value as number;
}
