// How a process body hands a figure back to the plain-JS code that started the workload.

export interface Completion<T> {
  readonly promise: Promise<T>;
  /** Callable from inside a process body: resolves `promise` for the awaiting plain-JS code. */
  readonly resolve: (value: T) => void;
}

export function completion<T>(): Completion<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}
