import { createReadStream } from 'node:fs';
import { stat as statFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CliError, EXIT, usageError } from './errors.js';
import { bytes, int, table } from './format.js';

/** min / mean / max of a figure, without keeping the values. */
export interface Figure {
  count: number;
  min: number;
  mean: number;
  max: number;
}

export interface KeyStats {
  count: number;
  /** Counts by value, for the first `MAX_VALUES` distinct values of the key. */
  values: Record<string, number>;
  /** Annotations whose value was not among the first distinct ones. */
  otherValues: number;
}

export interface Stats {
  file: string;
  bytes: number;
  tasks: number;
  byStatus: Record<string, number>;
  annotations: {
    total: number;
    byLevel: { thread: number; turn: number; message: number; chunk: number };
    byKey: Record<string, KeyStats>;
  };
  /** Over tasks with at least one thread. */
  threadsPerTask: Figure;
  turnsPerThread: Figure;
  messagesPerTurn: Figure;
}

/** Distinct values counted per annotation key; the rest go to `otherValues` (bounded memory). */
export const MAX_VALUES = 20;
const MAX_LABEL = 40;

class Accumulator {
  count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  add(value: number) {
    this.count += 1;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }
  figure(): Figure {
    return this.count === 0
      ? { count: 0, min: 0, mean: 0, max: 0 }
      : { count: this.count, min: this.min, mean: this.sum / this.count, max: this.max };
  }
}

const clip = (text: string) =>
  text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;

/**
 * How an annotation value is counted: scalars as themselves, lists of scalars as JSON, other
 * shapes by kind (`(object)`, `(list)`), long texts clipped to 40 characters.
 */
export function valueLabel(value: unknown): string {
  if (value === undefined) {
    return '(none)';
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'string') {
    return clip(value);
  }
  if (Array.isArray(value)) {
    return value.every((item) => item === null || typeof item !== 'object')
      ? clip(JSON.stringify(value))
      : '(list)';
  }
  return '(object)';
}

const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** Reads a JSONL export line by line (constant memory) and counts. */
export async function computeStats(file: string): Promise<Stats> {
  let size: number;
  try {
    const info = await statFile(file);
    if (!info.isFile()) {
      throw usageError(`${file} is not a file`);
    }
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const byStatus: Record<string, number> = {};
  const byKey: Record<string, KeyStats> = {};
  const byLevel = { thread: 0, turn: 0, message: 0, chunk: 0 };
  let total = 0;
  const threads = new Accumulator();
  const turns = new Accumulator();
  const messages = new Accumulator();

  const annotate = (level: keyof typeof byLevel, list: unknown) => {
    for (const annotation of arrayOf(list)) {
      const key = field(annotation, 'key');
      if (typeof key !== 'string') {
        continue;
      }
      total += 1;
      byLevel[level] += 1;
      let entry = byKey[key];
      if (!entry) {
        entry = { count: 0, values: {}, otherValues: 0 };
        byKey[key] = entry;
      }
      entry.count += 1;
      const label = valueLabel(field(annotation, 'value'));
      if (entry.values[label] !== undefined) {
        entry.values[label] += 1;
      } else if (Object.keys(entry.values).length < MAX_VALUES) {
        entry.values[label] = 1;
      } else {
        entry.otherValues += 1;
      }
    }
  };

  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  let tasks = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') {
      continue;
    }
    let task: unknown;
    try {
      task = JSON.parse(line);
    } catch (error) {
      lines.close();
      throw new CliError(
        `${file}:${lineNumber}: malformed line, not JSON (${(error as Error).message})`,
        EXIT.usage,
      );
    }
    if (!task || typeof task !== 'object' || Array.isArray(task)) {
      lines.close();
      throw new CliError(`${file}:${lineNumber}: malformed line, not a task object`, EXIT.usage);
    }
    tasks += 1;
    const status = field(task, 'status');
    const statusKey = typeof status === 'string' ? status : '(none)';
    byStatus[statusKey] = (byStatus[statusKey] ?? 0) + 1;
    const taskThreads = arrayOf(field(task, 'threads'));
    if (taskThreads.length > 0) {
      threads.add(taskThreads.length);
    }
    for (const thread of taskThreads) {
      annotate('thread', field(thread, 'annotations'));
      const threadTurns = arrayOf(field(thread, 'turns'));
      turns.add(threadTurns.length);
      for (const turn of threadTurns) {
        annotate('turn', field(turn, 'annotations'));
        const turnMessages = arrayOf(field(turn, 'messages'));
        messages.add(turnMessages.length);
        for (const message of turnMessages) {
          annotate('message', field(message, 'annotations'));
          for (const chunk of arrayOf(field(field(message, 'content'), 'chunks'))) {
            annotate('chunk', field(chunk, 'annotations'));
          }
        }
      }
    }
  }
  return {
    file,
    bytes: size,
    tasks,
    byStatus,
    annotations: { total, byLevel, byKey },
    threadsPerTask: threads.figure(),
    turnsPerThread: turns.figure(),
    messagesPerTurn: messages.figure(),
  };
}

const share = (part: number, whole: number) =>
  whole > 0 ? `${((part * 100) / whole).toFixed(1)}%` : '-';

/** The stats as aligned tables, for people. */
export function formatStats(stats: Stats): string {
  const out: string[] = [`${stats.file}: ${int(stats.tasks)} tasks, ${bytes(stats.bytes)}`, ''];
  const statuses = Object.entries(stats.byStatus).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  out.push(
    table(
      statuses.map(([status, count]) => [status, int(count), share(count, stats.tasks)]),
      ['status', 'tasks', 'share'],
    ),
    '',
  );
  const figure = (name: string, f: Figure) => [
    name,
    int(f.count),
    String(f.min),
    f.mean.toFixed(2),
    String(f.max),
  ];
  out.push(
    table(
      [
        figure('threads per task', stats.threadsPerTask),
        figure('turns per thread', stats.turnsPerThread),
        figure('messages per turn', stats.messagesPerTurn),
      ],
      ['shape', 'over', 'min', 'mean', 'max'],
    ),
    '',
  );
  const { byLevel } = stats.annotations;
  out.push(
    `annotations: ${int(stats.annotations.total)} (thread ${int(byLevel.thread)}, turn ${int(byLevel.turn)}, message ${int(byLevel.message)}, chunk ${int(byLevel.chunk)})`,
  );
  const rows: string[][] = [];
  const keys = Object.entries(stats.annotations.byKey).sort(
    (a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1),
  );
  for (const [key, entry] of keys) {
    rows.push([key, int(entry.count), '']);
    const values = Object.entries(entry.values).sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    );
    for (const [value, count] of values) {
      rows.push([`  ${value}`, int(count), share(count, entry.count)]);
    }
    if (entry.otherValues > 0) {
      rows.push([
        '  (other values)',
        int(entry.otherValues),
        share(entry.otherValues, entry.count),
      ]);
    }
  }
  if (rows.length > 0) {
    out.push('', table(rows, ['key / value', 'count', 'share']));
  }
  return `${out.join('\n')}\n`;
}
