// The demo's supervision tree: root → (services → counter, kv), http.
import type { Runtime } from '@troupe/runtime';
import { Supervisor, type SupervisorSpec } from '@troupe/otp';
import type { Backends } from './cluster.js';
import { HttpEndpoint } from './http-endpoint.js';
import { Counter, Kv } from './services.js';

/** Restart intensity of `services`: at most 2 restarts in 10 s, or it gives up. */
export const SERVICES_INTENSITY = { intensity: 2, periodMs: 10_000 };

/** The services, one_for_one: a crashed service is restarted alone. */
export const servicesSpec: SupervisorSpec = {
  strategy: 'one_for_one',
  ...SERVICES_INTENSITY,
  children: [
    { id: 'counter', start: { module: Counter, options: { name: 'counter' } } },
    { id: 'kv', start: { module: Kv, options: { name: 'kv' } } },
  ],
};

/**
 * The root: the services subtree first, the HTTP endpoint after it (children start in order
 * and stop in reverse, so the endpoint stops taking requests before the services go).
 * If `services` gives up, the root restarts that whole subtree; the endpoint is untouched.
 * `backends` are the other nodes whose kv the endpoint's `/cluster/kv` routes use (part 3).
 */
export function rootSpec(runtime: Runtime, backends: Backends): SupervisorSpec {
  return {
    strategy: 'one_for_one',
    intensity: 1,
    periodMs: 30_000,
    children: [
      // Supervisor.childSpec(id, spec) cannot register the nested supervisor, so the start is spelled out.
      { id: 'services', type: 'supervisor', start: (caller) => Supervisor.startLink(caller, servicesSpec, { name: 'services' }) },
      { id: 'http', start: { module: HttpEndpoint, args: { runtime, backends }, options: { name: 'http' } } },
    ],
  };
}
