// Signals: links, monitors and exit signals between processes, with Erlang's rules.
// Every signal between a pair of local processes is applied synchronously, in the order
// it was sent, so signals and messages from one process to another stay ordered.
import { monitorKey, type MonitorEntry, type Process } from '../process/process.js';
import { CompactMap } from '../process/compact-map.js';
import { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import type { ExitReason } from '../terms/exit-reason.js';
import { NoProcError } from '../errors.js';
import type { DownMessage, ExitMessage, RemoteName } from './messages.js';
import type { RemoteRoute } from './remote-route.js';

/** What the signal rules need from the node. */
export interface SignalHost {
  /** The live local process with this pid. */
  lookup(pid: Pid): Process | undefined;
  /** The live local process registered under `name`. */
  lookupName(name: string): Process | undefined;
  /** The local node's name (for `{name, node}` targets and DOWN messages). */
  readonly nodeName: string;
  readonly remote: RemoteRoute | undefined;
  newRef(): Ref;
  /** Makes messages sent to the local ref with this id reach `process` (an alias); `undefined` removes it. */
  setAlias(refId: number, process: Process | undefined): void;
  /** Ends `process` with `reason` at once, or when its slice leaves the stack. */
  kill(process: Process, reason: ExitReason): void;
}

export type MonitorTarget = Pid | string | RemoteName;

export class Signals {
  readonly #host: SignalHost;

  constructor(host: SignalHost) {
    this.#host = host;
  }

  // ── exit signals ────────────────────────────────────────────────────────────

  /** Sends an exit signal from `from` to `to` (exit/2, or a dying process's link). */
  exit(from: Pid, to: Pid, reason: ExitReason, kind: 'link' | 'exit2'): void {
    if (!to.isLocal) {
      this.#host.remote?.exit(from, to, reason, kind);
      return;
    }
    const target = this.#host.lookup(to);
    if (target !== undefined) this.receiveExit(target, from, reason, kind);
  }

  /** Applies an exit signal to a live local process. */
  receiveExit(target: Process, from: Pid, reason: ExitReason, kind: 'link' | 'exit2'): void {
    const trapping = target.extras?.trapExit === true;
    if (kind === 'link') {
      // A link exit only counts while the link exists: after unlink, nothing arrives.
      const links = target.extras?.links;
      if (links === undefined || !links.delete(from.key)) return;
      if (trapping) target.deliver(exitMessage(from, reason));
      else if (reason !== 'normal') this.#host.kill(target, reason);
      return;
    }
    if (reason === 'kill') this.#host.kill(target, 'killed');
    else if (trapping) target.deliver(exitMessage(from, reason));
    else if (reason !== 'normal') this.#host.kill(target, reason);
    else if (from.equals(target.pid)) this.#host.kill(target, 'normal');
  }

  // ── links ───────────────────────────────────────────────────────────────────

  /** link/1 from `self` to `to`. Throws NoProcError for a dead local target unless `self` traps exits. */
  link(self: Process, to: Pid): void {
    if (to.equals(self.pid)) return;
    if (!to.isLocal) {
      addLink(self, to);
      const remote = this.#host.remote;
      if (remote === undefined) this.receiveExit(self, to, 'noconnection', 'link');
      else remote.link(self.pid, to);
      return;
    }
    const other = this.#host.lookup(to);
    if (other === undefined) {
      if (self.extras?.trapExit === true) self.deliver(exitMessage(to, 'noproc'));
      else throw new NoProcError(`link: no process ${to}`);
      return;
    }
    addLink(self, to);
    addLink(other, self.pid);
  }

  /** unlink/1: removes the link on both sides; no exit signal of it arrives afterwards. */
  unlink(self: Process, to: Pid): void {
    self.extras?.links?.delete(to.key);
    if (!to.isLocal) {
      this.#host.remote?.unlink(self.pid, to);
      return;
    }
    this.#host.lookup(to)?.extras?.links?.delete(self.pid.key);
  }

  // ── monitors ────────────────────────────────────────────────────────────────

  /**
   * monitor(process, Target): a DOWN arrives when the target ends (at once, `noproc`, if it
   * is gone). With `mark`, the watcher's mailbox is marked with the ref before anything
   * tagged with it can be queued, so a receive or flush `since` the ref sees all of them.
   */
  monitor(self: Process, target: MonitorTarget, alias = false, mark = false): Ref {
    const host = this.#host;
    const ref = host.newRef();
    const key = ref.id;
    if (mark) self.mailbox.mark(ref);
    // A monitor's alias lives and dies with the monitor entry (no alias-set bookkeeping).
    if (alias) host.setAlias(key, self);
    // A local pid first, without the shape tests the other targets need: every call makes one.
    if (target instanceof Pid && target.isLocal) {
      const watched = host.lookup(target);
      if (watched === undefined) return this.#monitorNoProc(self, ref, alias, target);
      return this.#monitorLocal(self, ref, alias, target, watched);
    }
    const remoteName = typeof target === 'object' && !(target instanceof Pid) ? target : undefined;
    if ((remoteName !== undefined && remoteName.node !== host.nodeName) || target instanceof Pid) {
      const remoteTarget = target as Pid | RemoteName;
      self.extra().monitors ??= new CompactMap();
      const remote = host.remote;
      if (remote === undefined) {
        if (alias) host.setAlias(key, undefined);
        this.#down(self, ref, remoteTarget, 'noconnection');
        return ref;
      }
      self.extras!.monitors!.set(key, { ref, target: remoteTarget as Pid | string, node: remoteTarget.node, alias });
      remote.monitor(self.pid, remoteTarget, ref);
      return ref;
    }
    const name = typeof target === 'string' ? target : remoteName!.name;
    const watched = host.lookupName(name);
    if (watched === undefined) return this.#monitorNoProc(self, ref, alias, { name, node: host.nodeName });
    return this.#monitorLocal(self, ref, alias, name, watched);
  }

  #monitorLocal(self: Process, ref: Ref, alias: boolean, by: Pid | string, watched: Process): Ref {
    const entry = new LocalMonitor(ref, watched.pid, alias, self.pid, by, watched);
    (self.extra().monitors ??= new CompactMap()).set(ref.id, entry);
    (watched.extra().monitoredBy ??= new CompactMap()).set(ref.id, entry);
    return ref;
  }

  // The target is gone: its DOWN (noproc) is queued at once, and the alias is already dead.
  #monitorNoProc(self: Process, ref: Ref, alias: boolean, reported: Pid | RemoteName): Ref {
    if (alias) this.#host.setAlias(ref.id, undefined);
    this.#down(self, ref, reported, 'noproc');
    return ref;
  }

  /** demonitor/2: turns the monitor off; with `flush`, also removes its DOWN if already queued. Returns whether it was active. */
  demonitor(self: Process, ref: Ref, flush: boolean): boolean {
    const key = monitorKey(ref);
    const entry = self.extras?.monitors?.get(key);
    if (entry !== undefined) {
      self.extras!.monitors!.delete(key);
      if (entry.alias) this.#host.setAlias(ref.id, undefined);
      const target = entry.target;
      if (entry instanceof LocalMonitor) {
        entry.watched.extras?.monitoredBy?.delete(key);
      } else if (typeof target === 'object' && 'id' in target && target.isLocal) {
        this.#host.lookup(target)?.extras?.monitoredBy?.delete(key);
      } else {
        this.#host.remote?.demonitor(self.pid, target as Pid | RemoteName, ref);
      }
    }
    if (flush && self.queuedCount > 0) {
      // A DOWN for `ref` cannot be queued before `ref` was made: start where it marked the
      // mailbox, so a call's flush stays O(1) however deep the caller's mailbox is.
      const mailbox = self.mailbox;
      mailbox.removeWhere((m) => isDownFor(m, ref), mailbox.startFor(ref));
    }
    return entry !== undefined;
  }

  // ── aliases ─────────────────────────────────────────────────────────────────

  /** Makes `ref` an alias of `self`: messages sent to it reach `self` until unalias. */
  alias(self: Process, ref: Ref): void {
    (self.extra().aliases ??= new Set()).add(ref.id);
    this.#host.setAlias(ref.id, self);
  }

  /** Deactivates an alias (also a monitor's); later messages sent to it are dropped. Returns whether it was active. */
  unalias(self: Process, ref: Ref): boolean {
    if (self.extras?.aliases?.delete(ref.id) === true) {
      this.#host.setAlias(ref.id, undefined);
      return true;
    }
    const entry = self.extras?.monitors?.get(monitorKey(ref));
    if (entry === undefined || !entry.alias) return false;
    entry.alias = false;
    this.#host.setAlias(ref.id, undefined);
    return true;
  }

  // ── death ───────────────────────────────────────────────────────────────────

  /** Tells links and monitors that `dead` ended with `reason`, and drops its own monitors. */
  processDied(dead: Process, reason: ExitReason): void {
    const extras = dead.extras;
    if (extras === undefined) return;
    const host = this.#host;
    if (extras.links !== undefined) {
      const links = extras.links;
      extras.links = undefined;
      for (const linked of links.values()) this.exit(dead.pid, linked, reason, 'link');
    }
    if (extras.monitoredBy !== undefined) {
      const watchers = extras.monitoredBy;
      extras.monitoredBy = undefined;
      for (const { ref, watcher, by } of watchers.values()) {
        if (!watcher.isLocal) {
          host.remote?.down(typeof by === 'string' ? by : dead.pid, watcher, ref, reason);
          continue;
        }
        const process = host.lookup(watcher);
        const key = monitorKey(ref);
        const entry = process?.extras?.monitors?.get(key);
        if (process === undefined || entry === undefined) continue;
        process.extras!.monitors!.delete(key);
        if (entry.alias) host.setAlias(ref.id, undefined);
        process.deliver(downMessage(ref, typeof by === 'string' ? { name: by, node: host.nodeName } : dead.pid, reason));
      }
    }
    if (extras.aliases !== undefined) {
      for (const id of extras.aliases) host.setAlias(id, undefined);
      extras.aliases = undefined;
    }
    if (extras.monitors !== undefined) {
      const monitors = extras.monitors;
      extras.monitors = undefined;
      for (const { ref, target, alias } of monitors.values()) {
        if (alias) host.setAlias(ref.id, undefined);
        if (typeof target === 'object' && 'id' in target && target.isLocal) {
          host.lookup(target)?.extras?.monitoredBy?.delete(monitorKey(ref));
        } else {
          host.remote?.demonitor(dead.pid, target as Pid | RemoteName, ref);
        }
      }
    }
  }

  // ── from other nodes ────────────────────────────────────────────────────────

  /** A remote process linked to local `to`; a dead `to` answers with a `noproc` exit. */
  remoteLink(from: Pid, to: Pid): void {
    const target = this.#host.lookup(to);
    if (target === undefined) this.#host.remote?.exit(to, from, 'noproc', 'link');
    else addLink(target, from);
  }

  /** A remote watcher monitors a local pid or name; a missing target answers DOWN `noproc`. */
  remoteMonitor(watcher: Pid, target: Pid | string, ref: Ref): void {
    const host = this.#host;
    const watched = typeof target === 'string' ? host.lookupName(target) : host.lookup(target);
    if (watched === undefined) {
      host.remote?.down(target, watcher, ref, 'noproc');
      return;
    }
    (watched.extra().monitoredBy ??= new CompactMap()).set(monitorKey(ref), { ref, watcher, by: target });
  }

  remoteDemonitor(target: Pid | string, ref: Ref): void {
    const host = this.#host;
    const watched = typeof target === 'string' ? host.lookupName(target) : host.lookup(target);
    watched?.extras?.monitoredBy?.delete(monitorKey(ref));
  }

  /** Gives `watcher` the local half of a monitor of remote `target` set up by that node. */
  adoptRemoteMonitor(watcher: Pid, target: Pid, ref: Ref): void {
    const process = this.#host.lookup(watcher);
    if (process === undefined) return;
    (process.extra().monitors ??= new CompactMap()).set(monitorKey(ref), { ref, target, node: target.node, alias: false });
  }

  /** A DOWN for a local watcher's monitor of a remote process. */
  remoteDown(watcher: Pid, ref: Ref, reason: ExitReason): void {
    const process = this.#host.lookup(watcher);
    const key = monitorKey(ref);
    const entry = process?.extras?.monitors?.get(key);
    if (process === undefined || entry === undefined) return;
    process.extras!.monitors!.delete(key);
    if (entry.alias) this.#host.setAlias(ref.id, undefined);
    this.#down(process, ref, entry.target as Pid | RemoteName, reason);
  }

  /** The connection to `node` is gone: its links and monitors fire with `noconnection`. */
  nodeDown(node: string, processes: Iterable<Process>): void {
    for (const process of processes) {
      const extras = process.extras;
      if (extras === undefined || !process.alive) continue;
      if (extras.monitoredBy !== undefined) {
        for (const [key, entry] of [...extras.monitoredBy]) if (entry.watcher.node === node) extras.monitoredBy.delete(key);
      }
      if (extras.monitors !== undefined) {
        const monitors = extras.monitors;
        for (const [key, entry] of [...monitors]) {
          // A DOWN can end the watcher (a bounded mailbox that exits on overflow).
          if (!process.alive) break;
          if (entry.node !== node) continue;
          monitors.delete(key);
          if (entry.alias) this.#host.setAlias(entry.ref.id, undefined);
          this.#down(process, entry.ref, entry.target as Pid | RemoteName, 'noconnection');
        }
      }
      if (extras.links !== undefined) {
        for (const linked of [...extras.links.values()]) {
          if (linked.node === node && process.alive) this.receiveExit(process, linked, 'noconnection', 'link');
        }
      }
    }
  }

  #down(watcher: Process, ref: Ref, target: Pid | RemoteName, reason: ExitReason): void {
    watcher.deliver(downMessage(ref, target, reason));
  }
}

/**
 * A monitor between two local processes: one record is both the watcher's entry (in its
 * `monitors`) and the watched process's (in its `monitoredBy`), and it holds the watched
 * process, so a demonitor (one per gen_server call) makes no lookup and a monitor allocates
 * one entry. Invariant: while the watcher holds it, `watched` is alive.
 */
class LocalMonitor implements MonitorEntry {
  constructor(
    readonly ref: Ref,
    readonly target: Pid,
    public alias: boolean,
    readonly watcher: Pid,
    readonly by: Pid | string,
    readonly watched: Process,
  ) {}
}

function addLink(process: Process, to: Pid): void {
  (process.extra().links ??= new Map()).set(to.key, to);
}

function exitMessage(from: Pid, reason: ExitReason): ExitMessage {
  return { kind: 'EXIT', from, reason };
}

function downMessage(ref: Ref, target: Pid | RemoteName, reason: ExitReason): DownMessage {
  return { kind: 'DOWN', ref, target, reason };
}

function isDownFor(message: unknown, ref: Ref): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as DownMessage).kind === 'DOWN' &&
    ref.equals((message as DownMessage).ref)
  );
}

