/**
 * Takes the screenshots in docs/screenshots/ (the README shows them): the demo agency on an
 * in-memory database, the real server, Debian's Chromium. Run with `npm run screenshots`.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { build } from 'vite';
import { buildServer } from '../../src/api/server.ts';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { seedDemo } from '../../src/features/demo/seed-demo.ts';
import { seedShippedSeries } from '../../src/features/indices/shipped-series.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { createLogger } from '../../src/shared/log.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/pglite-database.ts';
import { launchChromium } from './chromium.ts';

const AS_OF = '2026-11-23';
const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots');

await build({ configFile: path.resolve(import.meta.dirname, '../../web/vite.config.ts'), logLevel: 'warn' });
const db = await PgliteDatabase.open(null);
await migrate(db);
await seedShippedSeries(db);
const { tenantId } = await seedDemo(db, { asOf: AS_OF });
const app = await buildServer({ db, config: loadConfig({}), logger: createLogger('warn', new Writable({ write: (_c, _e, done) => done() })), today: () => AS_OF, now: () => new Date(`${AS_OF}T17:00:00Z`) });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const browser = await launchChromium();

async function shoot(who: string | null, shots: Array<[string, string, (page: import('playwright-core').Page) => Promise<void>, number?]>, mobile = false) {
  const context = await browser.newContext({ baseURL: base, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo', viewport: mobile ? { width: 390, height: 844 } : { width: 1360, height: 860 }, deviceScaleFactor: mobile ? 2 : 1 });
  const page = await context.newPage();
  if (who) {
    await page.goto('/entrar');
    await page.getByLabel('E-mail').fill(`${who}@demo.recupera.test`);
    await page.getByLabel('Senha').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('navigation', { name: 'Menu principal' }).waitFor();
  }
  for (const [file, url, prepare, height] of shots) {
    await page.goto(url);
    await prepare(page);
    await page.waitForTimeout(600); // chart animations
    await page.screenshot({ path: path.join(OUT, file), ...(height ? { fullPage: true, clip: { x: 0, y: 0, width: 1360, height } } : {}) });
    console.log(`docs/screenshots/${file}`);
  }
  await context.close();
}

const debtor = await db.system(async ({ sql }) =>
  (await sql.query<{ id: string; document: string; birth_date: string }>(
    `select d.id, d.document, to_char(d.birth_date, 'YYYY-MM-DD') as birth_date from debtors d join debts t on t.debtor_id = d.id
      where d.tenant_id = $1 and d.kind = 'pf' and d.birth_date is not null and t.status = 'open' and t.due_date < $2
      group by d.id, d.document, d.birth_date having count(*) >= 2 and count(distinct t.creditor_id) = 1 order by d.document limit 1`,
    [tenantId, AS_OF],
  )).rows[0]!,
);

const statement = await db.system(async ({ db: q }) =>
  q.selectFrom('remittance_statements').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'issued').orderBy('number').executeTakeFirstOrThrow(),
);

await shoot('supervisor', [
  ['painel.png', '/', (p) => p.locator('.recharts-bar-rectangle').first().waitFor(), 1330],
  ['caso.png', `/devedores/${debtor.id}`, async (p) => {
    await p.getByRole('button', { name: 'Simular propostas' }).click();
    await p.locator('.offer').first().waitFor();
    await p.getByRole('heading', { name: 'Simulador de propostas' }).scrollIntoViewIfNeeded();
  }],
  ['importacoes.png', '/importacoes', async (p) => {
    await p.getByLabel('Arquivo (CSV ou JSON lines)').setInputFiles(path.resolve(import.meta.dirname, '../fixtures/imports/titulos-com-erros.csv'));
    await p.getByRole('button', { name: 'Importar' }).click();
    await p.getByRole('table', { name: /Linhas recusadas/ }).scrollIntoViewIfNeeded();
  }],
  ['modelos.png', '/modelos', (p) => p.getByText('sem alertas de conformidade').or(p.locator('.warnings')).first().waitFor()],
  ['repasse.png', `/repasses/${statement.id}`, (p) => p.getByText('confere com os pagamentos').waitFor()],
]);
// Two requests as the portal's form sends them, so the privacy screen has something to show.
for (const kind of ['access', 'deletion']) {
  const response = await fetch(`${base}/api/portal/demo/privacy-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ document: debtor.document, name: 'Titular da demonstração', email: 'titular@exemplo.test', kind }),
  });
  if (!response.ok) throw new Error(`privacy request: ${response.status} ${await response.text()}`);
}
await shoot('auditor', [['privacidade.png', '/privacidade', (p) => p.getByRole('table', { name: /Solicitações de titulares/ }).waitFor()]]);
await shoot('operador', [['fila.png', '/fila', (p) => p.getByRole('heading', { name: 'Roteiro da ligação' }).waitFor()]]);
await shoot(null, [
  ['portal-entrada.png', '/portal/demo', (p) => p.getByLabel('CPF ou CNPJ').waitFor()],
  ['portal-debitos.png', '/portal/demo', async (p) => {
    await p.getByLabel('CPF ou CNPJ').fill(debtor.document);
    await p.getByLabel('Data de nascimento', { exact: true }).fill(debtor.birth_date);
    await p.getByRole('button', { name: 'Entrar' }).click();
    await p.getByRole('heading', { name: /^Olá/ }).waitFor();
  }],
], true);

await browser.close();
await app.close();
await db.close();
