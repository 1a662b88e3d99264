// @troupe/runtime/testing — deterministic time and helpers for tests.
export { VirtualClock } from './virtual-clock.js';
