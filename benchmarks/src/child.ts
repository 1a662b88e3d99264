// One measured run in a fresh process: `node --import tsx --expose-gc benchmarks/src/child.ts <workload> <variant> [--quick]`.
// Prints exactly one JSON line on stdout: {"value":V,"unit":U} or {"error":"…"}.
import { findWorkloadSpec } from './catalog.js';
import { findImplementation } from './workloads/index.js';

async function main(argv: readonly string[]): Promise<void> {
  const [name, variant] = argv;
  const quick = argv.includes('--quick');
  if (name === undefined || variant === undefined) {
    throw new TypeError('usage: child.ts <workload> <variant> [--quick]');
  }
  const spec = findWorkloadSpec(name);
  const workload = findImplementation(name, variant);
  if (spec === undefined || workload === undefined) {
    throw new TypeError(`no implementation of workload '${name}' for variant '${variant}'`);
  }
  if (!quick && spec.distributed !== true) {
    // One untimed round at the quick size first, so the measured run sees code V8 has
    // already optimised (steady state, as JIT benchmarks measure). Distributed workloads
    // skip it: their peer is a fresh process whatever this one does.
    await workload.run(variant, { quick: true, size: spec.size.quick });
  }
  globalThis.gc?.();
  const value = await workload.run(variant, { quick, size: quick ? spec.size.quick : spec.size.full });
  if (!Number.isFinite(value)) throw new RangeError(`workload '${name}' returned ${value}`);
  process.stdout.write(`${JSON.stringify({ value, unit: spec.unit })}\n`);
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a workload that leaves a timer or socket behind must not keep the run alive.
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    process.exit(1);
  },
);
