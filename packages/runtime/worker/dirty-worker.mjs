// A dirty scheduler thread (see src/scheduler/dirty-pool.ts): runs one task per call,
// either a function compiled from its source or an export of an imported module.
const compiled = new Map();

function compile(source) {
  let fn = compiled.get(source);
  if (fn === undefined) {
    // Method shorthand (`run(x) {…}`) is not an expression on its own; try it as one.
    try {
      fn = new Function(`return (${source});`)();
    } catch {
      fn = new Function(`return ({ ${source} })`)();
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
