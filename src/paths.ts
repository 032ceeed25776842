import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root: one level above this file, whether it runs from `src/` (tsx) or `dist/` (built). */
export const ROOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SQL_DIR = resolve(ROOT_DIR, 'sql');
export const CONFIG_DIR = resolve(ROOT_DIR, 'config');
export const VAR_DIR = resolve(ROOT_DIR, 'var');
export const PUBLIC_DIR = resolve(ROOT_DIR, 'public');
