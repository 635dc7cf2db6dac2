import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium: `.ci/run` installs it; Playwright never downloads a browser here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why a browser test cannot run, said so that it fails rather than skips. */
export const MISSING_CHROMIUM = `${CHROMIUM} is missing: the HTML report test renders the page in Debian's Chromium. Install it with \`apt-get update && apt-get install -y chromium\` (as root; CI's .ci/run does this).`;

/** Fails (never skips) when Chromium is not installed, saying how to install it. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(MISSING_CHROMIUM);
  }
}

/**
 * Headless Chromium in a fresh profile, with nothing of its own on the network (this machine's
 * network is closed; background networking would only be refused). `close()` removes the profile.
 */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'contract-testing-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 1600 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
