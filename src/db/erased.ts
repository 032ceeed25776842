/** What replaces erased personal data, in every table that keeps the row (issue 10: erasure on request and by retention). */
export const ERASED = '[erased]';
