import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TAG_PATTERN = '@scale-contracts/openapi@*';

/** A failure worth one line on stderr. */
export class SpecDiffError extends Error {}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

export function repoRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new SpecDiffError(`not inside a git repository: ${cwd}`);
  }
}

export interface BaseRef {
  ref: string;
  sha: string;
  /** How the ref was chosen, for the report. */
  source: 'option' | 'tag' | 'root-commit';
}

/** `--base`, else the newest `@scale-contracts/openapi@*` tag, else the root commit of main. */
export function resolveBase(root: string, ref?: string): BaseRef {
  if (ref !== undefined) {
    return { ref, sha: verify(root, ref), source: 'option' };
  }
  const tags = git(root, ['tag', '--list', TAG_PATTERN, '--sort=-v:refname'])
    .split('\n')
    .filter(Boolean);
  if (tags[0]) {
    return { ref: tags[0], sha: verify(root, tags[0]), source: 'tag' };
  }
  let branch = 'HEAD';
  try {
    verify(root, 'main');
    branch = 'main';
  } catch {
    // no main branch: the current history's root will do
  }
  const roots = git(root, ['rev-list', '--max-parents=0', branch]).split('\n').filter(Boolean);
  const sha = roots[roots.length - 1];
  if (!sha) {
    throw new SpecDiffError('the repository has no commits');
  }
  return { ref: `root commit of ${branch}`, sha, source: 'root-commit' };
}

function verify(root: string, ref: string): string {
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new SpecDiffError(`unknown git ref: ${ref}`);
  }
}

/** The workspace's Redocly CLI: the repository's own, else the one next to this package. */
export function redoclyBinary(root: string): string {
  const candidates = [
    process.env.SPEC_DIFF_REDOCLY,
    join(root, 'openapi/node_modules/.bin/redocly'),
    fileURLToPath(new URL('../../../openapi/node_modules/.bin/redocly', import.meta.url)),
  ];
  const found = candidates.find((c): c is string => Boolean(c) && existsSync(c as string));
  if (!found) {
    throw new SpecDiffError('Redocly CLI not found: run `pnpm install` in the workspace');
  }
  return found;
}

/** Runs `redocly bundle` in an `openapi/` directory and reads `dist/*.json`. */
export function bundle(openapiDir: string, redocly: string): Record<string, unknown> {
  const result = spawnSync(redocly, ['bundle'], {
    cwd: openapiDir,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (result.status !== 0) {
    const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`
      .split('\n')
      .map((l) => l.trim().replace(/^- /, ''))
      .filter(Boolean);
    const at = lines.findIndex((l) => /error|fail|cannot|not found/i.test(l));
    const first = lines[at];
    const detail =
      first === undefined
        ? (result.error?.message ?? `exit code ${result.status}`)
        : first.endsWith(':') && lines[at + 1]
          ? `${first} ${lines[at + 1]}`
          : first;
    throw new SpecDiffError(`bundling failed in ${openapiDir}: ${detail}`);
  }
  return readBundles(join(openapiDir, 'dist'));
}

export function readBundles(dist: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of readdirSync(dist).sort()) {
    if (file.endsWith('.json')) {
      out[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(dist, file), 'utf8'));
    }
  }
  return out;
}

/** Extracts `openapi/` at `sha` to a temporary directory and bundles it there. */
export function bundleAt(root: string, base: BaseRef, redocly: string): Record<string, unknown> {
  const listed = git(root, ['ls-tree', '--name-only', base.sha, 'openapi']);
  if (!listed) {
    throw new SpecDiffError(`${base.ref} (${base.sha.slice(0, 7)}) has no openapi/ directory`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'spec-diff-'));
  try {
    const archive = spawnSync('git', ['archive', '--format=tar', base.sha, 'openapi'], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (archive.status !== 0) {
      throw new SpecDiffError(
        `git archive ${base.ref} failed: ${archive.stderr.toString().trim()}`,
      );
    }
    const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
    if (tar.status !== 0) {
      throw new SpecDiffError(`extracting ${base.ref} failed: ${tar.stderr.toString().trim()}`);
    }
    return bundle(join(dir, 'openapi'), redocly);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The current bundles, `openapi/dist/*.json`, bundled first when missing or stale. */
export function currentBundles(root: string, redocly: string): Record<string, unknown> {
  const dist = join(root, 'openapi/dist');
  const bundles = existsSync(dist)
    ? readdirSync(dist)
        .filter((f) => f.endsWith('.json'))
        .map((f) => statSync(join(dist, f)).mtimeMs)
    : [];
  const fresh =
    bundles.length > 0 &&
    newest(join(root, 'openapi/src')) <= Math.min(...bundles) &&
    newest(join(root, 'openapi/redocly.yaml')) <= Math.min(...bundles);
  return fresh ? readBundles(dist) : bundle(join(root, 'openapi'), redocly);
}

function newest(path: string): number {
  if (!existsSync(path)) {
    return 0;
  }
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

export function shortHead(root: string): string | undefined {
  try {
    return git(root, ['rev-parse', '--short', 'HEAD']);
  } catch {
    return undefined;
  }
}

/** True when `openapi/` has uncommitted changes. */
export function specDirty(root: string): boolean {
  return git(root, ['status', '--porcelain', '--', 'openapi']).length > 0;
}
