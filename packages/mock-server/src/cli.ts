#!/usr/bin/env node
/** `scale-mock`: runs the mock server until SIGINT or SIGTERM. */
import { parseCli, readyLine, USAGE, UsageError } from './cli-args.js';
import { startMockServer } from './index.js';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`scale-mock: ${error.message} (see scale-mock --help)\n`);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let server: Awaited<ReturnType<typeof startMockServer>>;
  try {
    server = await startMockServer(parsed.options);
  } catch (error) {
    process.stderr.write(`scale-mock: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`${readyLine(server.url, server.apiKeys)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  if (server.violations.length > 0) {
    process.stderr.write(
      `scale-mock: ${server.violations.length} responses broke the spec (answered 500)\n`,
    );
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`scale-mock: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
