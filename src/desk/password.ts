import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters: N (CPU and memory), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * The cost of new hashes: N=2^14, r=8, p=5, one of the equivalent minimums OWASP's password
 * storage guidance lists for scrypt (N=2^17, r=8, p=1 is another; issue 12, finding 12 chose it).
 * The same defence, but one hash needs 16 MiB instead of 128 MiB outside the JavaScript heap
 * (Node runs the p lanes one after another): with 2^17 every sign-in added 128 MiB to the
 * process, the largest part of its peak memory (issue 32). About 0.2 s of one core.
 */
export const PASSWORD_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 14, r: 8, p: 5 });

const KEYLEN = 32;
/** Hashes stored with a cost above this are refused rather than computed (a 2^21 hash needs 2 GiB). */
const MAX_N = 2 ** 20;
/**
 * At most this many hashes run at once; the rest wait their turn. Each holds 128·N·r bytes (16 MiB
 * at the current cost, 128 MiB for a hash stored at 2^17 until it is rehashed) outside the
 * JavaScript heap, so a burst of sign-ins (or of guesses from many addresses) cannot take the
 * process's memory with it; on two cores more at once would not finish sooner anyway.
 */
const MAX_CONCURRENT = 2;

let cost: ScryptCost = PASSWORD_COST;

/**
 * Sets the cost of new hashes and of the dummy hash. For test suites only, which sign in
 * hundreds of times: the service never calls it, so production always uses `PASSWORD_COST`.
 */
export function setPasswordCostForTests(c: ScryptCost): void {
  cost = { ...c };
}

let running = 0;
const waiting: Array<() => void> = [];

/** Runs `fn` in one of the MAX_CONCURRENT slots (a freed slot passes straight to the next waiter). */
async function inSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function scrypt(password: string, salt: Buffer, keylen: number, c: ScryptCost): Promise<Buffer> {
  // maxmem must exceed the 128·N·r bytes scrypt needs (Node's default allows only 32 MiB).
  const opts = { ...c, maxmem: 128 * c.N * c.r * 2 };
  return inSlot(
    () =>
      new Promise((resolve, reject) =>
        scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

/** The parts of a stored `scrypt$N$r$p$salt$hash`, or null when it is not one we can check. */
function parse(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | null {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  const c = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    Number.isInteger(c.N) &&
    c.N >= 2 &&
    c.N <= MAX_N &&
    (c.N & (c.N - 1)) === 0 &&
    Number.isInteger(c.r) &&
    c.r >= 1 &&
    c.r <= 32 &&
    Number.isInteger(c.p) &&
    c.p >= 1 &&
    c.p <= 16;
  if (alg !== 'scrypt' || !valid || !salt || !hash) return null;
  return { cost: c, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** Hashes a password for storage as `scrypt$N$r$p$salt$hash` (base64url parts), at the current cost. */
export async function hashPassword(password: string): Promise<string> {
  const c = cost;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, c);
  return ['scrypt', c.N, c.r, c.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches `stored` (constant-time), at whatever cost it was stored; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = parse(stored);
  if (!parts || parts.hash.length < 16) return false;
  const key = await scrypt(password, parts.salt, parts.hash.length, parts.cost);
  return timingSafeEqual(key, parts.hash);
}

/**
 * Whether a stored hash is not at the current cost (or not ours): rehash it at the next successful
 * sign-in. A cheaper one is strengthened; one at the former N=2^17 moves to the current cost's
 * equal defence at an eighth of the memory.
 */
export function needsRehash(stored: string): boolean {
  const parts = parse(stored);
  return !parts || parts.cost.N !== cost.N || parts.cost.r !== cost.r || parts.cost.p !== cost.p;
}

/** A hash at the current cost that never verifies, so a sign-in for an unknown email takes as long as one for a real one. */
export function dummyHash(): string {
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEYLEN).toString('base64url')}`;
}
