import { randomInt } from 'node:crypto';
import type { FuzzOptions } from './types.js';

/** Generated requests per operation and kind when `maxExamples` is not given. */
export const DEFAULT_MAX_EXAMPLES = 25;
/** Seeds are 32-bit: what fast-check takes, and what `--seed` prints. */
export const MAX_SEED = 2 ** 32 - 1;

/** The fuzz phase's settings: undefined when it is off, a message when an option is wrong. */
export function fuzzSettings(
  option: boolean | FuzzOptions | undefined,
): { seed: number; maxExamples: number } | undefined | string {
  if (option === undefined || option === false) {
    return undefined;
  }
  const { seed, maxExamples } = option === true ? {} : option;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
    return `fuzz.seed must be an integer from 0 to ${MAX_SEED} (got ${String(seed)})`;
  }
  if (maxExamples !== undefined && !(Number.isInteger(maxExamples) && maxExamples > 0)) {
    return `fuzz.maxExamples must be a positive integer (got ${String(maxExamples)})`;
  }
  return {
    seed: seed ?? randomInt(0, 2 ** 31),
    maxExamples: maxExamples ?? DEFAULT_MAX_EXAMPLES,
  };
}
