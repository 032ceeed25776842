/**
 * Kysely's view of the tables created by the SQL files in `sql/`. Keep the two in step. Each feature
 * declares its own tables next to its repository, in a `*.tables.ts` file, and adds them to this
 * interface by declaration merging:
 *
 *   declare module '../db/schema.js' { interface Database extends RotaTables {} }
 *
 * so that db/ (a kernel folder) imports no feature, and a feature's tables are registered where
 * they are declared. A feature that forgets it gets compile errors on its own table names.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from the *.tables.ts files.
export interface Database {}
