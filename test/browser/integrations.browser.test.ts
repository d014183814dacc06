import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { startStandInBrasilApi, type StandInBrasilApiServer } from '../../src/features/enrichment/stand-in-brasilapi.ts';
import { brl, count } from '../../web/src/format.ts';
import { bearer, loginAs } from '../support/server.ts';
import { apiFromPage, expectAccessible, logIn, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * Integrações → ERP and Integrações → Enriquecimento in Chromium: the demo administrator creates
 * a folder source, pulls it and reads what it imported and refused, issues an API key to the
 * integration user (shown once) and revokes it; then reads the enrichment log and changes the
 * daily budget. What the screens show is compared with what the API answers.
 */
let w: BrowserWorld;
let brasilapi: StandInBrasilApiServer;
let folderRoot = '';

// three good titles and one with a wrong CPF check digit (the source is not all-or-nothing)
const CSV = fs
  .readFileSync(path.resolve('test/fixtures/imports/titulos-com-erros.csv'), 'utf8')
  .split(/\r?\n/)
  .slice(0, 5) // the header, T-001 to T-003 (valid) and T-004 (CPF check digit wrong)
  .join('\n') + '\n';

beforeAll(async () => {
  folderRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-erp-browser-'));
  // each agency reads only inside its own folder, ERP_FOLDER_ROOT/<agency slug> (the demo's is "demo")
  fs.mkdirSync(path.join(folderRoot, 'demo', 'loja'), { recursive: true });
  fs.writeFileSync(path.join(folderRoot, 'demo', 'loja', 'titulos-2026-11-23.csv'), CSV);
  brasilapi = await startStandInBrasilApi();
  w = await startBrowserWorld({ ERP_FOLDER_ROOT: folderRoot, ENRICHMENT_BRASILAPI_URL: brasilapi.url });
}, 180_000);
afterAll(async () => {
  await w?.close();
  await brasilapi?.close();
  if (folderRoot) fs.rmSync(folderRoot, { recursive: true, force: true });
});

interface Pull { outcome: string; message: string; importId: string | null; fileName: string }

describe('Integrações → ERP', () => {
  it('creates a folder source, runs it, shows what the pull imported and refused, and manages an API key', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'admin');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Integrações → ERP' }).click();
    await page.getByRole('heading', { name: 'Integrações: ERP' }).waitFor();
    await page.getByRole('table', { name: /Pastas e URLs/ }).getByText('Nenhuma fonte cadastrada.').waitFor();

    const creditor = (await apiFromPage<{ items: Array<{ id: string; legalName: string }> }>(page, '/api/creditors')).items[0]!;
    const portfolio = (await apiFromPage<{ items: Array<{ id: string; name: string }> }>(page, `/api/portfolios?creditorId=${creditor.id}`)).items[0]!;

    const form = page.getByRole('form', { name: 'Nova fonte' });
    await form.getByLabel('Nome da fonte').fill('Exportação da loja');
    await form.getByLabel('Credor', { exact: true }).selectOption({ label: creditor.legalName });
    await form.getByLabel('Carteira', { exact: true }).selectOption({ label: portfolio.name });
    await form.getByLabel('Pasta', { exact: true }).fill('../fora');
    await form.getByRole('checkbox', { name: /Tudo ou nada/ }).uncheck();
    await form.getByRole('radio', { name: 'A cada N minutos' }).check();
    await form.getByLabel('Intervalo (minutos)').fill('60');
    await form.getByRole('button', { name: 'Criar fonte' }).click();
    // the API's pt-BR message, next to the field at fault
    const folderField = form.getByLabel('Pasta', { exact: true });
    await expect.poll(() => folderField.getAttribute('aria-describedby')).toMatch(/-error/);
    const fieldError = page.locator(`[id="${(await folderField.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))}"]`);
    expect(await fieldError.textContent()).toMatch(/fora de ERP_FOLDER_ROOT/);
    expect((await apiFromPage<unknown[]>(page, '/api/erp/sources'))).toHaveLength(0);

    await folderField.fill('loja');
    await form.getByRole('button', { name: 'Criar fonte' }).click();
    await page.getByRole('status').filter({ hasText: 'Fonte Exportação da loja criada' }).waitFor();
    const [source] = await apiFromPage<Array<{ id: string; name: string; kind: string; location: string; intervalMinutes: number; allOrNothing: boolean; portfolioId: string }>>(page, '/api/erp/sources');
    expect(source).toMatchObject({ name: 'Exportação da loja', kind: 'folder', location: 'loja', intervalMinutes: 60, allOrNothing: false, portfolioId: portfolio.id });
    const sourcesTable = page.getByRole('table', { name: /Pastas e URLs/ });
    const row = sourcesTable.getByRole('row').filter({ hasText: 'Exportação da loja' });
    expect(await row.textContent()).toContain('a cada 1 h');
    expect(await row.textContent()).toContain(`${creditor.legalName} · ${portfolio.name}`);

    // pull now: the result with the counts of the import, and the refused row
    await page.getByRole('button', { name: 'Executar agora Exportação da loja' }).click();
    const result = page.getByRole('region', { name: 'Resultado da busca: Exportação da loja' });
    await result.waitFor();
    const [pull] = await apiFromPage<Pull[]>(page, `/api/erp/pulls?sourceId=${source!.id}`);
    expect(pull).toMatchObject({ outcome: 'imported', fileName: 'titulos-2026-11-23.csv' });
    const imported = await apiFromPage<{ createdRows: number; rejectedRows: number; totalRows: number }>(page, `/api/imports/${pull!.importId}`);
    expect(imported).toMatchObject({ totalRows: 4, createdRows: 3, rejectedRows: 1 });
    expect(await result.getByRole('status').textContent()).toContain(pull!.message);
    const files = result.getByRole('table', { name: 'Arquivos desta busca' });
    const cells = await files.getByRole('row').nth(1).getByRole('cell').allTextContents();
    expect(cells.slice(0, 8)).toEqual(['titulos-2026-11-23.csv', 'Importado', count(imported.totalRows), count(imported.createdRows), '0', '0', '0', count(imported.rejectedRows)]);
    const refusedNow = result.getByRole('table', { name: /Linhas recusadas de titulos-2026-11-23.csv/ });
    expect(await refusedNow.getByRole('row').count()).toBe(2); // header + the bad CPF
    expect(await refusedNow.textContent()).toMatch(/CPF/);
    await expectAccessible(page, 'ERP com o resultado da busca');

    // the log of pulls: the same outcome and message as the API, and the refused rows on demand
    const log = page.getByRole('table', { name: /Buscas que importaram ou falharam/ });
    await log.getByText(pull!.message).waitFor();
    expect(await log.getByRole('row').nth(1).textContent()).toContain('Importado');
    await log.getByRole('button', { name: /Ver linhas recusadas de titulos-2026-11-23.csv/ }).click();
    const apiErrors = await apiFromPage<{ items: Array<{ line: number; field: string; reason: string }> }>(page, `/api/imports/${pull!.importId}/errors`);
    const refused = page.getByRole('table', { name: /^Linhas recusadas(?! de )/ });
    await refused.waitFor();
    const refusedCells = await refused.getByRole('row').nth(1).getByRole('cell').allTextContents();
    expect(refusedCells[0]).toBe(String(apiErrors.items[0]!.line));
    expect(refusedCells[1]).toBe(apiErrors.items[0]!.field);
    expect(refusedCells[3]).toBe(apiErrors.items[0]!.reason);

    // the same file again: nothing new (files are not moved; the checksum is remembered)
    await page.getByRole('button', { name: 'Executar agora Exportação da loja' }).click();
    await result.getByRole('status').filter({ hasText: 'Nenhum arquivo novo na pasta.' }).waitFor();
    await expect.poll(async () => (await row.textContent()) ?? '').toContain('Nenhum arquivo novo');

    // deactivate
    await page.getByRole('button', { name: 'Desativar Exportação da loja' }).click();
    await row.getByText('Inativa').waitFor();
    expect((await apiFromPage<Array<{ active: boolean }>>(page, '/api/erp/sources'))[0]!.active).toBe(false);

    // an API key for the integration user (the demo supervisor), shown once, then revoked
    const users = await apiFromPage<{ items: Array<{ id: string; email: string; name: string }> }>(page, '/api/users');
    const integrationUser = users.items.find((u) => u.email === 'supervisor@demo.recupera.test')!;
    await page.getByLabel('Usuário da integração').selectOption(integrationUser.id);
    const keys = page.getByRole('table', { name: `Chaves de ${integrationUser.name}` });
    await keys.getByText('Nenhuma chave emitida para este usuário.').waitFor();
    const keyForm = page.getByRole('form', { name: 'Nova chave de API' });
    await keyForm.getByLabel('Nome da chave').fill('ERP Protheus');
    await keyForm.getByRole('button', { name: 'Criar chave' }).click();
    await page.getByRole('alert').filter({ hasText: 'não será mostrada de novo' }).waitFor();
    const key = (await page.getByTestId('api-key').textContent())!;
    expect(key).toMatch(/^rk_/);
    const [stored] = await apiFromPage<Array<{ id: string; prefix: string; revokedAt: string | null }>>(page, `/api/users/${integrationUser.id}/api-keys`);
    expect(key.startsWith(stored!.prefix)).toBe(true);
    await keys.getByRole('row').filter({ hasText: 'ERP Protheus' }).getByText('Ativa').waitFor();
    expect(await keys.getByRole('row').filter({ hasText: 'ERP Protheus' }).textContent()).toContain(`${stored!.prefix}…`);
    // the key works as its user
    expect((await w.app.inject({ method: 'GET', url: '/api/erp/sources', headers: bearer(key) })).statusCode).toBe(200);
    await expectAccessible(page, 'ERP com a chave de API mostrada');
    await page.getByRole('button', { name: 'Já guardei a chave' }).click();
    expect(await page.getByText(key).count()).toBe(0);

    page.once('dialog', (dialog) => void dialog.accept());
    await keys.getByRole('button', { name: /Revogar a chave ERP Protheus/ }).click();
    await page.getByRole('status').filter({ hasText: 'Chave ERP Protheus revogada.' }).waitFor();
    await keys.getByRole('row').filter({ hasText: 'ERP Protheus' }).getByText(/^Revogada em/).waitFor();
    expect((await apiFromPage<Array<{ revokedAt: string | null }>>(page, `/api/users/${integrationUser.id}/api-keys`))[0]!.revokedAt).not.toBeNull();
    expect((await w.app.inject({ method: 'GET', url: '/api/erp/sources', headers: bearer(key) })).statusCode).toBe(401);
    await context.close();
    expect(errors).toEqual([]);
  });
});

interface LookupLog {
  items: Array<{ id: string; document: string; documentFormatted: string; userName: string | null; costCents: number; cached: boolean; outcome: string; legalBasis: string }>;
  today: { spentCents: number; budgetCents: number; paidLookups: number; maxLookups: number; budgetSource: string };
}

describe('Integrações → Enriquecimento', () => {
  it('shows the lookups made and today’s budget, and the administrator changes the budget', async () => {
    const analyst = await loginAs(w.app, 'analista@demo.recupera.test', DEMO_PASSWORD);
    for (const document of ['11.222.333/0001-81', '11.222.333/0001-81']) {
      const r = await w.app.inject({ method: 'POST', url: '/api/enrichment/lookup', headers: bearer(analyst), payload: { document } });
      expect(r.statusCode, r.body).toBe(200);
    }

    const { page, context, errors } = await w.newPage();
    await logIn(page, 'admin');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Integrações → Enriquecimento' }).click();
    await page.getByRole('heading', { name: 'Integrações: enriquecimento' }).waitFor();
    const before = await apiFromPage<LookupLog>(page, '/api/enrichment/lookups');
    expect(before.items.map((l) => [l.cached, l.costCents])).toEqual([[true, 0], [false, 10]]); // newest first: the cache hit, then the paid call

    const log = page.getByRole('table', { name: /Consultas mais recentes/ });
    await log.getByRole('row').nth(1).waitFor();
    const rows = log.getByRole('row');
    expect(await rows.count()).toBe(1 + before.items.length);
    for (const [i, item] of before.items.entries()) {
      const cells = await rows.nth(i + 1).getByRole('cell').allTextContents();
      expect(cells[1]).toBe(item.userName);
      expect(cells[3]).toBe(item.documentFormatted); // a CNPJ is shown whole; a CPF would be masked
      expect(cells[4]).toBe('Encontrado');
      expect(cells[5]).toBe(item.cached ? 'Sim (gratuita)' : 'Não');
      expect(cells[6]).toBe(brl(item.costCents));
      expect(cells[7]).toBe(item.legalBasis);
    }

    const budget = page.getByTestId('budget');
    const spent = () => budget.locator('.stat').filter({ hasText: 'Gasto hoje' }).locator('.stat-value').textContent();
    const paid = () => budget.locator('.stat').filter({ hasText: 'Consultas pagas hoje' }).locator('.stat-value').textContent();
    expect(await spent()).toBe(`${brl(before.today.spentCents)} de ${brl(before.today.budgetCents)}`);
    expect(await paid()).toBe(`${count(before.today.paidLookups)} de ${count(before.today.maxLookups)}`);
    expect(before.today).toMatchObject({ spentCents: 10, paidLookups: 1, budgetSource: 'config' });
    await expectAccessible(page, 'enriquecimento');

    // a typed amount that is not money is refused on the screen, nothing sent
    const form = page.getByRole('form', { name: 'Orçamento diário' });
    await form.getByLabel('Orçamento diário (R$)', { exact: true }).fill('12,345');
    await form.getByRole('button', { name: 'Salvar orçamento' }).click();
    await form.getByText(/Valor inválido/).waitFor();
    expect((await apiFromPage<LookupLog>(page, '/api/enrichment/lookups')).today.budgetSource).toBe('config');

    await form.getByLabel('Orçamento diário (R$)', { exact: true }).fill('R$ 1.234,5');
    await form.getByLabel('Consultas pagas por dia', { exact: true }).fill('7');
    await form.getByRole('button', { name: 'Salvar orçamento' }).click();
    await page.getByRole('status').filter({ hasText: 'Orçamento diário salvo' }).waitFor();
    const after = (await apiFromPage<LookupLog>(page, '/api/enrichment/lookups')).today;
    expect(after).toMatchObject({ budgetCents: 123_450, maxLookups: 7, spentCents: 10, paidLookups: 1, budgetSource: 'tenant' });
    expect(await spent()).toBe(`${brl(after.spentCents)} de ${brl(after.budgetCents)}`);
    expect(await spent()).toBe('R$ 0,10 de R$ 1.234,50');
    expect(await paid()).toBe('1 de 7');
    expect(await budget.textContent()).toContain('Definido pela assessoria');
    expect(await form.getByLabel('Orçamento diário (R$)', { exact: true }).inputValue()).toBe('1.234,50');
    await expectAccessible(page, 'enriquecimento com o orçamento salvo');
    await context.close();

    // the analyst reads the log but cannot change the budget
    const reader = await w.newPage();
    await logIn(reader.page, 'analista');
    await reader.page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Integrações → Enriquecimento' }).click();
    await reader.page.getByRole('table', { name: /Consultas mais recentes/ }).getByRole('row').nth(1).waitFor();
    expect(await reader.page.getByRole('button', { name: 'Salvar orçamento' }).count()).toBe(0);
    expect(await reader.page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Integrações → ERP' }).count()).toBe(0);
    await reader.context.close();
    expect([...errors, ...reader.errors]).toEqual([]);
  });
});
