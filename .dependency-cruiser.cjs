// Import direction for src/, checked by `npm run lint:deps` (scripts/deps-check.ts) in .ci/run.
//
// Layering: routes → services → repositories → *.tables.ts. No repository imports a service or routes;
// *.tables.ts files are leaves (kysely and other tables/model types only). Kernel folders (http, db,
// hours, jobs, health, outbox, audit, the staff web shell web/, and the top-level clock/config/log/paths) never
// import feature folders; db/schema.ts's Database is extended by each *.tables.ts through declaration
// merging, so db imports none of them. Where a feature needs another at run time, it declares a port
// (an interface in its own folder) and the composition root wires the implementation: src/services.ts,
// src/app.tsx, src/tasks.ts and src/main.ts, top-level files that may import any folder. No module
// cycle; scripts/deps-check.ts adds the folder order (a folder imports only folders before it in its ORDER)
// and "no cycle between src/* folders", which these rules cannot express.
// Type-only imports count. What is still broken is baselined (.dependency-cruiser-known-violations.json,
// .deps-known-folder-edges.json; `npm run lint:deps -- --write-baseline`), so only new violations fail.
const KERNEL = '^src/(http|db|hours|jobs|health|outbox|audit|web)/|^src/(clock|config|log|paths)\\.ts$';
const FEATURES =
  '^src/(cli|deadlines|desk|email|enquiries|incidents|oncall|privacy|reports|sms|status|telephony|voice)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'A module cycle makes load order matter; break it with a port or by moving the shared part.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'repository-imports-service',
      severity: 'error',
      comment: 'Repositories sit below services and routes: routes → services → repositories.',
      from: { path: '\\.repository\\.ts$' },
      to: { path: '\\.(service|routes)\\.tsx?$' },
    },
    {
      name: 'tables-not-leaf',
      severity: 'error',
      comment:
        '*.tables.ts files describe tables: they import only kysely and other tables/model types ' +
        '(and db/schema.ts, whose Database they extend by declaration merging).',
      from: { path: '\\.tables\\.ts$' },
      to: { pathNot: '(^|/)node_modules/kysely/|\\.tables\\.ts$|\\.model\\.ts$|^src/db/schema\\.ts$' },
    },
    {
      name: 'kernel-imports-feature',
      severity: 'error',
      comment: 'Kernel folders are shared by features and must not depend on any of them.',
      from: { path: KERNEL },
      to: { path: FEATURES },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
