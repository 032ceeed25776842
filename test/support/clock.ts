import type { Clock } from '../../src/clock.js';

/** A clock the test sets and advances; `fn` is what services receive. */
export class TestClock {
  private current: Date;
  constructor(start: string | Date) {
    this.current = new Date(start);
  }
  readonly fn: Clock = () => new Date(this.current);
  /** Moves time to `at`. */
  set(at: string | Date): void {
    this.current = new Date(at);
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  now(): Date {
    return new Date(this.current);
  }
}
