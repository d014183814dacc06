import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInBrasilApi, type StandInBrasilApiServer } from '../../src/features/enrichment/stand-in-brasilapi.ts';
import { expectAccessible, logIn, startBrowserWorld, type BrowserWorld } from './support.ts';

/**
 * Enrichment in the back office, in Chromium: a CNPJ typed in the new-debtor form fills the
 * company's data from the BrasilAPI stand-in, a CEP fills the address, and "Enriquecer dados" on
 * the case adds what the record lacks, unverified.
 */
let w: BrowserWorld;
let brasilapi: StandInBrasilApiServer;
beforeAll(async () => {
  brasilapi = await startStandInBrasilApi();
  w = await startBrowserWorld({ ENRICHMENT_BRASILAPI_URL: brasilapi.url });
}, 180_000);
afterAll(async () => {
  await w?.close();
  await brasilapi?.close();
});

describe('enrichment from a single datum', () => {
  it('fills a new debtor from a CNPJ and a CEP, then enriches the case', async () => {
    const { page, context, errors } = await w.newPage();
    await logIn(page, 'analista');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Devedores' }).click();
    await page.getByRole('button', { name: 'Novo devedor' }).click();
    const form = page.getByRole('form', { name: 'Novo devedor' });
    await form.waitFor();
    await expectAccessible(page, 'novo devedor');

    await form.getByLabel('CEP').fill('80010-000');
    await form.getByLabel('Logradouro').focus();
    await expect.poll(() => form.getByLabel('Logradouro').inputValue()).toBe('Rua XV de Novembro');
    expect(await form.getByLabel('Cidade').inputValue()).toBe('Curitiba');

    await form.getByLabel('CPF ou CNPJ').fill('11.222.333/0001-81');
    await form.getByRole('button', { name: 'Buscar dados do CNPJ' }).click();
    await expect.poll(() => form.getByLabel('Nome ou razão social').inputValue()).toBe('PADARIA PAO DOURADO LTDA');
    expect(await form.getByLabel('Logradouro').inputValue()).toBe('AVENIDA PAULISTA');
    expect(await form.getByLabel('CEP').inputValue()).toBe('01310100');
    expect(await form.getByLabel('Telefone', { exact: true }).inputValue()).toBe('1132851234');
    expect(await form.getByLabel('E-mail').inputValue()).toBe('financeiro@paodourado.exemplo.test');
    expect(await page.getByRole('status').first().textContent()).toContain('situação cadastral: ATIVA');
    await expectAccessible(page, 'novo devedor preenchido');

    // the second phone left out on purpose: enrichment on the case brings it back, unverified
    await form.getByLabel('Telefone 2').fill('');
    await form.getByRole('button', { name: 'Cadastrar devedor' }).click();
    await page.getByRole('heading', { name: 'PADARIA PAO DOURADO LTDA' }).waitFor();
    await page.getByRole('button', { name: 'Enriquecer dados' }).click();
    const added = page.getByRole('list', { name: 'Contatos adicionados' });
    await added.waitFor();
    const lines = await added.locator('li').allTextContents();
    expect(lines).toContain('Telefone (11) 98765-4321 — adicionado');
    expect(lines.filter((l) => l.endsWith('já cadastrado'))).toHaveLength(3);
    await expectAccessible(page, 'caso enriquecido');
    await context.close();
    expect(errors).toEqual([]);
  });
});
