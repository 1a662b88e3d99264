// Pid: the identity of a process, local or remote; a plain value.
import type { NodeHandle } from './node-handle.js';

/**
 * A process identifier (Erlang's pid). A value: compare with {@link Pid.equals},
 * key maps with {@link Pid.key} (or `String(pid)`), print as `<0.42.0>` where the
 * first number is 0 for a local process and the peer's index for a remote one.
 */
export class Pid {
  /** @internal pids are made by a runtime (spawn) or by the wire decoder. */
  constructor(
    readonly nodeHandle: NodeHandle,
    readonly id: number,
    readonly serial = 0,
  ) {}

  /** The node this process lives on, e.g. `'a@127.0.0.1'` (Erlang's `node(Pid)`). */
  get node(): string {
    return this.nodeHandle.name;
  }

  /** The node's creation: tells a restarted node's pids from its previous life's. */
  get creation(): number {
    return this.nodeHandle.creation;
  }

  /** True when the process lives on this runtime. */
  get isLocal(): boolean {
    return this.nodeHandle.index === 0;
  }

  /** A string unique to this process within this runtime; stable for its lifetime. */
  get key(): string {
    return this.toString();
  }

  equals(other: unknown): boolean {
    return (
      other instanceof Pid &&
      other.id === this.id &&
      other.serial === this.serial &&
      other.nodeHandle === this.nodeHandle
    );
  }

  toString(): string {
    return `<${this.nodeHandle.index}.${this.id}.${this.serial}>`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Type guard for pids. */
export function isPid(value: unknown): value is Pid {
  return value instanceof Pid;
}
