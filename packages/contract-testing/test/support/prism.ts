import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Prism (Stoplight's spec-driven mock, @stoplight/prism-cli 5.14.2) started in this process
// through the programmatic server API of the packages the CLI itself runs, as
// test/prism.test.ts explains: static examples, request validation and security checks on,
// response validation (only logged by the CLI) off, `listen(0)` on 127.0.0.1.
const require = createRequire(import.meta.url);
const fromPrismCli = createRequire(require.resolve('@stoplight/prism-cli/package.json'));
const bundle = (api: string) =>
  fileURLToPath(new URL(`../../../../openapi/dist/${api}.json`, import.meta.url));

/** The part of @stoplight/prism-http-server's server that the tests use. */
export interface PrismServer {
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}
const { createServer } = fromPrismCli('@stoplight/prism-http-server') as {
  createServer(operations: unknown[], options: Record<string, unknown>): PrismServer;
};
const { getHttpOperationsFromSpec } = fromPrismCli('@stoplight/prism-http') as {
  getHttpOperationsFromSpec(document: string): Promise<unknown[]>;
};
const { createLogger } = fromPrismCli('@stoplight/prism-core') as {
  createLogger(name: string, options: { level: string }): unknown;
};

/** `prism mock <bundle>` on 127.0.0.1, a free port. */
export async function startPrism(
  api: 'scale' | 'sgp',
): Promise<{ url: string; server: PrismServer }> {
  const operations = await getHttpOperationsFromSpec(bundle(api));
  const server = createServer(operations, {
    cors: false,
    components: { logger: createLogger(`prism-${api}`, { level: 'silent' }) },
    config: {
      isProxy: false,
      mock: { dynamic: false },
      checkSecurity: true,
      validateRequest: true,
      validateResponse: false,
      errors: false,
    },
  });
  const url = await server.listen(0, '127.0.0.1');
  return { url, server };
}
