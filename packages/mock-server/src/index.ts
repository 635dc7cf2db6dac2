/**
 * A stateful, spec-driven mock of Scale AI's task APIs (v1, v2) and the SGP v4 evaluation-task
 * API, on one HTTP server: it pages, filters, claims and remembers, checks every response
 * against the spec, and injects seeded faults.
 */
import {
  type InternalOptions,
  type MockServer,
  type MockServerOptions,
  startMockServerWith,
} from './server.js';

export type { FaultOptions, MockServer, MockServerOptions, Violation } from './server.js';

/** Starts the mock on `host:port` (default 127.0.0.1 and a free port) and resolves once it listens. */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { tamper: _internal, ...publicOptions } = options as InternalOptions;
  return startMockServerWith(publicOptions);
}
