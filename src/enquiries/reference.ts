import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L, 5/S or 8/B: a reference is read aloud over the phone and copied by hand.
const ALPHABET = '2345679ACDEFGHJKMNPQRTUVWXYZ';

/** A new random enquiry reference such as `PD-7KM-4QX` (28^6 ≈ 480 million possibilities). */
export function newReference(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `PD-${s.slice(0, 3)}-${s.slice(3)}`;
}

/**
 * Normalises what a person typed as a reference (any case, spaces or dashes, with or without the
 * PD prefix) to the canonical `PD-XXX-XXX`, or null when it cannot be one.
 */
export function normaliseReference(text: string): string | null {
  let compact = text.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length === 8 && compact.startsWith('PD')) compact = compact.slice(2);
  if (compact.length !== 6 || [...compact].some((ch) => !ALPHABET.includes(ch))) return null;
  return `PD-${compact.slice(0, 3)}-${compact.slice(3)}`;
}
