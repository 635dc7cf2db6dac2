/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket: `take()` resolves when a request may go out. The bucket holds `burst` tokens
 * (default 1, so requests are evenly spaced) and refills at `perSecond`. An infinite or absent
 * rate never waits.
 */
export function createPacer(
  perSecond: number | undefined,
  options: { burst?: number; now?: () => number; sleep?: Sleep } = {},
) {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const burst = Math.max(1, options.burst ?? 1);
  const unlimited = perSecond === undefined || !Number.isFinite(perSecond);
  let tokens = burst;
  let last = now();
  const refill = () => {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - last) / 1000) * (perSecond as number));
    last = at;
  };
  return {
    /** Resolves when the next request may be sent. */
    async take(): Promise<void> {
      if (unlimited) {
        return;
      }
      refill();
      while (tokens < 1) {
        await sleep(Math.ceil(((1 - tokens) / (perSecond as number)) * 1000));
        refill();
      }
      tokens -= 1;
    },
  };
}
