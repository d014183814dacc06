import { defineConfig } from 'vitest/config';

/**
 * Pure tests (*.test.ts) run once. Database tests (*.db.test.ts) run twice: on the embedded
 * PGlite and on the PostgreSQL server at TEST_DATABASE_URL (default 127.0.0.1:5432, database test),
 * each test file in a fresh database. PostgreSQL tests (*.pg.test.ts) need two connections at once,
 * which PGlite — one connection — cannot give: they run on the server only.
 */
const dbTests = ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'];
const postgresTests = ['src/**/*.pg.test.ts', 'test/**/*.pg.test.ts'];
/** The web app in Debian's Chromium against the real server on the demo agency (PGlite), after a production build. */
const browserTests = ['test/browser/**/*.browser.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'], exclude: [...dbTests, ...postgresTests, ...browserTests] } },
      { extends: true, test: { name: 'pglite', include: dbTests, env: { RECUPERA_TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'browser', include: browserTests, expect: { poll: { timeout: 15_000 } }, env: { RECUPERA_TEST_DB: 'pglite' }, globalSetup: ['test/browser/build-web.ts'] } },
      { extends: true, test: { name: 'postgres', include: [...dbTests, ...postgresTests], env: { RECUPERA_TEST_DB: 'postgres' }, globalSetup: ['test/support/postgres-template.ts'] } },
    ],
  },
});
