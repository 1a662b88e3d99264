// Ref: a unique reference (Erlang's make_ref()), for monitors, calls and timers.
import type { NodeHandle } from './node-handle.js';

/**
 * A unique reference, printed `#Ref<0.1234>`. Unique within its node's lifetime;
 * compare with {@link Ref.equals} and key maps with {@link Ref.key}.
 */
export class Ref {
  // Monitors and aliases key their tables by this string on every call; build it once.
  #key: string | undefined = undefined;

  /** @internal refs are made by a runtime or by the wire decoder. */
  constructor(
    readonly nodeHandle: NodeHandle,
    readonly id: number,
  ) {}

  get node(): string {
    return this.nodeHandle.name;
  }

  get key(): string {
    return (this.#key ??= this.toString());
  }

  equals(other: unknown): boolean {
    return other instanceof Ref && other.id === this.id && other.nodeHandle === this.nodeHandle;
  }

  toString(): string {
    return `#Ref<${this.nodeHandle.index}.${this.id}>`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Type guard for references. */
export function isRef(value: unknown): value is Ref {
  return value instanceof Ref;
}
