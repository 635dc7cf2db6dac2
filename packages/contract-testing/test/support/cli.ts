import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (turbo runs `build` before `test`), as a user runs it. */
export const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * Runs `node dist/cli.js ...args` without blocking this process (the mock and the drift proxy
 * it talks to live here), with only the given variables besides PATH and HOME.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
