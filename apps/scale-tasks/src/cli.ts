#!/usr/bin/env node
// scale-tasks: export Scale tasks to JSONL (streaming, resumable, validated), summarise an
// export, claim and assign SGP evaluation tasks, or run the whole tour against the mock.
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type GlobalOptions, loadEnvFile, scaleClient, secrets, sgpClient } from './config.js';
import { runDemo } from './demo.js';
import { describeError, EXIT, exitCodeOf, Interrupted, redact, usageError } from './errors.js';
import { type ExportSpec, runExport, summary, type ValidateMode } from './export.js';
import { assign, batchAssign, claim } from './sgp.js';
import { computeStats, formatStats } from './stats.js';

const STATUSES = ['pending', 'completed', 'canceled', 'error', 'deleted'];
const OPTS = ['annotation_details', 'attachment_details', 'model_parameters', 'submissions'];
const TASK_TYPES = [
  'EVALUATION_ANNOTATION',
  'EVALUATION_AUDIT',
  'CONTRIBUTOR_ANNOTATION',
  'CONTRIBUTOR_AUDIT',
];

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}.`,
      );
    }
    return n;
  };
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time, sent as a UTC RFC 3339 date-time. */
function isoDate(value: string): string {
  const time = Date.parse(value);
  if (!ISO.test(value) || Number.isNaN(time)) {
    throw new InvalidArgumentError(
      'not an ISO 8601 date or date-time (e.g. 2025-01-31T00:00:00Z).',
    );
  }
  return new Date(time).toISOString();
}

function collectOpts(value: string, previous: string[] = []): string[] {
  const values = value.split(',').filter(Boolean);
  for (const item of values) {
    if (!OPTS.includes(item)) {
      throw new InvalidArgumentError(`unknown option "${item}"; one of ${OPTS.join(', ')}.`);
    }
  }
  return [...new Set([...previous, ...values])];
}

const safeName = (value: string) => value.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'tasks';

const shellQuote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
const resumeCommand = () => `scale-tasks ${process.argv.slice(2).map(shellQuote).join(' ')}`;

/** Ctrl-C: abort what is in flight, let the current page finish; a second Ctrl-C quits at once. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(
      '\nscale-tasks: interrupted; finishing the current page and saving the checkpoint (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSignal) };
}

interface ExportFlags {
  status?: string;
  completedAfter?: string;
  completedBefore?: string;
  out?: string;
  checkpoint?: string;
  validate: ValidateMode;
  opts?: string[];
  limit: number;
  quiet?: boolean;
  progressEvery?: number;
}

function addExportFlags(command: Command): Command {
  return command
    .option(
      '--out <file>',
      'the JSONL file to write (default: <name>.jsonl in the working directory)',
    )
    .option('--checkpoint <file>', 'the checkpoint file (default: <out>.checkpoint.json)')
    .addOption(
      new Option(
        '--validate <mode>',
        'check each task against the spec: strict (exit 3), warn, off',
      )
        .choices(['strict', 'warn', 'off'])
        .default('warn'),
    )
    .option('--opts <opt...>', `extra fields: ${OPTS.join(', ')}`, collectOpts)
    .option('--limit <n>', 'page size, 1 to 100', integer(1, 100), 100)
    .option('--quiet', 'no progress lines')
    .addOption(
      new Option('--progress-every <pages>', 'plain progress line every N pages (not a TTY)')
        .argParser(integer(1))
        .hideHelp(),
    );
}

async function exportCommand(
  kind: ExportSpec['kind'],
  query: Record<string, unknown>,
  name: string,
  flags: ExportFlags,
  globals: GlobalOptions,
): Promise<number> {
  if (flags.opts?.length) {
    query.opts = flags.opts;
  }
  query.limit = flags.limit;
  const out = resolve(flags.out ?? `${safeName(name)}.jsonl`);
  const checkpoint = resolve(flags.checkpoint ?? `${out}.checkpoint.json`);
  const client = scaleClient(globals);
  const { signal, dispose } = interruptible();
  try {
    const result = await runExport(
      client,
      { kind, query, out, checkpoint, validate: flags.validate },
      {
        stderr: process.stderr,
        signal,
        quiet: flags.quiet === true,
        ...(flags.progressEvery ? { progressEvery: flags.progressEvery } : {}),
        resumeCommand: resumeCommand(),
      },
    );
    process.stdout.write(summary(result));
    return EXIT.ok;
  } finally {
    dispose();
  }
}

function exactlyOne(flags: Record<string, unknown>, names: Record<string, string>) {
  const given = Object.keys(names).filter((key) => flags[key] !== undefined);
  if (given.length !== 1) {
    throw usageError(
      `give exactly one of ${Object.values(names).join(', ')}${given.length > 1 ? ` (got ${given.map((key) => names[key]).join(' and ')})` : ''}`,
    );
  }
  const key = given[0] as string;
  return { key, value: String(flags[key]) };
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('scale-tasks')
    .description(
      'Export Scale AI tasks to JSONL (streaming, resumable, validated against the spec), summarise exports, and claim or assign SGP evaluation tasks.\nKeys: SCALE_API_KEY, SGP_API_KEY (flags > environment > ./.env).',
    )
    .version('0.0.0', '-V, --version')
    .option(
      '--base-url <url>',
      'Scale API base URL (env SCALE_BASE_URL; default https://api.scale.com)',
    )
    .option(
      '--sgp-base-url <url>',
      'SGP API base URL (env SGP_BASE_URL; default https://api.egp.scale.com)',
    )
    .option('--timeout-ms <ms>', 'timeout of each HTTP attempt', integer(1))
    .option(
      '--max-retries <n>',
      'retries of a failed read (429, 5xx, connection errors)',
      integer(0, 50),
    )
    .option('--debug', 'log requests and retries, and print stack traces')
    .addOption(new Option('--report-rss', 'print peak RSS on exit (bench)').hideHelp())
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => {
        write(
          `scale-tasks: ${text
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()} (scale-tasks --help)\n`,
        );
      },
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 API or runtime failure, 2 bad usage or input, 3 validation failure (--validate strict), 130 interrupted.\nTry it without a key: scale-tasks demo',
    );

  const globalsOf = (command: Command) => command.optsWithGlobals() as GlobalOptions;

  addExportFlags(
    program
      .command('export')
      .description(
        'Export v2 tasks (GET /v2/tasks) to JSONL, page by page; resumable after Ctrl-C or a crash (run the same command again).',
      )
      .option('--project-id <id>', 'tasks of this project')
      .option('--project-name <name>', 'tasks of this project')
      .option('--batch-id <id>', 'tasks of this batch')
      .option('--batch-name <name>', 'tasks of this batch')
      .addOption(new Option('--status <status>', 'only tasks in this status').choices(STATUSES))
      .option('--completed-after <iso>', 'only tasks completed after this instant', isoDate)
      .option('--completed-before <iso>', 'only tasks completed before this instant', isoDate),
  ).action(async (flags: ExportFlags & Record<string, unknown>, command: Command) => {
    const { key, value } = exactlyOne(flags, {
      projectId: '--project-id',
      projectName: '--project-name',
      batchId: '--batch-id',
      batchName: '--batch-name',
    });
    const param = {
      projectId: 'project_id',
      projectName: 'project_name',
      batchId: 'batch_id',
      batchName: 'batch_name',
    }[key] as string;
    const query: Record<string, unknown> = { [param]: value };
    if (flags.status) {
      query.status = flags.status;
    }
    if (flags.completedAfter) {
      query.completed_after = flags.completedAfter;
    }
    if (flags.completedBefore) {
      query.completed_before = flags.completedBefore;
    }
    setExit(await exportCommand('tasks', query, value, flags, globalsOf(command)));
  });

  addExportFlags(
    program
      .command('delivery')
      .description(
        'Export the tasks of one delivery (GET /v2/delivery) to JSONL; resumable like export.',
      )
      .option('--delivery-id <id>', 'the delivery')
      .option(
        '--delivery-name <name>',
        'the delivery, by name (with --project-id or --project-name)',
      )
      .option('--project-id <id>', 'the project of --delivery-name')
      .option('--project-name <name>', 'the project of --delivery-name'),
  ).action(async (flags: ExportFlags & Record<string, unknown>, command: Command) => {
    const delivery = exactlyOne(flags, {
      deliveryId: '--delivery-id',
      deliveryName: '--delivery-name',
    });
    const query: Record<string, unknown> = {};
    if (delivery.key === 'deliveryId') {
      query.delivery_id = delivery.value;
    } else {
      const project = exactlyOne(flags, {
        projectId: '--project-id',
        projectName: '--project-name',
      });
      query.delivery_name = delivery.value;
      query[project.key === 'projectId' ? 'project_id' : 'project_name'] = project.value;
    }
    setExit(
      await exportCommand(
        'delivery',
        query,
        `delivery-${delivery.value}`,
        flags,
        globalsOf(command),
      ),
    );
  });

  program
    .command('stats')
    .description(
      'Summarise a JSONL export: tasks by status, annotations by key and value, threads, turns and messages (streams the file).',
    )
    .argument('<file>', 'a JSONL export')
    .option('--json', 'print JSON instead of tables')
    .action(async (file: string, flags: { json?: boolean }) => {
      const stats = await computeStats(file);
      process.stdout.write(flags.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
      setExit(EXIT.ok);
    });

  program
    .command('claim')
    .description('Claim the next task of an SGP evaluation (POST /v4/evaluations/{id}/claim-task).')
    .requiredOption('--evaluation-id <id>', 'the evaluation')
    .addOption(
      new Option(
        '--task-type <type>',
        'kind of task to claim (default EVALUATION_ANNOTATION)',
      ).choices(TASK_TYPES),
    )
    .option('--skip-current', 'release your current claim and claim another task')
    .option('--json', 'print the task as JSON')
    .action(
      async (
        flags: { evaluationId: string; taskType?: string; skipCurrent?: boolean; json?: boolean },
        command: Command,
      ) => {
        const result = await claim(sgpClient(globalsOf(command)), flags.evaluationId, {
          ...(flags.taskType ? { taskType: flags.taskType } : {}),
          ...(flags.skipCurrent ? { skipCurrent: true } : {}),
        });
        process.stdout.write(flags.json ? `${JSON.stringify(result.task)}\n` : `${result.line}\n`);
        setExit(EXIT.ok);
      },
    );

  program
    .command('assign')
    .description(
      'Assign one SGP evaluation task to a user (PATCH /v4/evaluations/{id}/tasks/{task_id}).',
    )
    .requiredOption('--evaluation-id <id>', 'the evaluation')
    .requiredOption('--task-id <id>', 'the task')
    .requiredOption('--user <user>', 'the user to assign it to')
    .option('--json', 'print the task as JSON')
    .action(
      async (
        flags: { evaluationId: string; taskId: string; user: string; json?: boolean },
        command: Command,
      ) => {
        const result = await assign(
          sgpClient(globalsOf(command)),
          flags.evaluationId,
          flags.taskId,
          flags.user,
        );
        process.stdout.write(flags.json ? `${JSON.stringify(result.task)}\n` : `${result.line}\n`);
        setExit(EXIT.ok);
      },
    );

  program
    .command('batch-assign')
    .description('Assign several SGP evaluation tasks to a user at once (all or none).')
    .requiredOption('--evaluation-id <id>', 'the evaluation')
    .requiredOption('--task-ids <ids>', 'comma-separated task ids')
    .requiredOption('--user <user>', 'the user to assign them to')
    .option('--json', 'print the tasks as JSON')
    .action(
      async (
        flags: { evaluationId: string; taskIds: string; user: string; json?: boolean },
        command: Command,
      ) => {
        const ids = flags.taskIds
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        if (ids.length === 0) {
          throw usageError('--task-ids needs at least one task id');
        }
        const result = await batchAssign(
          sgpClient(globalsOf(command)),
          flags.evaluationId,
          ids,
          flags.user,
        );
        process.stdout.write(flags.json ? `${JSON.stringify(result.tasks)}\n` : `${result.line}\n`);
        setExit(EXIT.ok);
      },
    );

  program
    .command('demo')
    .description(
      'Try everything without a key: starts the embedded mock API, exports a project, prints its stats, claims and assigns an evaluation task.',
    )
    .option('--dir <path>', 'where to write the files', './scale-tasks-demo')
    .option('--size <n>', 'tasks in the mock', integer(1, 1_000_000), 2000)
    .action(async (flags: { dir: string; size: number }, command: Command) => {
      const { signal, dispose } = interruptible();
      try {
        await runDemo(flags, globalsOf(command), {
          stdout: process.stdout,
          stderr: process.stderr,
          signal,
        });
      } finally {
        dispose();
      }
      setExit(EXIT.ok);
    });

  return program;
}

function reportRss(): void {
  if (process.argv.includes('--report-rss')) {
    // maxRSS is in kilobytes.
    process.stderr.write(`scale-tasks: max-rss-kb ${process.resourceUsage().maxRSS}\n`);
  }
}

async function main(): Promise<void> {
  loadEnvFile();
  const debug = process.argv.includes('--debug');
  let code: number = EXIT.ok;
  const program = buildProgram((value) => {
    code = value;
  });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exit 0; every parse error is bad usage.
      code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      code = exitCodeOf(error);
      const line = describeError(error, secrets());
      process.stderr.write(
        error instanceof Interrupted ? `scale-tasks: ${line}\n` : `scale-tasks: error: ${line}\n`,
      );
      if (debug && error instanceof Error && error.stack) {
        process.stderr.write(`${redact(error.stack, secrets())}\n`);
      }
    }
  }
  reportRss();
  process.exit(code);
}

await main();
