import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { brl } from '../../web/src/format.ts';
import { AS_OF } from '../support/factories.ts';
import { bearer, loginAs } from '../support/server.ts';
import { apiFromPage, expectAccessible, logIn, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * The back office in Chromium, as its users work: logging in, importing a file with bad rows,
 * and an analyst taking a case from the offer to an agreement paid by PIX (the payment arriving
 * through the PSP webhook, as in production).
 */
let w: BrowserWorld;
beforeAll(async () => {
  w = await startBrowserWorld();
}, 180_000);
afterAll(async () => w?.close());

describe('login and navigation by role', () => {
  it('refuses a wrong password in pt-BR, then lands each role on its own screens', async () => {
    const { page, context, errors } = await w.newPage();
    await page.goto('/');
    await expect.poll(() => page.url()).toContain('/entrar');
    await expectAccessible(page, 'login');
    await page.getByLabel('E-mail').fill('analista@demo.recupera.test');
    await page.getByLabel('Senha').fill('senha-errada');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/senha/i);

    await page.getByLabel('Senha').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    await nav.waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual(expect.arrayContaining(['Painel', 'Devedores', 'Carteiras e importações']));
    expect(await nav.getByRole('link', { name: 'Minha fila' }).count()).toBe(0); // analysts have no queue
    await page.getByRole('button', { name: 'Sair' }).click();
    await expect.poll(() => page.url()).toContain('/entrar');
    await context.close();

    // a collector sees the queue (and no dashboard or editors), with the call script filled in
    const collector = await w.newPage();
    await logIn(collector.page, 'operador');
    const links = await collector.page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').allTextContents();
    expect(links).toContain('Minha fila');
    expect(links).not.toContain('Painel');
    expect(links).not.toContain('Supervisão');
    await collector.page.getByRole('heading', { name: 'Roteiro da ligação' }).waitFor();
    expect(await collector.page.locator('pre.script').textContent()).toContain('Esta ligação está sendo gravada');
    await expectAccessible(collector.page, 'fila do operador');
    // a call outcome from the buttons reaches the supervisor's figures
    await collector.page.getByRole('button', { name: 'Não atende' }).click();
    await expect.poll(() => collector.page.getByRole('status').first().textContent()).toContain('Não atende — registrado');
    const supervisor = await loginAs(w.app, 'supervisor@demo.recupera.test', DEMO_PASSWORD);
    const figures = (await w.app.inject({ method: 'GET', url: '/api/supervision', headers: bearer(supervisor) })).json() as { collectors: Array<{ name: string; attempts: number }> };
    expect(figures.collectors.find((c) => c.name === 'Olga Operadora')?.attempts).toBe(1);
    await collector.context.close();
    expect([...errors, ...collector.errors]).toEqual([]);
  });
});

describe('import with row errors', () => {
  it('uploads a file with a progress bar and lists every refused row with its line, field and reason', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'analista');
    await page.getByRole('link', { name: 'Carteiras e importações' }).click();
    await page.getByRole('heading', { name: 'Importar títulos' }).waitFor();
    await page.getByLabel('Arquivo (CSV ou JSON lines)').setInputFiles(path.resolve('test/fixtures/imports/titulos-com-erros.csv'));
    await page.getByRole('button', { name: 'Importar' }).click();
    const refused = page.getByRole('table', { name: /Linhas recusadas/ });
    await refused.waitFor();
    expect(await page.locator('.import-result').textContent()).toMatch(/22 linha\(s\) — 3 criada\(s\).*19 recusada\(s\)/);
    const rows = await refused.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(19);
    expect(rows).toContain('5CPF/CNPJ529.982.247-24dígitos verificadores não conferem');
    expect(rows).toContain('9Vencimento31/02/2024data inexistente');
    // the same report through the API, row for row
    const imports = await apiFromPage<{ items: Array<{ id: string; rejectedRows: number }> }>(page, '/api/imports?limit=1');
    expect(imports.items[0]!.rejectedRows).toBe(19);
    // the export of the table on screen is a CSV a spreadsheet opens (semicolons, BOM)
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /Exportar CSV: Linhas recusadas/ }).click();
    const file = await (await download).path();
    const csv = (await import('node:fs')).readFileSync(file!, 'utf8');
    expect(csv.startsWith('\uFEFFLinha;Campo;Valor;Motivo\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(20);
    await expectAccessible(page, 'importações');
    await context.close();
    expect(errors).toEqual([]);
  });
});

describe('case → offer → agreement → PIX paid by webhook', () => {
  it('an analyst simulates, creates and records the acceptance; the PSP webhook pays; the screen shows the agreement active, then fulfilled', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'analista');
    // a debtor with open debts at a single creditor, found by the search screen
    const debtor = await w.t.db.system(async ({ sql }) =>
      (await sql.query<{ id: string; name: string }>(
        `select d.id, d.name from debtors d join debts t on t.debtor_id = d.id where d.tenant_id = $1 and d.kind = 'pf' and t.status = 'open' and t.due_date < $2
         group by d.id, d.name having count(distinct t.creditor_id) = 1 and count(*) >= 2 order by d.name limit 1`,
        [w.tenantId, AS_OF],
      )).rows[0]!,
    );
    await page.getByRole('link', { name: 'Devedores' }).click();
    await page.getByLabel('Nome, CPF ou CNPJ').fill(debtor.name);
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('link', { name: debtor.name, exact: true }).click();
    await page.getByRole('heading', { name: debtor.name, exact: true }).waitFor();

    // the calculation memory of the first debt, matching the API's balance
    const balance = await apiFromPage<{ total: number; debts: Array<{ total: number; memory: unknown[] }> }>(page, `/api/debtors/${debtor.id}/balance`);
    await expect.poll(() => page.getByText('Saldo atualizado hoje').locator('..').textContent()).toContain(brl(balance.total));
    await page.getByRole('button', { name: 'memória' }).first().click();
    expect(await page.locator('tr.memory li').count()).toBe(balance.debts[0]!.memory.length);

    // offers from the policy; the two-payment one becomes an agreement
    await page.getByRole('button', { name: 'Simular propostas' }).click();
    const offer = page.getByRole('article', { name: '2 pagamentos', exact: true });
    await offer.waitFor();
    await offer.getByRole('button', { name: 'Criar acordo' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'criado' }).count()).toBe(1);
    const agreementCard = page.getByRole('article', { name: /^Acordo / });
    await agreementCard.getByRole('button', { name: 'Registrar aceite' }).click();
    await expect.poll(() => agreementCard.textContent()).toContain('Aceito em');
    await agreementCard.getByRole('button', { name: 'Emitir PIX' }).click();
    await agreementCard.getByLabel('PIX copia e cola').first().waitFor();
    await expectAccessible(page, 'caso com acordo e PIX');

    // the PSP notifies the payment of each charge, in the BCB webhook format, to the creditor's account URL
    const agreement = (await apiFromPage<{ items: Array<{ id: string; creditorId: string; status: string }> }>(page, `/api/agreements?debtorId=${debtor.id}`)).items[0]!;
    const charges = (await apiFromPage<{ items: Array<{ txid: string; amountCents: number; pixCopiaECola: string }> }>(page, `/api/charges?agreementId=${agreement.id}`)).items;
    expect(charges).toHaveLength(2);
    expect(await agreementCard.getByLabel('PIX copia e cola').first().inputValue()).toBe(charges[0]!.pixCopiaECola);
    const admin = await loginAs(w.app, 'admin@demo.recupera.test', DEMO_PASSWORD);
    const accounts = (await w.app.inject({ method: 'GET', url: '/api/collection-accounts', headers: bearer(admin) })).json() as { items: Array<{ id: string; creditorId: string }> };
    const account = accounts.items.find((a) => a.creditorId === agreement.creditorId)!;
    const { pixWebhookPath } = (await w.app.inject({ method: 'POST', url: `/api/collection-accounts/${account.id}/webhook-token`, headers: bearer(admin) })).json() as { pixWebhookPath: string };
    const pay = async (i: number) => {
      const c = charges[i]!;
      const valor = `${(c.amountCents - (c.amountCents % 100)) / 100}.${String(c.amountCents % 100).padStart(2, '0')}`;
      const response = await fetch(`${w.baseUrl}${pixWebhookPath}/pix`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pix: [{ endToEndId: `E0000000020261123${String(i).padStart(4, '0')}abcdefghijk`.slice(0, 32), txid: c.txid, valor, horario: `${AS_OF}T15:0${i}:00-03:00` }] }),
      });
      expect(response.status, await response.text()).toBe(200);
    };
    await pay(0);
    await page.reload();
    await expect.poll(() => agreementCard.locator('.badge').first().textContent()).toBe('Ativo');
    expect(await agreementCard.getByTestId('installment-status-0').textContent()).toBe('Paga');
    await pay(1);
    await page.reload();
    await expect.poll(() => agreementCard.locator('.badge').first().textContent()).toBe('Cumprido');
    expect(await agreementCard.getByRole('link', { name: 'Carta de quitação (PDF)' }).count()).toBe(1);
    await context.close();
    expect(errors).toEqual([]);
  });
});

describe('editors', () => {
  it('previews a template with compliance warnings and refuses to save a non-compliant one; saves a new version of a régua', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'supervisor');
    await page.getByRole('link', { name: 'Modelos de mensagem' }).click();
    const text = page.getByLabel('Texto');
    await text.waitFor();
    await text.fill('Você é um caloteiro! Pague já ou será preso.');
    await expect.poll(() => page.locator('.warnings').textContent()).toContain('linguagem proibida (ridicule): "caloteiro"');
    expect(await page.locator('.warnings').textContent()).toContain('CDC art. 71');
    await page.getByRole('button', { name: 'Gravar modelo' }).click();
    await expect.poll(() => page.locator('.error').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'modelos');

    await page.getByRole('link', { name: 'Réguas' }).click();
    const title = page.getByRole('heading', { name: /versão 1$/ });
    await title.waitFor();
    await page.getByRole('button', { name: 'Adicionar passo' }).click();
    await page.getByRole('button', { name: 'Gravar nova versão' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Versão 2 gravada' }).count()).toBe(1);
    await expectAccessible(page, 'réguas');

    await page.getByRole('link', { name: 'Políticas de negociação' }).click();
    await page.getByLabel('Juros do parcelamento (% a.m.)').fill('abc');
    await page.getByRole('button', { name: 'Gravar política da carteira' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Juros do parcelamento');
    await page.getByLabel('Juros do parcelamento (% a.m.)').fill('1,49');
    await page.getByRole('button', { name: 'Gravar política da carteira' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Política gravada' }).count()).toBe(1);
    const policies = await apiFromPage<{ items: Array<{ portfolioId: string | null; rules: { monthlyRate: string } }> }>(page, '/api/offer-policies');
    expect(policies.items.filter((p) => p.portfolioId).map((p) => p.rules.monthlyRate)).toContain('0.0149');
    await expectAccessible(page, 'políticas');
    await context.close();
    expect(errors).toEqual([]);
  });
});

describe('dashboard', () => {
  it('shows the same figures as the API, with and without a creditor filter, and exports its tables as CSV', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'supervisor');
    await page.getByTestId('summary').waitFor();
    type Dash = import('../../web/src/types.ts').Dashboard;
    const check = async (query: string) => {
      const d = await apiFromPage<Dash>(page, `/api/dashboard${query}`);
      const stat = (label: string) => page.getByTestId('summary').getByText(label, { exact: true }).locator('..').locator('.stat-value');
      await expect.poll(() => stat('Recuperado no período').textContent()).toBe(brl(d.summary.recoveredCents));
      expect(await stat('Em aberto (fora de acordo)').textContent()).toBe(brl(d.summary.openAmountCents));
      expect(await stat('Acordos fechados').textContent()).toBe(String(d.summary.agreementsMade));
      const rows = async (caption: RegExp) => (await page.getByRole('table', { name: caption }).locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
      expect(await rows(/Recuperado por período/)).toEqual(d.recoveredOverTime.map((r) => [r.label, brl(r.amountCents), String(r.payments), String(r.agreements)]));
      expect((await rows(/Em aberto por faixa de atraso/)).map((r) => [r[0], r[2]])).toEqual(d.aging.map((a) => [a.label, brl(a.amountCents)]));
      expect((await rows(/Devedores em cada etapa/)).map((r) => r[0])).toEqual(d.funnel.map((f) => f.label));
      return d;
    };
    const all = await check('');
    expect(all.summary.recoveredCents).toBeGreaterThan(0); // the demo has a history
    expect(all.recoveredOverTime.length).toBeGreaterThanOrEqual(6);
    await page.locator('.recharts-bar-rectangle').first().waitFor(); // the charts drew bars

    const creditor = (await apiFromPage<{ items: Array<{ id: string; legalName: string }> }>(page, '/api/creditors')).items[0]!;
    await page.getByLabel('Credor').selectOption(creditor.id);
    const one = await check(`?creditorId=${creditor.id}`);
    expect(one.summary.openAmountCents).toBeLessThan(all.summary.openAmountCents);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /Exportar CSV: Em aberto por faixa de atraso/ }).click();
    const csv = (await import('node:fs')).readFileSync((await (await download).path())!, 'utf8');
    const lines = csv.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe('Faixa;Títulos;Valor');
    expect(lines.slice(1).map((l) => l.split(';')[2])).toEqual(one.aging.map((a) => `${(a.amountCents - (a.amountCents % 100)) / 100},${String(a.amountCents % 100).padStart(2, '0')}`));
    await expectAccessible(page, 'painel');
    await context.close();
    expect(errors).toEqual([]);
  });
});
