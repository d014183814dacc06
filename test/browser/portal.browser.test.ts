import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/features/demo/generate-demo.ts';
import { brl, dateBR } from '../../web/src/format.ts';
import { AS_OF } from '../support/factories.ts';
import { bearer, loginAs } from '../support/server.ts';
import { expectAccessible, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * The debtor's portal on a phone-sized Chromium: identification by CPF and birth date, the debts
 * itemized with the creditor, an offer accepted on the term shown, the PIX paid (the PSP's webhook),
 * the agreement fulfilled; the privacy notice and a data-subject request.
 */
let w: BrowserWorld;
beforeAll(async () => {
  w = await startBrowserWorld();
}, 180_000);
afterAll(async () => w?.close());

describe('debtor portal, end to end', () => {
  it('identifies, shows the debts, accepts an offer, pays by PIX and shows the agreement fulfilled', async () => {
    const debtor = await w.t.db.system(async ({ sql }) =>
      (await sql.query<{ id: string; document: string; birth_date: string; name: string; creditor_id: string }>(
        `select d.id, d.document, to_char(d.birth_date, 'YYYY-MM-DD') as birth_date, d.name, min(t.creditor_id::text) as creditor_id
           from debtors d join debts t on t.debtor_id = d.id
          where d.tenant_id = $1 and d.kind = 'pf' and d.birth_date is not null and t.status = 'open' and t.due_date < $2
          group by d.id, d.document, d.birth_date, d.name having count(distinct t.creditor_id) = 1 order by d.document limit 1`,
        [w.tenantId, AS_OF],
      )).rows[0]!,
    );
    const { page, context, errors } = await w.newPage({ mobile: true });
    await page.goto('/portal/demo');
    await page.getByRole('heading', { name: 'Consulte e negocie seus débitos' }).waitFor();
    await expectAccessible(page, 'portal: identificação');

    // a wrong birth date and an unknown CPF get the same answer: nothing to enumerate
    await page.getByLabel('CPF ou CNPJ').fill(debtor.document);
    await page.getByLabel('Data de nascimento', { exact: true }).fill('1900-01-01');
    await page.getByRole('button', { name: 'Entrar' }).click();
    const wrongDate = await page.getByRole('alert').textContent();
    await page.getByLabel('CPF ou CNPJ').fill('529.982.247-25');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(wrongDate);

    await page.getByLabel('CPF ou CNPJ').fill(debtor.document);
    await page.getByLabel('Data de nascimento', { exact: true }).fill(debtor.birth_date);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { name: `Olá, ${debtor.name.split(' ')[0]}` }).waitFor();

    // each debt with its creditor's identification and today's balance, as the API computes it
    const me = (await (await page.request.get('/api/portal/demo/me')).json()) as { totalCents: number; debts: Array<{ externalId: string; status: string; creditor: { legalName: string; document: string }; balance: { total: number } | null }> };
    expect(await page.getByText(`Total atualizado: ${brl(me.totalCents)}`).count()).toBe(1);
    for (const d of me.debts.filter((x) => x.status === 'open')) {
      const card = page.getByRole('article', { name: `Título ${d.externalId}` });
      expect(await card.textContent()).toContain(d.creditor.legalName);
      expect(await card.textContent()).toContain(brl(d.balance!.total));
    }
    await expectAccessible(page, 'portal: débitos');

    // the à vista offer, paid by PIX, accepted on the term shown
    await page.getByRole('button', { name: 'Ver propostas de pagamento' }).click();
    const cash = page.getByRole('article', { name: 'À vista' });
    await cash.getByRole('button', { name: 'Escolher esta' }).click();
    const term = page.getByLabel('Texto do termo de acordo');
    await term.waitFor();
    expect(await term.textContent()).toContain('Termo de acordo e confissão de dívida');
    await page.getByLabel('Li e aceito o termo de acordo').check();
    await page.getByRole('button', { name: 'Aceitar acordo' }).click();
    const agreementCard = page.getByRole('article', { name: /^Acordo / });
    await agreementCard.getByLabel('PIX copia e cola').waitFor();
    await expectAccessible(page, 'portal: acordo com PIX');

    // recorded as accepted by the debtor in the portal
    const agreement = await w.t.db.system(async ({ sql }) => (await sql.query<{ id: string; accepted_channel: string; accepted_by_debtor: boolean; creditor_id: string }>(`select * from agreements where debtor_id = $1 order by created_at desc limit 1`, [debtor.id])).rows[0]!);
    expect(agreement).toMatchObject({ accepted_channel: 'portal', accepted_by_debtor: true });

    // the PSP notifies the payment in the BCB format
    const admin = await loginAs(w.app, 'admin@demo.recupera.test', DEMO_PASSWORD);
    const charge = ((await w.app.inject({ method: 'GET', url: `/api/charges?agreementId=${agreement.id}`, headers: bearer(admin) })).json() as { items: Array<{ txid: string; amountCents: number; pixCopiaECola: string }> }).items[0]!;
    expect(await agreementCard.getByLabel('PIX copia e cola').inputValue()).toBe(charge.pixCopiaECola);
    const accounts = (await w.app.inject({ method: 'GET', url: '/api/collection-accounts', headers: bearer(admin) })).json() as { items: Array<{ id: string; creditorId: string }> };
    const account = accounts.items.find((a) => a.creditorId === agreement.creditor_id)!;
    const { pixWebhookPath } = (await w.app.inject({ method: 'POST', url: `/api/collection-accounts/${account.id}/webhook-token`, headers: bearer(admin) })).json() as { pixWebhookPath: string };
    const cents = charge.amountCents;
    const valor = `${(cents - (cents % 100)) / 100}.${String(cents % 100).padStart(2, '0')}`;
    const notice = await fetch(`${w.baseUrl}${pixWebhookPath}/pix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pix: [{ endToEndId: 'E00000000202611231500portal00001', txid: charge.txid, valor, horario: `${AS_OF}T15:00:00-03:00` }] }),
    });
    expect(notice.status, await notice.text()).toBe(200);

    await page.reload();
    await expect.poll(() => agreementCard.locator('.badge').first().textContent()).toBe('Cumprido');
    expect(await agreementCard.textContent()).toContain(`paga em ${dateBR(AS_OF)}`);
    expect(await agreementCard.getByRole('link', { name: 'Carta de quitação em PDF' }).count()).toBe(1);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows the privacy notice and takes a data-subject request with a protocol and the 15-day deadline', async () => {
    const { page, context, errors } = await w.newPage({ mobile: true });
    await page.goto('/portal/demo/privacidade');
    await page.getByRole('heading', { name: 'Aviso de privacidade' }).waitFor();
    expect(await page.locator('article').textContent()).toContain('LGPD art. 7º, X');
    await expectAccessible(page, 'portal: privacidade');
    await page.getByLabel('Tipo de solicitação').selectOption('access');
    await page.getByLabel('Nome completo').fill('Maria da Silva Souza');
    await page.getByLabel('CPF ou CNPJ').fill('529.982.247-25');
    await page.getByRole('button', { name: 'Enviar solicitação' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('e-mail ou telefone');
    await page.getByLabel('E-mail para a resposta').fill('maria@example.com');
    await page.getByRole('button', { name: 'Enviar solicitação' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('resposta até 08/12/2026');
    const stored = await w.t.db.system(async ({ sql }) => (await sql.query<{ kind: string; due_on: string }>(`select kind, to_char(due_on, 'YYYY-MM-DD') as due_on from data_subject_requests`)).rows);
    expect(stored).toEqual([{ kind: 'access', due_on: '2026-12-08' }]);

    await page.getByRole('link', { name: 'Dicas financeiras' }).click();
    await page.getByRole('heading', { name: 'Dicas para organizar suas finanças' }).waitFor();
    await expectAccessible(page, 'portal: dicas');
    await context.close();
    expect(errors).toEqual([]);
  });
});
