import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, as the README runs it. */
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const tempDir = () => mkdtempSync(join(tmpdir(), 'scale-tasks-test-'));

/** The environment without any real Scale or SGP settings, plus `env`. */
export function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(SCALE_|SGP_)/.test(key)) {
      base[key] = value;
    }
  }
  return { ...base, ...env };
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/** Starts the built CLI as a child process. */
export function startCli(args: string[], options: RunOptions = {}) {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: cleanEnv(options.env),
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
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child: child as ChildProcess, done };
}

/** Runs the built CLI to the end. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** The environment that points the CLI at a mock. */
export const mockEnv = (mock: { url: string; apiKeys: { scale: string; sgp: string } }) => ({
  SCALE_API_KEY: mock.apiKeys.scale,
  SCALE_BASE_URL: mock.url,
  SGP_API_KEY: mock.apiKeys.sgp,
  SGP_BASE_URL: mock.url,
});

/** Every non-empty line of a JSONL file, parsed. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
