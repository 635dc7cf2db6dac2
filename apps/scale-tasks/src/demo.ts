import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startMockServer } from '@scale-contracts/mock-server';
import { type GlobalOptions, scaleClient, sgpClient } from './config.js';
import { runExport, summary } from './export.js';
import { assign, claim } from './sgp.js';
import { computeStats, formatStats } from './stats.js';

export interface DemoOptions {
  dir: string;
  size: number;
}

/**
 * The tour: starts the embedded mock (seed 42), exports one project with the progress bar,
 * prints its stats, claims an SGP evaluation task and assigns it, then says where the files
 * are and how to run the same commands against the real API.
 */
export async function runDemo(
  options: DemoOptions,
  globals: GlobalOptions,
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; signal: AbortSignal },
): Promise<void> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const say = (text = '') => io.stdout.write(`${text}\n`);
  const mock = await startMockServer({ seed: 42, size: options.size });
  try {
    say(
      `demo: started the embedded mock of the Scale and SGP APIs at ${mock.url} (seed 42, ${options.size.toLocaleString('en-US')} v2 tasks); no API key needed`,
    );
    const client = scaleClient(globals, { apiKey: mock.apiKeys.scale, baseUrl: mock.url });
    const project = mock.fixtures.projectNames[0] ?? 'mock-chat-sft';
    const out = resolve(dir, `${project}.jsonl`);
    say('');
    say(`$ scale-tasks export --project-name ${project} --opts annotation_details --out ${out}`);
    const result = await runExport(
      client,
      {
        kind: 'tasks',
        query: { project_name: project, limit: 100, opts: ['annotation_details'] },
        out,
        checkpoint: `${out}.checkpoint.json`,
        validate: 'warn',
      },
      {
        stderr: io.stderr,
        signal: io.signal,
        progressEvery: 2,
        resumeCommand: `scale-tasks demo --dir ${options.dir} --size ${options.size}`,
      },
    );
    io.stdout.write(summary(result));

    say('');
    say(`$ scale-tasks stats ${out}`);
    const stats = await computeStats(out);
    io.stdout.write(formatStats(stats));
    const statsFile = resolve(dir, `${project}.stats.json`);
    await writeFile(statsFile, `${JSON.stringify(stats, null, 2)}\n`);

    const sgp = sgpClient(globals, { apiKey: mock.apiKeys.sgp, baseUrl: mock.url });
    const evaluationId = mock.fixtures.evaluationIds[0] ?? '';
    say('');
    say(`$ scale-tasks claim --evaluation-id ${evaluationId}`);
    const claimed = await claim(sgp, evaluationId, {}, io.signal);
    say(claimed.line);
    if (claimed.task) {
      const user = 'reviewer@example.com';
      say('');
      say(
        `$ scale-tasks assign --evaluation-id ${evaluationId} --task-id ${claimed.task.id} --user ${user}`,
      );
      say((await assign(sgp, evaluationId, claimed.task.id, user)).line);
    }

    say('');
    say(`demo: files are in ${dir}:`);
    say(`  ${out}  (the export, one task per line)`);
    say(`  ${statsFile}  (scale-tasks stats --json)`);
    say('');
    say('demo: to run the same commands against the real API:');
    say('  SCALE_API_KEY=... scale-tasks export --project-name <your project> --out tasks.jsonl');
    say('  scale-tasks stats tasks.jsonl');
    say('  SGP_API_KEY=... SGP_ACCOUNT_ID=... scale-tasks claim --evaluation-id <evaluation id>');
    say('  (keys can also live in ./.env; scale-tasks <command> --help for every flag)');
    if (mock.violations.length > 0) {
      say(`demo: warning: the mock recorded ${mock.violations.length} spec violations`);
    }
  } finally {
    await mock.close();
  }
}
