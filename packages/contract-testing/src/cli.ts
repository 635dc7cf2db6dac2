#!/usr/bin/env node
// scale-contracts verify [--base-url <url>] [--api scale|sgp|all] [--report <file.xml|file.json>] ...
import { accessSync, constants, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatText, toJson, toJUnit } from './reporters.js';
import type { ProgressEvent, Report, VerifyOptions } from './types.js';
import { formatViolation } from './violations.js';

const NAME = 'scale-contracts';

const mainHelp = `usage: ${NAME} <command> [options]

Checks that the Scale API (or your fake of it, or the bundled mock) still matches the
scale-contracts spec.

commands:
  verify    run the contract checks and print a report (${NAME} verify --help)
  help      show this help

exit codes: 0 everything conforms, 1 violations found, 2 bad usage or the run could not start
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
  --report <file>         also write the report: file.xml (JUnit) or file.json
  --quiet                 no progress lines; the report shows only failures and totals
  -h, --help              show this help

exit codes: 0 everything conforms, 1 violations found, 2 bad usage or the run could not start
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
    : [head, ...check.violations.map((v) => `    ${formatViolation(v)}`)].join('\n');
}

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

async function runVerify(args: string[]): Promise<number> {
  helpCommand = `${NAME} verify --help`;
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
  if (report !== undefined && !/\.(xml|json)$/i.test(report)) {
    usage(`--report must name a .xml (JUnit) or .json file (got ${JSON.stringify(report)})`);
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
  let result: Report;
  try {
    result = await verify(options);
  } catch (error) {
    if (error instanceof VerifyUsageError) {
      usage(error.message);
    }
    throw error;
  }
  process.stdout.write(formatText(result, { failuresOnly: values.quiet ?? false }));
  if (report !== undefined) {
    try {
      writeAtomically(report, /\.xml$/i.test(report) ? toJUnit(result) : toJson(result));
    } catch (error) {
      throw new Error(`cannot write the report to ${report}: ${(error as Error).message}`);
    }
    if (!values.quiet) {
      process.stderr.write(`${NAME}: report written to ${report}\n`);
    }
  }
  return result.totals.failed === 0 ? 0 : 1;
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = String((error as Error)?.message ?? error).replaceAll('\n', ' ');
    process.stderr.write(
      error instanceof UsageError
        ? `${NAME}: ${message} (see ${helpCommand})\n`
        : `${NAME}: could not run: ${message}\n`,
    );
    process.exitCode = 2;
  },
);
