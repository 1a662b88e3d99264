// Runs an example's main function: prints a verdict, sets the exit code, never hangs.

/** Throws with `message` unless `condition` holds: how an example fails loudly. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Runs `main`; on success prints `<name>: OK` (exit code 0), on failure prints the reason
 * and sets exit code 1. If `main` is still running after `deadlineMs`, exits with code 2.
 */
export async function runExample(name: string, main: () => Promise<void>, deadlineMs = 30_000): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`${name}: FAILED: still running after ${deadlineMs} ms`);
    process.exit(2);
  }, deadlineMs);
  deadline.unref(); // the deadline alone must not keep the process alive
  try {
    await main();
    console.log(`${name}: OK`);
  } catch (error) {
    console.error(`${name}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
  }
}
