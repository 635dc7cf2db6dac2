import { bytes, duration, int, rate } from './format.js';

export interface ProgressState {
  tasks: number;
  pages: number;
  bytes: number;
  /** When known (never for v2 listings), the bar shows a percentage and an ETA. */
  total?: number;
}

/**
 * Progress on stderr: on a TTY one line redrawn with `\r` (at most every 100 ms), otherwise a
 * plain line every `everyPages` pages. Rates count this run's tasks only (not resumed ones).
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly startTasks = 0,
    private readonly everyPages = 10,
    private readonly enabled = true,
  ) {}

  private get tty() {
    return this.stream.isTTY === true;
  }

  private line(state: ProgressState): string {
    const elapsed = Date.now() - this.started;
    const speed = rate(state.tasks - this.startTasks, elapsed);
    const parts = [`${this.label} ${int(state.tasks)} tasks`];
    if (state.total !== undefined && state.total > 0) {
      const share = Math.min(1, state.tasks / state.total);
      const width = 20;
      const full = Math.round(share * width);
      parts[0] = `${this.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${int(state.tasks)}/${int(state.total)}`;
      const left = speed > 0 ? ((state.total - state.tasks) / speed) * 1000 : Number.NaN;
      parts.push(Number.isFinite(left) ? `ETA ${duration(left)}` : 'ETA ?');
    }
    parts.push(
      `${int(state.pages)} pages`,
      bytes(state.bytes),
      `${int(speed)} tasks/s`,
      `${duration(elapsed)} elapsed`,
    );
    return parts.join(' · ');
  }

  update(state: ProgressState): void {
    if (!this.enabled) {
      return;
    }
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw >= 100) {
        this.lastDraw = now;
        this.drawn = true;
        this.stream.write(`\r${this.line(state)}\x1b[K`);
      }
    } else if (state.pages > 0 && state.pages % this.everyPages === 0) {
      this.stream.write(`${this.line(state)}\n`);
    }
  }

  /** Ends the bar: a final redraw on a TTY, so the summary starts on a fresh line. */
  done(state: ProgressState): void {
    if (this.enabled && this.tty && this.drawn) {
      this.stream.write(`\r${this.line(state)}\x1b[K\n`);
    }
  }
}
