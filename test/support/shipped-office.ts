import { readFileSync } from 'node:fs';
import type { OfficeConfig } from '../../src/config.js';

/**
 * The office section of the shipped config/default.json (09:00-17:00 Monday to Friday,
 * Europe/London, England and Wales bank holidays), read as it ships, for pure unit tests that
 * format times and deadlines the way a real office would.
 */
export const SHIPPED_OFFICE = (
  JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8')) as { office: OfficeConfig }
).office;
