// A dirty scheduler thread (see src/scheduler/dirty-pool.ts): runs one task per call,
// either a function compiled from its source or an export of an imported module.
const compiled = new Map();

// Transpilers that keep function names (esbuild, hence tsx) wrap inner functions in a
// `__name(fn, "name")` helper that exists only in the sender's module; stand it in.
const keepName = (fn) => fn;

function compile(source) {
  let fn = compiled.get(source);
  if (fn === undefined) {
    // Method shorthand (`run(x) {…}`) is not an expression on its own; try it as one.
    try {
      fn = new Function('__name', `return (${source});`)(keepName);
    } catch {
      fn = new Function('__name', `return ({ ${source} })`)(keepName);
      fn = Object.values(fn)[0];
    }
    if (typeof fn !== 'function') throw new TypeError('dirty: the task source is not a function');
    compiled.set(source, fn);
  }
  return fn;
}

export default async function runDirtyTask(task) {
  if (task.kind === 'function') return compile(task.source)(...task.args);
  const module = await import(task.module);
  const fn = module[task.name];
  if (typeof fn !== 'function') throw new TypeError(`dirty: ${task.module} has no exported function '${task.name}'`);
  return fn(...task.args);
}
