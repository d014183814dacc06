import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { brl } from '../../web/src/format.ts';
import { bearer, loginAs } from '../support/server.ts';
import { apiFromPage, expectAccessible, logIn, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * The creditor portal in Chromium: the creditor viewer of the demo (credor@) sees its own creditor
 * only, reads a case without any action button, and opens last month's statement (prestação de
 * contas), whose totals on screen are the API's.
 */
let w: BrowserWorld;
beforeAll(async () => {
  w = await startBrowserWorld();
}, 180_000);
afterAll(async () => w?.close());

interface Statement {
  id: string;
  creditorId: string;
  number: string | null;
  month: string;
  totals: { recoveredCents: number; commissionCents: number; feesCents: number; netCents: number };
  lines: Array<{ debtorName: string }>;
}

/** Buttons that only show, hide or copy what is already on screen: anything else would be an action. */
const VIEW_ONLY_BUTTONS = new Set(['Sair', 'mostrar', 'ocultar', 'memória', 'Copiar código PIX', 'copiar', 'Exportar CSV']);

describe('creditor portal', () => {
  it('shows the creditor viewer only its creditor, a read-only case and the month statement matching the API', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'credor');
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    const links = await nav.getByRole('link').allTextContents();
    expect(links).toEqual(expect.arrayContaining(['Painel', 'Devedores', 'Acordos', 'Repasses']));
    for (const agencyOnly of ['Carteiras e importações', 'Réguas', 'Modelos de mensagem', 'Políticas de negociação', 'Minha fila', 'Supervisão']) expect(links).not.toContain(agencyOnly);

    // only its creditor, through the same API the screens use
    const creditors = await apiFromPage<{ items: Array<{ id: string; legalName: string }> }>(page, '/api/creditors');
    expect(creditors.items).toHaveLength(1);
    const own = creditors.items[0]!;
    const admin = await loginAs(w.app, 'admin@demo.recupera.test', DEMO_PASSWORD);
    const all = (await w.app.inject({ method: 'GET', url: '/api/creditors', headers: bearer(admin) })).json() as { items: Array<{ id: string; legalName: string }> };
    const other = all.items.find((c) => c.id !== own.id)!;
    expect(other).toBeDefined();

    // a case of its creditor, read-only: no action button rendered
    const agreements = await apiFromPage<{ items: Array<{ debtorId: string }> }>(page, '/api/agreements?status=fulfilled');
    expect(agreements.items.length).toBeGreaterThan(0);
    await page.goto(`/devedores/${agreements.items[0]!.debtorId}`);
    await page.getByRole('heading', { name: 'Linha do tempo' }).waitFor();
    await page.getByRole('table', { name: /Parcelas do acordo/ }).first().waitFor();
    const buttons = (await page.getByRole('button').allTextContents()).map((b) => b.trim());
    expect(buttons.filter((b) => !VIEW_ONLY_BUTTONS.has(b))).toEqual([]);
    expect(await page.getByRole('heading', { name: /Simulador|Propostas/ }).count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(other.legalName);
    await expectAccessible(page, 'caso (credor, somente leitura)');

    // the statements: only its creditor's, issued; the month's totals on screen equal the API's
    await nav.getByRole('link', { name: 'Repasses' }).click();
    const table = page.getByRole('table', { name: /demonstrativo\(s\)/ });
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(0);
    const rows = await table.locator('tbody tr').allTextContents();
    for (const row of rows) {
      expect(row).toContain(own.legalName);
      expect(row).toContain('emitido');
    }
    expect(await page.locator('body').textContent()).not.toContain(other.legalName);
    expect(await page.getByRole('heading', { name: 'Regras de comissão' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Abrir demonstrativo' }).count()).toBe(0);
    await expectAccessible(page, 'repasses (credor)');

    const listed = await apiFromPage<{ items: Array<{ id: string; month: string }> }>(page, '/api/remittance/statements');
    expect(listed.items.length).toBe(rows.length);
    await table.getByRole('link').first().click();
    await page.getByRole('heading', { name: /Prestação de contas —/ }).waitFor();
    const statementId = page.url().split('/').pop()!;
    const api = await apiFromPage<Statement>(page, `/api/remittance/statements/${statementId}`);
    expect(api.creditorId).toBe(own.id);
    expect(api.number).toMatch(/^REP-/);
    expect(api.lines.length).toBeGreaterThan(0);
    expect(await page.getByTestId('total-recebido').textContent()).toBe(brl(api.totals.recoveredCents));
    expect(await page.getByTestId('total-comissao').textContent()).toBe(brl(api.totals.commissionCents));
    expect(await page.getByTestId('total-taxas').textContent()).toBe(brl(api.totals.feesCents));
    expect(await page.getByTestId('total-liquido').textContent()).toBe(brl(api.totals.netCents));
    expect(await page.getByText('confere com os pagamentos').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Emitir demonstrativo' }).count()).toBe(0);
    const pdf = await page.request.get(`/api/remittance/statements/${statementId}/statement.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await expectAccessible(page, 'demonstrativo (credor)');

    // the other creditor's statement is not found for it
    const others = (await w.app.inject({ method: 'GET', url: `/api/remittance/statements?creditorId=${other.id}`, headers: bearer(admin) })).json() as { items: Array<{ id: string }> };
    expect(others.items.length).toBeGreaterThan(0);
    expect((await page.request.get(`/api/remittance/statements/${others.items[0]!.id}`)).status()).toBe(404);

    await context.close();
    expect(errors).toEqual([]);
  });

  it('lets a supervisor open a draft, see the rules editor and issue a past month', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'supervisor');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Repasses' }).click();
    await page.getByRole('heading', { name: 'Regras de comissão' }).waitFor();
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Abrir' }) });
    await form.getByLabel('Credor').selectOption({ index: 1 });
    await form.getByLabel('Mês').fill('2026-09');
    await form.getByRole('button', { name: 'Abrir' }).click();
    await page.getByRole('heading', { name: 'Prestação de contas — setembro de 2026' }).waitFor();
    await page.getByText('rascunho: os valores podem mudar até a emissão').waitFor();
    await expectAccessible(page, 'demonstrativo (rascunho)');
    await page.getByRole('button', { name: 'Emitir demonstrativo' }).click();
    await page.getByText(/emitido nº REP-/).waitFor();
    const statementId = page.url().split('/').pop()!;
    const api = await apiFromPage<Statement>(page, `/api/remittance/statements/${statementId}`);
    expect(await page.getByTestId('total-liquido').textContent()).toBe(brl(api.totals.netCents));
    await context.close();
    expect(errors).toEqual([]);
  });
});
