// Playwright drives Debian's Chromium (never a downloaded browser) against the
// release build in dist/, served by the real reference server in demo mode on
// a fresh database.
import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.E2E_PORT ?? 18765);
// Computed once in the runner and inherited by the workers through the
// environment, so tests can read the same database with the operator commands.
process.env.E2E_DATABASE ??= join(tmpdir(), `reclaim-e2e-${process.pid}-${Date.now()}.sqlite3`);
process.env.RECLAIM_SERVER_BIN ??= 'target/debug/reclaim-server';
const database = process.env.E2E_DATABASE;
const server = process.env.RECLAIM_SERVER_BIN;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 7_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `${server} serve --addr 127.0.0.1:${port} --database ${database} --dist dist --demo`,
    url: `http://127.0.0.1:${port}/config.json`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
