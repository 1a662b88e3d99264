// deepFreeze: the `freezeMessages` debug option — messages are shared by reference
// between local processes, so freezing them turns a mutation by the receiver into an
// immediate TypeError (in strict-mode code) instead of a heisenbug in the sender.

export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  // Typed arrays and buffers cannot be frozen; leave them as they are.
  if (ArrayBuffer.isView(value)) return;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}
