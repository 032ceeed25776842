import { vi } from 'vitest';
import type { Clock } from '../../src/clock.js';

/**
 * The test's time. It fakes only `Date` (timers stay real, so the database driver, the job
 * runner's polling and HTTP keep working): the service clock, graphile-worker's idea of "due"
 * (it runs with useNodeTime) and everything else that reads the date see the same instant, and
 * time moves only when the test says so.
 */
export class TestClock {
  constructor(start: string | Date) {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(start) });
  }
  readonly fn: Clock = () => new Date();
  /** Moves time to `at`. */
  set(at: string | Date): void {
    vi.setSystemTime(new Date(at));
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    vi.setSystemTime(new Date(Date.now() + ms));
  }
  now(): Date {
    return new Date();
  }
  /** Gives the real clock back (at the end of a file). */
  restore(): void {
    vi.useRealTimers();
  }
}
