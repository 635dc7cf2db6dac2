import { describe, expect, it } from 'vitest';
import { createPacer } from '../src/index.js';

/** A fake clock: sleeping advances it, and every sleep is recorded. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

describe('createPacer (token bucket)', () => {
  it.each([
    ['5 per second spaces requests 200 ms apart', 5, 4, [200, 200, 200]],
    ['2 per second spaces requests 500 ms apart', 2, 3, [500, 500]],
    ['one request never waits', 1, 1, []],
  ] as const)('%s', async (_name, perSecond, requests, expected) => {
    const clock = fakeClock();
    const pacer = createPacer(perSecond, clock);
    for (let index = 0; index < requests; index += 1) {
      await pacer.take();
    }
    expect(clock.sleeps).toEqual(expected);
  });

  it('refills while the caller is busy: no wait after an idle gap', async () => {
    const clock = fakeClock();
    const pacer = createPacer(5, clock);
    await pacer.take();
    clock.advance(250);
    await pacer.take();
    expect(clock.sleeps).toEqual([]);
  });

  it('holds a burst when asked', async () => {
    const clock = fakeClock();
    const pacer = createPacer(10, { ...clock, burst: 3 });
    for (let index = 0; index < 4; index += 1) {
      await pacer.take();
    }
    expect(clock.sleeps).toEqual([100]);
  });

  it.each([
    ['no rate', undefined],
    ['an infinite rate', Number.POSITIVE_INFINITY],
  ])('never waits with %s', async (_name, perSecond) => {
    const clock = fakeClock();
    const pacer = createPacer(perSecond, clock);
    for (let index = 0; index < 50; index += 1) {
      await pacer.take();
    }
    expect(clock.sleeps).toEqual([]);
  });
});
