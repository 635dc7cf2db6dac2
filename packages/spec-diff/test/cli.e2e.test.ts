import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const workspace = resolve(here, '../../..');
const cli = resolve(here, '../dist/cli.js');
const changesetBin = join(workspace, 'node_modules/.bin/changeset');
const TAG = '@scale-contracts/openapi@0.1.0';

let repo: string;
let noSpecCommit: string;

function sh(cmd: string, args: string[], cwd = repo): string {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr}`);
  }
  return result.stdout.trim();
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function edit(path: string, from: RegExp | string, to: string): void {
  const file = join(repo, path);
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  writeFileSync(file, next);
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'spec-diff-e2e-'));
  sh('git', ['init', '-q', '-b', 'main']);
  sh('git', ['config', 'user.email', 'test@example.com']);
  sh('git', ['config', 'user.name', 'spec-diff test']);
  sh('git', ['config', 'commit.gpgsign', 'false']);
  writeJson(join(repo, 'package.json'), { name: 'fixture', private: true });
  writeFileSync(join(repo, '.gitignore'), 'node_modules\nopenapi/dist\n');
  sh('git', ['add', '.']);
  sh('git', ['commit', '-q', '-m', 'root: no spec yet']);
  noSpecCommit = sh('git', ['rev-parse', 'HEAD']);

  // The current spec sources, the three generated packages at 0.1.0, a changesets config.
  cpSync(join(workspace, 'openapi/src'), join(repo, 'openapi/src'), { recursive: true });
  cpSync(join(workspace, 'openapi/redocly.yaml'), join(repo, 'openapi/redocly.yaml'));
  writeJson(join(repo, 'openapi/package.json'), {
    name: '@scale-contracts/openapi',
    version: '0.1.0',
  });
  for (const name of ['types', 'validators']) {
    writeJson(join(repo, `packages/${name}/package.json`), {
      name: `@scale-contracts/${name}`,
      version: '0.1.0',
      dependencies: { '@scale-contracts/openapi': 'workspace:^' },
    });
  }
  writeFileSync(join(repo, 'pnpm-workspace.yaml'), 'packages:\n  - openapi\n  - packages/*\n');
  writeJson(join(repo, '.changeset/config.json'), {
    changelog: '@changesets/cli/changelog',
    commit: false,
    fixed: [],
    linked: [],
    access: 'restricted',
    baseBranch: 'main',
    updateInternalDependencies: 'patch',
    ignore: [],
  });
  // changesets resolves its changelog module from the repository: lend it the workspace's.
  mkdirSync(join(repo, 'node_modules/@changesets'), { recursive: true });
  symlinkSync(
    join(workspace, 'node_modules/@changesets/cli'),
    join(repo, 'node_modules/@changesets/cli'),
  );
  sh('git', ['add', '.']);
  sh('git', ['commit', '-q', '-m', 'spec']);
  sh('git', ['tag', TAG]);

  // A branch whose spec does not parse, for the bundling-failure message.
  sh('git', ['checkout', '-q', '-b', 'broken']);
  writeFileSync(join(repo, 'openapi/src/sgp/openapi.yaml'), 'openapi: 3.1.0\ninfo: [oops\n');
  sh('git', ['commit', '-q', '-am', 'broken spec']);
  sh('git', ['checkout', '-q', 'main']);

  // The edit under test: a response property removed, an optional query parameter added.
  edit('openapi/src/scale/schemas/v2/Project.yaml', /\n {2}models:\n(?: {4}.*\n)+/, '\n');
  edit(
    'openapi/src/scale/paths/v2/projects.yaml',
    '  parameters:\n',
    [
      '  parameters:',
      '    - name: name',
      '      in: query',
      '      required: false',
      '      description: Only the project with this name.',
      '      schema:',
      '        type: string',
      '',
    ].join('\n'),
  );
});

afterAll(() => {
  if (repo) {
    rmSync(repo, { recursive: true, force: true });
  }
});

const removed = {
  api: 'scale',
  kind: 'breaking',
  path: '/components/schemas/Project/properties/models',
  reason: 'response property models removed',
};
const added = {
  api: 'scale',
  kind: 'additive',
  path: '/paths/~1v2~1projects/get/parameters/query:name',
  reason: 'new optional query parameter name',
};

describe('spec-diff CLI in a scratch repository', () => {
  it('compares against the newest openapi tag by default (--json)', () => {
    const { status, stdout, stderr } = run('--json');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.base).toMatchObject({ ref: TAG, source: 'tag' });
    expect(report.bump).toBe('major');
    expect(report.changes).toEqual([removed, added]);
  });

  it('prints a table grouped by kind, then the bump (--dry-run writes nothing)', () => {
    const { status, stdout } = run('--dry-run');
    expect(status).toBe(0);
    expect(stdout).toContain(`against ${TAG} (`);
    expect(stdout).toMatch(
      /BREAKING \(1\)\n {2}scale:\/components\/schemas\/Project\/properties\/models +response property models removed\n/,
    );
    expect(stdout).toMatch(
      /ADDITIVE \(1\)\n {2}scale:\/paths\/~1v2~1projects\/get\/parameters\/query:name +new optional query parameter name\n/,
    );
    expect(stdout).toContain('bump: major (@scale-contracts/openapi, @scale-contracts/types');
    expect(readdirSync(join(repo, '.changeset'))).toEqual(['config.json']);
  });

  it('writes a major changeset that `changeset version` turns into versions and changelogs', () => {
    const { status, stdout } = run('--write-changeset');
    expect(status).toBe(0);
    const files = readdirSync(join(repo, '.changeset')).filter((f) => f.endsWith('.md'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^spec-\d+\.md$/);
    expect(stdout).toContain(`wrote ${join(repo, '.changeset', files[0] as string)}`);
    const text = readFileSync(join(repo, '.changeset', files[0] as string), 'utf8');
    expect(text).toMatch(/^---\n'@scale-contracts\/openapi': major\n/);
    expect(text).toContain("'@scale-contracts/types': major");
    expect(text).toContain("'@scale-contracts/validators': major");
    expect(text).toContain(
      '- **BREAKING** **spec**: response property models removed (`scale:/components/schemas/Project/properties/models`)',
    );
    expect(text).toContain('- **ADDITIVE** **spec**: new optional query parameter name');

    sh(changesetBin, ['version']);
    const version = (dir: string) =>
      JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')).version;
    expect(version('openapi')).toBe('1.0.0');
    expect(version('packages/types')).toBe('1.0.0');
    expect(version('packages/validators')).toBe('1.0.0');
    const changelog = readFileSync(join(repo, 'openapi/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('# @scale-contracts/openapi\n\n## 1.0.0\n\n### Major Changes');
    expect(changelog).toContain('**BREAKING** **spec**: response property models removed');
    expect(changelog).toContain('**ADDITIVE** **spec**: new optional query parameter name');
    expect(readdirSync(join(repo, '.changeset')).filter((f) => f.endsWith('.md'))).toEqual([]);
  });

  it.each([
    [['--base', 'no-such-ref'], /^spec-diff: unknown git ref: no-such-ref\n$/],
    [['--base', 'NOSPEC'], /^spec-diff: NOSPEC \([0-9a-f]{7}\) has no openapi\/ directory\n$/],
    [['--base', 'broken'], /^spec-diff: bundling failed in .*: Failed to parse API description/],
    [['--write-changeset', '--dry-run'], /^spec-diff: --write-changeset and --dry-run exclude/],
  ])('fails with one clear line: %j', (args, message) => {
    const resolved = args.map((a) => (a === 'NOSPEC' ? noSpecCommit : a));
    const source = message.source.replace('NOSPEC', noSpecCommit);
    const { status, stdout, stderr } = run(...resolved);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(source));
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('falls back to the root commit of main without a tag, and says so', () => {
    sh('git', ['tag', '-d', TAG]);
    const { status, stderr } = run('--json');
    expect(status).toBe(2);
    expect(stderr).toBe(
      `spec-diff: root commit of main (${noSpecCommit.slice(0, 7)}) has no openapi/ directory\n`,
    );
  });
});
