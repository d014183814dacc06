import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import type { App } from '../../src/api/context.ts';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { seedDemo } from '../../src/features/demo/seed-demo.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { createLogger } from '../../src/shared/log.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { AS_OF } from '../support/factories.ts';
import { NOW } from '../support/server.ts';
import { launchChromium } from './chromium.ts';


export interface BrowserWorld {
  t: TestDatabase;
  app: App;
  baseUrl: string;
  browser: Browser;
  tenantId: string;
  /** A new isolated browser session (its own cookies), with page errors collected. */
  newPage: (options?: { mobile?: boolean }) => Promise<{ page: Page; context: BrowserContext; errors: string[] }>;
  close: () => Promise<void>;
}

/** The demo agency on a fresh database, the real server listening on a local port (serving web/dist), and Chromium. */
export async function startBrowserWorld(env: Record<string, string> = {}): Promise<BrowserWorld> {
  const t = await openTestDatabase();
  const { tenantId } = await seedDemo(t.db, { asOf: AS_OF });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const app = await buildServer({ db: t.db, config: loadConfig({ PUBLIC_URL: 'http://127.0.0.1', ...env }), logger: createLogger('warn', sink), today: () => AS_OF, now: () => NOW });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  return {
    t,
    app,
    baseUrl,
    browser,
    tenantId,
    newPage: async ({ mobile = false } = {}) => {
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: 'pt-BR',
        bypassCSP: true, // only so the tests can inject axe-core; the app itself runs under the server's CSP
        timezoneId: 'America/Sao_Paulo',
        viewport: mobile ? { width: 390, height: 844 } : { width: 1360, height: 900 },
        ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, context, errors };
    },
    close: async () => {
      await browser.close();
      await app.close();
      await t.drop();
    },
  };
}

export async function logIn(page: Page, who: string): Promise<void> {
  await page.goto('/entrar');
  await page.getByLabel('E-mail').fill(`${who}@demo.recupera.test`);
  await page.getByLabel('Senha').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('navigation', { name: 'Menu principal' }).waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A/AA rules on the page as it is now: no violation allowed. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `acessibilidade em ${where}`).toEqual([]);
}

/** The API as the logged-in browser session sees it (same cookies), for comparing screens with figures. */
export async function apiFromPage<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}
