import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli, readyLine, UsageError } from '../src/cli-args.js';

const bin = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));

describe('parseCli', () => {
  it.each([
    [[], {}],
    [['--port', '4010', '--host', '0.0.0.0'], { port: 4010, host: '0.0.0.0' }],
    [['--seed=42', '--size', '5000'], { seed: 42, size: 5000 }],
    [
      [
        '--fault-429',
        '0.1',
        '--fault-500',
        '0.05',
        '--fault-503',
        '0',
        '--reset-rate',
        '0.01',
        '--truncate-rate',
        '0.02',
      ],
      { faults: { rate429: 0.1, rate500: 0.05, rate503: 0, resetRate: 0.01, truncateRate: 0.02 } },
    ],
    [
      ['--latency-ms', '250', '--latency-rate', '0.5'],
      { faults: { latencyMs: 250, latencyRate: 0.5 } },
    ],
    [
      ['--scale-key', 'test_a', '--sgp-key', 'test_b'],
      { apiKeys: { scale: 'test_a', sgp: 'test_b' } },
    ],
  ])('%j', (argv, options) => {
    expect(parseCli(argv)).toEqual({ help: false, options });
  });

  it.each([
    [['--port', 'abc'], '--port must be an integer from 0 to 65535, got "abc"'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
    [['--size=-3'], '--size must be an integer from 0 to 10000000, got "-3"'],
    [
      ['--size', '-3'],
      "Option '--size' argument is ambiguous. Did you forget to specify the option argument for '--size'? To specify an option argument starting with a dash use '--size=-XYZ'.",
    ],
    [['--seed', '1.5'], '--seed must be an integer from -2147483648 to 4294967295, got "1.5"'],
    [['--fault-500', '1.5'], '--fault-500 must be a number from 0 to 1, got "1.5"'],
    [['--reset-rate', 'often'], '--reset-rate must be a number from 0 to 1, got "often"'],
    [['--latency-ms=-1'], '--latency-ms must be a number of milliseconds (0 or more), got "-1"'],
    [
      ['--fault-429', '0.6', '--fault-500', '0.6'],
      '--fault-429, --fault-500, --fault-503, --reset-rate and --truncate-rate add up to 1.2; they must add up to at most 1',
    ],
    [['--scale-key', ''], '--scale-key must be a non-empty key without spaces'],
    [['--verbose'], "Unknown option '--verbose'"],
    [['--port'], "Option '--port <value>' argument missing"],
    [['serve'], "Unexpected argument 'serve'. This command does not take positional arguments"],
  ])('%j fails with one line: %s', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(new UsageError(message));
  });

  it('the ready line says where the mock is and how to point the clients at it', () => {
    expect(readyLine('http://127.0.0.1:4010', { scale: 'test_a', sgp: 'test_b' })).toBe(
      'scale-mock listening on http://127.0.0.1:4010 (Scale /v1 /v2, SGP /v4); point the clients at it with: SCALE_BASE_URL=http://127.0.0.1:4010 SCALE_API_KEY=test_a SGP_BASE_URL=http://127.0.0.1:4010 SGP_API_KEY=test_b',
    );
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
});

/** Runs the built bin; resolves with its exit code and output once it exits. */
function run(args: string[], onLine?: (line: string, child: ChildProcess) => void) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const before = stdout;
    stdout += chunk.toString('utf8');
    if (onLine && !before.includes('\n') && stdout.includes('\n')) {
      onLine(stdout.split('\n')[0] as string, child);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scale-mock (the built bin)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves until %s, then closes cleanly (exit 0)',
    async (signal) => {
      let answered: { status: number; projects: number } | undefined;
      const result = await run(
        ['--size', '20', '--seed', '3', '--scale-key', 'test_cli'],
        (line, child) => {
          const url = /listening on (\S+)/.exec(line)?.[1] as string;
          fetch(`${url}/v2/projects`, { headers: { authorization: 'Bearer test_cli' } })
            .then(async (response) => {
              answered = {
                status: response.status,
                projects: ((await response.json()) as { projects: unknown[] }).projects.length,
              };
            })
            .finally(() => child.kill(signal));
        },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^scale-mock listening on http:\/\/127\.0\.0\.1:\d+ .* SCALE_BASE_URL=http:\/\/127\.0\.0\.1:\d+ SCALE_API_KEY=test_cli SGP_BASE_URL=\S+ SGP_API_KEY=test_mock_sgp_key\n$/,
      );
      expect(answered).toEqual({ status: 200, projects: 3 });
      expect(result.stderr).toBe('');
    },
  );

  it('--help prints the usage and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: scale-mock \[options\]/);
    expect(result.stdout).toContain('--truncate-rate <share>');
  });

  it('a bad flag is one line on stderr and exit code 2', async () => {
    const result = await run(['--fault-500', 'lots']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'scale-mock: --fault-500 must be a number from 0 to 1, got "lots" (see scale-mock --help)\n',
    });
  });
});
