import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runServer } from 'verdaccio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Publishes every public workspace package to a throwaway Verdaccio on 127.0.0.1, installs them
// into a fresh project outside the workspace, and uses them there: strict TypeScript, ESM and
// require(). Slow by nature (a publish and an npm install), hence the long timeouts.
const TIMEOUT = 300_000;
const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = resolve(here, '../fixtures');
const workspace = resolve(here, '../../..');

const consumerPackages = [
  '@scale-contracts/types',
  '@scale-contracts/validators',
  '@scale-contracts/client',
  '@scale-contracts/mock-server',
  '@scale-contracts/contract-testing',
];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop: Verdaccio answers from this very process. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function expectSuccess(result: Result, what: string): void {
  const tail = (text: string) => text.slice(-8000);
  expect(
    result.code,
    `${what} exited with ${result.code}\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`,
  ).toBe(0);
}

/** The environment without the npm_config_* that the calling pnpm passes down to scripts. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && !/^pnpm_/i.test(key)) {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/** The public (publishable) workspace packages, by name and version. */
async function publicPackages(): Promise<Map<string, string>> {
  const dirs = [
    'openapi',
    ...(await readdir(join(workspace, 'packages'))).map((name) => `packages/${name}`),
  ];
  const found = new Map<string, string>();
  for (const dir of dirs) {
    let text: string;
    try {
      text = await readFile(join(workspace, dir, 'package.json'), 'utf8');
    } catch {
      continue; // a folder that is not (yet) a package
    }
    const manifest = JSON.parse(text) as { name: string; version: string; private?: boolean };
    if (!manifest.private) {
      found.set(manifest.name, manifest.version);
    }
  }
  return found;
}

describe('the released packages, installed from a registry', () => {
  let root: string;
  let server: Server | undefined;
  let registry: string;
  let consumer: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'scale-contracts-release-'));
    const config = join(root, 'verdaccio.yaml');
    await copyFile(join(fixtures, 'verdaccio.yaml'), config);
    const app: Server = await runServer(config);
    server = app;
    await new Promise<void>((done, fail) => {
      app.once('error', fail);
      app.listen(0, '127.0.0.1', () => done());
    });
    const { port } = app.address() as AddressInfo;
    registry = `http://127.0.0.1:${port}/`;
  }, 60_000);

  afterAll(async () => {
    const app = server;
    if (app) {
      app.closeAllConnections();
      await new Promise<void>((done) => app.close(() => done()));
    }
    if (root) {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it(
    'publishes every public workspace package, with workspace: ranges rewritten',
    async () => {
      // Never the real registry: only this process's loopback Verdaccio.
      expect(new URL(registry).hostname).toBe('127.0.0.1');
      const user = await fetch(`${registry}-/user/org.couchdb.user:release-test`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'release-test',
          password: 'release-test-password',
          email: 'release-test@example.invalid',
        }),
      });
      const created = (await user.json()) as { token?: string };
      expect(user.status, JSON.stringify(created)).toBe(201);
      expect(created.token).toEqual(expect.any(String));

      const host = registry.replace(/^http:/, '');
      const npmrc = join(root, 'publish.npmrc');
      await writeFile(
        npmrc,
        `registry=${registry}\n@scale-contracts:registry=${registry}\n${host}:_authToken=${created.token}\n`,
      );
      const published = await run(
        'pnpm',
        ['publish', '-r', '--registry', registry, '--no-git-checks'],
        workspace,
        cleanEnv({ npm_config_userconfig: npmrc, npm_config_registry: registry }),
      );
      expectSuccess(published, 'pnpm publish -r');

      for (const [name, version] of await publicPackages()) {
        const response = await fetch(`${registry}${name.replace('/', '%2f')}`);
        expect(response.status, `${name} is not in the registry:\n${published.stdout}`).toBe(200);
        const packument = (await response.json()) as {
          'dist-tags': { latest?: string };
          versions: Record<string, Record<string, Record<string, string> | undefined>>;
        };
        expect(packument['dist-tags'].latest, name).toBe(version);
        const manifest = packument.versions[version] ?? {};
        for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
          for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
            expect(range, `${name} ${field}.${dep}`).not.toMatch(/^(workspace|catalog):/);
          }
        }
      }
    },
    TIMEOUT,
  );

  it(
    'installs into a fresh project outside the workspace',
    async () => {
      consumer = join(root, 'consumer');
      await run('mkdir', ['-p', consumer], root, process.env);
      await writeFile(
        join(consumer, 'package.json'),
        `${JSON.stringify({ name: 'release-test-consumer', version: '1.0.0', private: true }, null, 2)}\n`,
      );
      await writeFile(join(consumer, '.npmrc'), `@scale-contracts:registry=${registry}\n`);
      const files = ['consumer.mts', 'consumer.cts', 'consumer.mjs', 'consumer.cjs'];
      for (const file of [...files, 'consumer-client.cjs']) {
        await copyFile(join(fixtures, file), join(consumer, file));
      }
      const installed = await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...consumerPackages,
          'typescript@5.9.3',
          '@types/node@20',
        ],
        consumer,
        cleanEnv({}),
      );
      expectSuccess(installed, 'npm install');
      for (const name of consumerPackages) {
        const manifest = JSON.parse(
          await readFile(join(consumer, 'node_modules', name, 'package.json'), 'utf8'),
        ) as { name: string };
        expect(manifest.name).toBe(name);
      }
    },
    TIMEOUT,
  );

  it(
    'type-checks a consumer with strict TypeScript (NodeNext, ESM and CommonJS)',
    async () => {
      const checked = await run(
        process.execPath,
        [
          join(consumer, 'node_modules/typescript/bin/tsc'),
          '--strict',
          '--module',
          'NodeNext',
          '--moduleResolution',
          'NodeNext',
          '--noEmit',
          'consumer.mts',
          'consumer.cts',
        ],
        consumer,
        cleanEnv({}),
      );
      expectSuccess(checked, 'tsc --strict');
    },
    TIMEOUT,
  );

  it(
    'runs as ESM',
    async () => {
      const ran = await run(process.execPath, ['consumer.mjs'], consumer, cleanEnv({}));
      expectSuccess(ran, 'node consumer.mjs');
      expect(ran.stdout).toContain('esm ok');
    },
    TIMEOUT,
  );

  it(
    'runs through require()',
    async () => {
      const ran = await run(process.execPath, ['consumer.cjs'], consumer, cleanEnv({}));
      expectSuccess(ran, 'node consumer.cjs');
      expect(ran.stdout).toContain('cjs ok');
    },
    TIMEOUT,
  );

  // This caught a real defect: the client's CommonJS build took openapi-fetch's CommonJS exports
  // object for its default export, so createScaleClient() threw under require().
  it(
    'the client through require() lists tasks from the installed mock server',
    async () => {
      const ran = await run(process.execPath, ['consumer-client.cjs'], consumer, cleanEnv({}));
      expectSuccess(ran, 'node consumer-client.cjs');
      expect(ran.stdout).toMatch(/cjs client ok: \d+ tasks/);
    },
    TIMEOUT,
  );
});
