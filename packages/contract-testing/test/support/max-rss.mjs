// Preload for tests (`node --import`): writes the process's peak resident set size, in KiB, to
// the file named by SCALE_CONTRACTS_TEST_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.SCALE_CONTRACTS_TEST_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
