// Restart strategies: which children are restarted, and which stopped first, when one terminates.

/** How the children of a supervisor depend on each other (Erlang's `strategy`). */
export type RestartStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

export const RESTART_STRATEGIES: readonly RestartStrategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

/**
 * The children affected when the child at `failed` (an index in start order) terminates,
 * in start order: only it (one_for_one), all of them (one_for_all), or it and every child
 * started after it (rest_for_one). The others among them are stopped in reverse order,
 * then all of them are started again in order.
 */
export function affectedChildren<C>(strategy: RestartStrategy, children: readonly C[], failed: number): C[] {
  switch (strategy) {
    case 'one_for_one':
      return [children[failed]!];
    case 'one_for_all':
      return [...children];
    case 'rest_for_one':
      return children.slice(failed);
  }
}
