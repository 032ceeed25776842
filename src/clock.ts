/**
 * The one source of "now". Services take a Clock so tests can fix or advance time; nothing else
 * in the service reads the system time for business decisions.
 */
export type Clock = () => Date;

/** The real clock. */
export const systemClock: Clock = () => new Date();
