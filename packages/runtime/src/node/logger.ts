// Logger: where the runtime reports crashes and other events worth a human's attention.

/** A pluggable sink for the runtime's log lines (crash reports, long schedules, …). */
export interface Logger {
  error(message: string, meta?: Readonly<Record<string, unknown>>): void;
  warn(message: string, meta?: Readonly<Record<string, unknown>>): void;
  info(message: string, meta?: Readonly<Record<string, unknown>>): void;
}

/** Writes to stderr through `console` (the default). */
export const consoleLogger: Logger = {
  error: (message) => console.error(message),
  warn: (message) => console.warn(message),
  info: (message) => console.info(message),
};

/** Drops everything (for tests and benchmarks that provoke crashes on purpose). */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
};
