import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, type FileHandle, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { DeliveryTasksParams, ListTasksParams } from '@scale-contracts/client';
import { check, errors } from '@scale-contracts/validators/scale';
import type { ScaleClient } from './config.js';
import { CliError, EXIT, Interrupted, usageError } from './errors.js';
import { bytes, duration, int, rate } from './format.js';
import { Progress } from './progress.js';

export type ValidateMode = 'strict' | 'warn' | 'off';

/** What to export, where to, and how to check it. */
export interface ExportSpec {
  /** `tasks`: GET /v2/tasks (`client.tasks.list`); `delivery`: GET /v2/delivery (`client.deliveries.tasks`). */
  kind: 'tasks' | 'delivery';
  /** The list query without the cursor (filters, `limit`, `opts`). */
  query: Record<string, unknown>;
  /** Absolute path of the finished JSONL file. */
  out: string;
  /** Absolute path of the checkpoint file. */
  checkpoint: string;
  validate: ValidateMode;
}

/** The checkpoint file: enough to continue exactly where the last fully written page ended. */
export interface Checkpoint {
  version: 1;
  kind: ExportSpec['kind'];
  query: Record<string, unknown>;
  out: string;
  /** The cursor of the next page; `null` when the last page is written (`done`). */
  cursor: string | null;
  done: boolean;
  tasks: number;
  pages: number;
  /** Bytes of `<out>.partial` that hold complete pages. */
  bytes: number;
  invalid: number;
  updated_at: string;
}

export interface ExportResult {
  out: string;
  tasks: number;
  pages: number;
  bytes: number;
  invalid: number;
  /** Tasks already written by an earlier, interrupted run. */
  resumedTasks: number;
  durationMs: number;
  validate: ValidateMode;
  examples: string[];
}

export interface ExportIo {
  /** Progress and notices. */
  stderr: NodeJS.WriteStream;
  signal: AbortSignal;
  /** Plain progress lines every this many pages when stderr is not a TTY. */
  progressEvery?: number;
  quiet?: boolean;
  /** The command that resumes this run, for the message after Ctrl-C. */
  resumeCommand: string;
}

const sorted = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    return value.map(sorted);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/** What makes two runs the same export: the operation, the query and the output file. */
const fingerprint = (kind: string, query: unknown, out: string) =>
  JSON.stringify(sorted({ kind, query, out }));

async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw usageError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Checkpoint;
    if (parsed.version !== 1 || typeof parsed.bytes !== 'number') {
      throw new Error('unknown format');
    }
    return parsed;
  } catch {
    throw usageError(
      `checkpoint ${path} is not a scale-tasks checkpoint; delete it to start the export over`,
    );
  }
}

/** Writes the checkpoint atomically: a temporary file in the same directory, fsync, rename. */
async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(
      buffer,
      offset,
      buffer.length - offset,
      position + offset,
    );
    offset += bytesWritten;
  }
}

const describeQuery = (kind: string, query: Record<string, unknown>) =>
  `${kind} ${Object.entries(query)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ')}`;

type Page = { tasks: unknown[]; next_token?: string | null };

/**
 * Streams every task of a listing into `<out>.partial`, one JSON line per task, one page at a
 * time (constant memory), and at most once a second fsyncs and saves the checkpoint.
 * On completion renames the partial file to `out` and deletes the checkpoint.
 */
export async function runExport(
  client: ScaleClient,
  spec: ExportSpec,
  io: ExportIo,
): Promise<ExportResult> {
  const partial = `${spec.out}.partial`;
  const started = Date.now();
  const found = await readCheckpoint(spec.checkpoint);
  if (
    found &&
    fingerprint(found.kind, found.query, found.out) !== fingerprint(spec.kind, spec.query, spec.out)
  ) {
    throw usageError(
      `checkpoint ${spec.checkpoint} belongs to another export (${describeQuery(found.kind, found.query)} into ${found.out}); finish that one, or delete the checkpoint to start this one`,
    );
  }
  const state: Checkpoint = found ?? {
    version: 1,
    kind: spec.kind,
    query: spec.query,
    out: spec.out,
    cursor: null,
    done: false,
    tasks: 0,
    pages: 0,
    bytes: 0,
    invalid: 0,
    updated_at: new Date().toISOString(),
  };
  const resumedTasks = state.tasks;

  for (const dir of new Set([dirname(spec.out), dirname(spec.checkpoint)])) {
    try {
      await access(dir, constants.W_OK);
    } catch (error) {
      throw usageError(
        `cannot write to ${dir} (${(error as NodeJS.ErrnoException).code ?? 'not writable'}): choose another --out or --checkpoint`,
      );
    }
  }

  let handle: FileHandle;
  if (found) {
    let size: number;
    try {
      size = (await stat(partial)).size;
    } catch {
      throw usageError(
        `cannot resume: ${partial} is missing; delete ${spec.checkpoint} to start the export over`,
      );
    }
    if (size < state.bytes) {
      throw usageError(
        `cannot resume: ${partial} has ${size} bytes, the checkpoint says ${state.bytes}; delete ${spec.checkpoint} to start over`,
      );
    }
    handle = await open(partial, 'r+');
    // Bytes after the checkpoint belong to a page that was not finished: drop them.
    await handle.truncate(state.bytes);
    io.stderr.write(
      `scale-tasks: resuming ${basename(spec.out)} after ${int(state.tasks)} tasks (${int(state.pages)} pages, ${bytes(state.bytes)})\n`,
    );
  } else {
    try {
      handle = await open(partial, 'w');
    } catch (error) {
      throw usageError(
        `cannot write ${partial} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): choose another --out`,
      );
    }
  }

  const progress = new Progress(
    io.stderr,
    basename(spec.out),
    state.tasks,
    io.progressEvery ?? 10,
    !io.quiet,
  );
  const examples: string[] = [];
  let wroteThisRun = false;
  try {
    if (!state.done) {
      const query = state.cursor ? { ...spec.query, next_token: state.cursor } : spec.query;
      // The paginators take the cursor as part of the query of the first page they fetch.
      const pager =
        spec.kind === 'tasks'
          ? client.tasks.list(query as ListTasksParams, { signal: io.signal })
          : client.deliveries.tasks(query as DeliveryTasksParams, { signal: io.signal });
      let previousIds = new Set<string>();
      let lastSaved = 0;
      for await (const page of pager.pages() as AsyncGenerator<Page>) {
        const ids = new Set<string>();
        const lines: string[] = [];
        for (const task of page.tasks) {
          const id = (task as { task_id?: unknown }).task_id;
          if (typeof id === 'string') {
            // A listing that shifted between pages can repeat a task: write it once.
            if (previousIds.has(id) || ids.has(id)) {
              continue;
            }
            ids.add(id);
          }
          if (spec.validate !== 'off' && !check('Task', task)) {
            const issue = errors('Task', task, { limit: 1 })[0];
            const where = `task ${typeof id === 'string' ? id : '(without task_id)'} breaks the Task schema at ${issue?.path || '/'}: ${issue?.message ?? 'invalid'}`;
            if (spec.validate === 'strict') {
              throw new CliError(
                `${where} (page ${state.pages + 1}; the ${int(state.tasks)} tasks before it are in ${partial}; --validate warn to export anyway)`,
                EXIT.validation,
              );
            }
            state.invalid += 1;
            if (examples.length < 3) {
              examples.push(where);
            }
          }
          lines.push(JSON.stringify(task));
        }
        previousIds = ids;
        const buffer = Buffer.from(lines.length > 0 ? `${lines.join('\n')}\n` : '', 'utf8');
        await writeAll(handle, buffer, state.bytes);
        wroteThisRun = true;
        state.tasks += lines.length;
        state.pages += 1;
        state.bytes += buffer.length;
        state.cursor = page.next_token ?? null;
        state.done = state.cursor === null;
        state.updated_at = new Date().toISOString();
        // The checkpoint only ever names bytes already on disk: fsync, then save it. At most once
        // a second (and at the end or on Ctrl-C): two fsyncs per page held a 100k export to about
        // 6,500 tasks/s (8,300 without); a crash re-fetches at most a second of pages.
        if (state.done || io.signal.aborted || Date.now() - lastSaved >= 1000) {
          await handle.sync();
          await saveCheckpoint(spec.checkpoint, state);
          lastSaved = Date.now();
        }
        progress.update(state);
        if (io.signal.aborted && !state.done) {
          throw new Interrupted('interrupted');
        }
      }
      // The listing ended (a last page without a cursor).
      if (!state.done) {
        state.done = true;
        state.cursor = null;
        await handle.sync();
        await saveCheckpoint(spec.checkpoint, state);
      }
    }
  } catch (error) {
    await handle.close();
    progress.done(state);
    const interrupted = error instanceof Interrupted || io.signal.aborted;
    if (!found && !wroteThisRun) {
      // Nothing was written: leave no files behind.
      await rm(partial, { force: true });
      await rm(spec.checkpoint, { force: true });
      if (interrupted) {
        throw new Interrupted('interrupted before the first page arrived; nothing was written');
      }
      throw error;
    }
    if (interrupted) {
      throw new Interrupted(
        `interrupted: ${int(state.tasks)} tasks (${int(state.pages)} pages, ${bytes(state.bytes)}) are saved in ${partial}, checkpoint ${spec.checkpoint}; resume with: ${io.resumeCommand}`,
      );
    }
    throw error;
  }
  await handle.close();
  progress.done(state);
  await rename(partial, spec.out);
  await rm(spec.checkpoint, { force: true });
  return {
    out: spec.out,
    tasks: state.tasks,
    pages: state.pages,
    bytes: state.bytes,
    invalid: state.invalid,
    resumedTasks,
    durationMs: Date.now() - started,
    validate: spec.validate,
    examples,
  };
}

/** The summary printed after an export. */
export function summary(result: ExportResult): string {
  const thisRun = result.tasks - result.resumedTasks;
  const lines = [
    `exported ${int(result.tasks)} tasks in ${int(result.pages)} pages (${bytes(result.bytes)}) in ${duration(result.durationMs)}, ${int(rate(thisRun, result.durationMs))} tasks/s${result.resumedTasks > 0 ? ` (resumed after ${int(result.resumedTasks)})` : ''}`,
    result.validate === 'off'
      ? 'validation: off'
      : `validation (${result.validate}): ${int(result.tasks)} checked, ${int(result.invalid)} invalid`,
    ...result.examples.map((example) => `  ${example}`),
    `file: ${result.out}`,
  ];
  return `${lines.join('\n')}\n`;
}
