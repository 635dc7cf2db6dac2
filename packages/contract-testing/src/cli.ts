#!/usr/bin/env node
// scale-contracts verify [--base-url <url>] [--api scale|sgp|all] [--report <file.xml|file.json|file.html>] ...
import { randomInt } from 'node:crypto';
import { accessSync, constants, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  exitCodeOf,
  formatDuration,
  MAX_DEADLINE_MS,
  MIN_DEADLINE_MS,
  PLAN_REQUESTS,
  parseBytes,
  parseDuration,
} from './outcome.js';
import { formatText, outcomeLine, toHtml, toJson, toJUnit } from './reporters.js';
import type { ProgressEvent, Report, VerifyOptions } from './types.js';
import { formatViolation } from './violations.js';

const NAME = 'scale-contracts';

const mainHelp = `usage: ${NAME} <command> [options]

Checks that the Scale API (or your fake of it, or the bundled mock) still matches the
scale-contracts spec.

commands:
  verify    run the contract checks and print a report (${NAME} verify --help)
  help      show this help

exit codes:
  0  everything that ran conforms to the spec (skipped checks do not fail a run)
  1  the API broke the spec: violations (also a run cut short after it found one)
  2  could not start (bad usage; the preflight: unreachable, not JSON, key refused, wrong
     base URL; one line on stderr says why), cut short by --deadline or Ctrl-C before any
     violation (partial report), or the suite itself crashed
`;

const verifyHelp = `usage: ${NAME} verify [options]

Sends valid and invalid requests to every operation and checks each response's status,
content type and body against the spec. Without --base-url it starts the mock server and
verifies it (writes allowed: the mock is disposable).

options:
  --base-url <url>        the Scale API, e.g. https://api.scale.com (none: the mock server)
  --sgp-base-url <url>    the SGP API (default: https://api.egp.scale.com for
                          https://api.scale.com, else --base-url)
  --api <name>            scale, sgp or all (default all)
  --scale-key <key>       Scale API key (default: SCALE_API_KEY; prefer the variable)
  --sgp-key <key>         SGP API key (default: SGP_API_KEY; prefer the variable)
  --sgp-account-id <id>   sent as x-selected-account-id (default: SGP_ACCOUNT_ID)
  --evaluation-id <id>    an SGP evaluation to check; repeat for several (SGP has no list)
  --allow-writes          also run write operations (default: only against the mock)
  --no-allow-writes       never run write operations, even against the mock
  --stateless             only the checks a stateless spec-driven mock (e.g. Prism) can pass;
                          checks that need server state are skipped ("needs server state")
  --rps <n>               requests per second (default 5; unlimited against the mock)
  --max-requests <n>      send at most n requests; later checks are skipped (default 200;
                          unlimited against the mock)
  --timeout-ms <n>        per request (default 30000)
  --report <file>         also write the report: file.xml (JUnit), file.json or file.html
                          (one self-contained page)
  --fuzz                  after the checks, fuzz every operation: requests generated from the
                          spec, valid ones must be accepted, invalid ones refused with a
                          documented 4xx; a failure is shrunk and printed as a curl line
  --seed <n>              the fuzz seed, 0 to 4294967295 (default: random, printed); the same
                          seed sends the same requests to the same server
  --max-examples <n>      fuzz requests per operation and kind, shrinking aside (default 25)
  --deadline <duration>   end the whole run after this long with a partial report (the checks
                          not reached listed as not run), e.g. 90s, 10m, 1h (default:
                          min(max-requests, ${PLAN_REQUESTS}) × (timeout-ms + 1 s / rps), at least
                          ${formatDuration(MIN_DEADLINE_MS)}, at most ${formatDuration(MAX_DEADLINE_MS)}: ${formatDuration(MAX_DEADLINE_MS)} with the defaults)
  --max-body-bytes <n>    read at most n bytes of one response body, decompressed (default
                          20m = 20 MiB; k, m for KiB, MiB); a larger body is a violation of
                          its own ("size"), not read to the end
  --quiet                 no progress lines; the report shows only failures and totals
  -h, --help              show this help

Before any check, a preflight sends one harmless request per API (Scale: GET /v2/projects;
SGP: PATCH .../tasks/batch-assign with no task ids) to prove the URL and the key. A negative
check (a 4xx expected) counts only when a positive check of its operation passed in the run.
Ctrl-C (SIGINT) or SIGTERM stops the run with a partial report; a second one quits at once.

exit codes:
  0  everything that ran conforms to the spec (skipped checks do not fail a run)
  1  the API broke the spec: violations (also a run cut short after it found one)
  2  could not start (bad usage; the preflight: unreachable, not JSON, key refused, wrong
     base URL; one line on stderr says why), cut short by --deadline or Ctrl-C before any
     violation (partial report), or the suite itself crashed
`;

/** A usage problem: one line on stderr, exit code 2. */
class UsageError extends Error {}

/** Where the one-line usage error points for help. */
let helpCommand = `${NAME} --help`;

function usage(message: string): never {
  throw new UsageError(message);
}

/** The first sentence of a parseArgs error, e.g. `Unknown option '--fast'`. */
function parseArgsMessage(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  return (message.split(/\.\s/)[0] ?? message).replace(/\.$/, '');
}

function numberOption(name: string, value: string | undefined, integer: boolean) {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (
    value.trim() === '' ||
    !Number.isFinite(parsed) ||
    parsed <= 0 ||
    (integer && !Number.isInteger(parsed))
  ) {
    usage(
      `--${name} must be a positive ${integer ? 'integer' : 'number'} (got ${JSON.stringify(value)})`,
    );
  }
  return parsed;
}

function progressLine(event: ProgressEvent): string {
  if (event.kind === 'info') {
    return `… ${event.message}`;
  }
  const { check } = event;
  if (check.skipped !== undefined) {
    return `- ${event.operationId}: ${check.name} (skipped: ${check.skipped})`;
  }
  const status = check.status === null ? 'no response' : check.status;
  const head = `${check.ok ? '✓' : '✗'} ${event.operationId}: ${check.name} (${status})`;
  return check.ok
    ? head
    : [
        head,
        ...check.violations.map((v) => `    ${formatViolation(v)}`),
        ...(check.reproducer ? [`    reproduce: ${check.reproducer}`] : []),
      ].join('\n');
}

/** `--seed`: an integer from 0 to 2^32 - 1, as fast-check takes it. */
function seedOption(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed > 2 ** 32 - 1) {
    usage(`--seed must be an integer from 0 to 4294967295 (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

/** The writer for a `--report` file, by its extension. */
const reportFormat = (file: string): ((report: Report) => string) =>
  /\.xml$/i.test(file) ? toJUnit : /\.html$/i.test(file) ? toHtml : toJson;

/** Writes beside the target and renames, so a reader never sees half a report. */
function writeAtomically(file: string, text: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function runVerify(given: string[]): Promise<number> {
  helpCommand = `${NAME} verify --help`;
  // `pnpm verify -- --base-url ...` passes the `--` on: it ends pnpm's options, not ours.
  const args = given[0] === '--' ? given.slice(1) : given;
  let parsed: ReturnType<typeof parseVerify>;
  try {
    parsed = parseVerify(args);
  } catch (error) {
    usage(parseArgsMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(verifyHelp);
    return 0;
  }
  if (positionals.length > 0) {
    usage(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const api = values.api ?? 'all';
  if (api !== 'scale' && api !== 'sgp' && api !== 'all') {
    usage(`--api must be scale, sgp or all (got ${JSON.stringify(api)})`);
  }
  const report = values.report;
  if (report !== undefined && !/\.(xml|json|html)$/i.test(report)) {
    usage(`--report must name a .xml (JUnit), .json or .html file (got ${JSON.stringify(report)})`);
  }
  if (report !== undefined) {
    // Found out now, not after a long run against a live API.
    try {
      accessSync(dirname(report), constants.W_OK);
    } catch {
      usage(`--report: cannot write to directory ${JSON.stringify(dirname(report))}`);
    }
  }
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) {
    usage(`--base-url is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  const sgpBaseUrl = values['sgp-base-url'];
  if (sgpBaseUrl !== undefined && !URL.canParse(sgpBaseUrl)) {
    usage(`--sgp-base-url is not a URL: ${JSON.stringify(sgpBaseUrl)}`);
  }
  const againstMock = baseUrl === undefined;
  // The mock is disposable, so writes run against it unless --no-allow-writes says otherwise.
  const allowWrites = values['allow-writes'] ?? againstMock;
  const options: VerifyOptions = {
    api,
    baseUrl,
    sgpBaseUrl,
    scaleApiKey: values['scale-key'],
    sgpApiKey: values['sgp-key'],
    sgpAccountId: values['sgp-account-id'],
    evaluationIds: values['evaluation-id'],
    allowWrites,
    stateless: values.stateless ?? false,
    requestsPerSecond: numberOption('rps', values.rps, false),
    maxRequests: numberOption('max-requests', values['max-requests'], true),
    timeoutMs: numberOption('timeout-ms', values['timeout-ms'], false),
    deadlineMs: durationOption('deadline', values.deadline),
    maxBodyBytes: bytesOption('max-body-bytes', values['max-body-bytes']),
    ...fuzzOption(values),
    onProgress: values.quiet
      ? undefined
      : (event) => process.stderr.write(`${progressLine(event)}\n`),
  };
  if (againstMock && !values.quiet) {
    process.stderr.write(
      `${NAME}: no --base-url, verifying the bundled mock server; writes ${allowWrites ? 'allowed (the mock is disposable; --no-allow-writes to skip them)' : 'not allowed'}\n`,
    );
  }
  if (values.stateless && !values.quiet) {
    process.stderr.write(
      `${NAME}: --stateless: checks that need server state (read-backs, state transitions, made-up keys, refusals only the server's data decides) are skipped\n`,
    );
  }
  if (!againstMock && allowWrites && !values.quiet) {
    process.stderr.write(
      `${NAME}: --allow-writes: this run creates, tags and cancels its own tasks, creates, pauses and cancels its own batch, accepts one completed v1 task, and claims and assigns SGP tasks at ${baseUrl}\n`,
    );
  }
  // Loaded only now: the validators take a moment to load, and help or a usage error need none.
  const { VerifyUsageError, verify } = await import('./verify.js');
  /** Prints the text report, writes the report file, names the outcome; the exit code. */
  const finish = (result: Report): number => {
    process.stdout.write(formatText(result, { failuresOnly: values.quiet ?? false }));
    if (report !== undefined) {
      try {
        writeAtomically(report, reportFormat(report)(result));
      } catch (error) {
        throw new Error(`cannot write the report to ${report}: ${(error as Error).message}`);
      }
      if (!values.quiet) {
        process.stderr.write(`${NAME}: report written to ${report}\n`);
      }
    }
    const line = outcomeLine(result);
    if (line !== undefined) {
      process.stderr.write(`${NAME}: ${line.replaceAll('\n', ' ')}\n`);
    }
    return exitCodeOf(result);
  };
  // Ctrl-C: the first stops the run (a partial report follows in at most a few seconds); a
  // second writes the report of what was recorded so far and quits at once.
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      process.stderr.write(
        `${NAME}: ${signal}: stopping, the partial report follows (${signal} again to quit now)\n`,
      );
      interrupt.abort(signal);
      return;
    }
    const partial = liveRun.snapshot?.('interrupted', `interrupted (${signal}, twice)`);
    let code = 2;
    if (partial) {
      try {
        code = finish(partial);
      } catch (error) {
        process.stderr.write(`${NAME}: could not run: ${(error as Error).message}\n`);
      }
    }
    exitSoon(code);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  liveRun.finish = finish;
  let result: Report;
  try {
    result = await verify({
      ...options,
      signal: interrupt.signal,
      onSnapshot: (snapshot) => {
        liveRun.snapshot = snapshot;
      },
    });
  } catch (error) {
    if (error instanceof VerifyUsageError) {
      usage(error.message);
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  liveRun.snapshot = undefined;
  return finish(result);
}

/**
 * The run in progress, for the last-resort paths: a second Ctrl-C, and the event loop running
 * dry while the run is pending (see `beforeExit` below).
 */
const liveRun: {
  snapshot?: (outcome: 'interrupted' | 'suite-error', cause: string) => Report;
  finish?: (report: Report) => number;
} = {};

/** Sets the exit code and exits once stdout and stderr have flushed (at most a second). */
function exitSoon(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) {
      process.exit(code);
    }
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
  setTimeout(() => process.exit(code), 1000).unref();
}

/** `--deadline 90s|10m|1h|300` in ms. */
function durationOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ms = parseDuration(value);
  if (ms === undefined) {
    usage(
      `--${name} must be a positive duration such as 90s, 10m or 1h (got ${JSON.stringify(value)})`,
    );
  }
  return ms;
}

/** `--max-body-bytes 20971520|512k|20m` in bytes. */
function bytesOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const bytes = parseBytes(value);
  if (bytes === undefined) {
    usage(
      `--${name} must be a positive number of bytes, or of KiB or MiB with k or m (got ${JSON.stringify(value)})`,
    );
  }
  return bytes;
}

/**
 * `--fuzz [--seed n] [--max-examples n]`. Without `--seed` the seed is drawn here, so that it
 * can be printed before the run (a run cut short can still be replayed).
 */
function fuzzOption(values: ReturnType<typeof parseVerify>['values']): Pick<VerifyOptions, 'fuzz'> {
  const seed = seedOption(values.seed);
  const maxExamples = numberOption('max-examples', values['max-examples'], true);
  if (!values.fuzz) {
    if (seed !== undefined || maxExamples !== undefined) {
      usage(`${seed !== undefined ? '--seed' : '--max-examples'} needs --fuzz`);
    }
    return {};
  }
  const chosen = seed ?? randomInt(0, 2 ** 31);
  if (!values.quiet) {
    process.stderr.write(
      `${NAME}: --fuzz: seed ${chosen} (replay this run with --fuzz --seed ${chosen})\n`,
    );
  }
  return { fuzz: { seed: chosen, ...(maxExamples !== undefined ? { maxExamples } : {}) } };
}

function parseVerify(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      'base-url': { type: 'string' },
      'sgp-base-url': { type: 'string' },
      api: { type: 'string' },
      report: { type: 'string' },
      'scale-key': { type: 'string' },
      'sgp-key': { type: 'string' },
      'sgp-account-id': { type: 'string' },
      'evaluation-id': { type: 'string', multiple: true },
      'allow-writes': { type: 'boolean' },
      stateless: { type: 'boolean' },
      rps: { type: 'string' },
      'max-requests': { type: 'string' },
      'timeout-ms': { type: 'string' },
      deadline: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      fuzz: { type: 'boolean' },
      seed: { type: 'string' },
      'max-examples': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    usage('missing command (commands: verify, help)');
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(mainHelp);
    return 0;
  }
  if (command === 'verify') {
    return runVerify(rest);
  }
  usage(
    command.startsWith('-')
      ? `unknown option ${JSON.stringify(command)} before the command (try ${NAME} verify ${command})`
      : `unknown command ${JSON.stringify(command)} (commands: verify, help)`,
  );
}

// Until main says otherwise the exit code is 2: no path ends in 0 without main having printed
// the report and its totals line.
process.exitCode = 2;
let settled = false;
// The event loop ran dry while the run was pending: a promise that never settles and nothing
// left to wait on (the bug that once ended runs with code 0 and no output). Report what was
// recorded, say so, exit 2.
process.on('beforeExit', () => {
  if (settled) {
    return;
  }
  settled = true;
  const cause =
    'the run stopped making progress: a request or check never settled and nothing was left to wait for (a bug in scale-contracts)';
  const partial = liveRun.snapshot?.('suite-error', cause);
  let code = 2;
  if (partial && liveRun.finish) {
    try {
      code = Math.max(2, liveRun.finish(partial));
    } catch (error) {
      process.stderr.write(`${NAME}: could not run: ${(error as Error).message}\n`);
    }
  } else {
    process.stderr.write(`${NAME}: could not run: ${cause}\n`);
  }
  process.exitCode = code;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    // Nothing should outlive the run; if something does (a socket, a timer), do not hang.
    setTimeout(() => process.exit(code), 5000).unref();
  },
  (error: unknown) => {
    settled = true;
    const message = String((error as Error)?.message ?? error).replaceAll('\n', ' ');
    process.stderr.write(
      error instanceof UsageError
        ? `${NAME}: ${message} (see ${helpCommand})\n`
        : `${NAME}: could not run: ${message}\n`,
    );
    process.exitCode = 2;
    setTimeout(() => process.exit(2), 5000).unref();
  },
);
