import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasError, parsePix } from 'pix-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { pixWebhookSchema, type CobRequest, type CobvRequest } from './bcb-api.ts';
import { decodePix } from './br-code.ts';
import { createPspClient, type PspClient } from './psp-client.ts';
import { startStandInPsp, type StandInPsp } from './stand-in-psp.ts';
import { newTxid } from './txid.ts';

const KEY = '5f84a4c5-c5cb-4599-9f13-7eb4d419dacc';
const NOW = new Date('2026-03-10T15:00:00.000Z');

const cob = (amount = '150.00'): CobRequest => ({
  calendario: { expiracao: 3600 },
  devedor: { cpf: '52998224725', nome: 'Maria da Silva' },
  valor: { original: amount },
  chave: KEY,
  solicitacaoPagador: 'Acordo 123, parcela 1',
});
const cobv = (): CobvRequest => ({
  calendario: { dataDeVencimento: '2026-03-20', validadeAposVencimento: 30 },
  devedor: { cnpj: '11222333000181', nome: 'Empresa Devedora Ltda', cidade: 'Recife', uf: 'PE', cep: '50010000' },
  valor: { original: '980.10', multa: { modalidade: 2, valorPerc: '2.00' }, juros: { modalidade: 3, valorPerc: '1.00' } },
  chave: KEY,
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

/** A small receiver standing in for Recupera's webhook endpoint: records every request. */
async function startReceiver() {
  const requests: Array<{ method: string; url: string; contentType: string | undefined; body: unknown }> = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: requests.length }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('PSP client against the stand-in PSP', () => {
  let psp: StandInPsp;
  let client: PspClient;
  let clock = Date.now();

  beforeAll(async () => {
    psp = await startStandInPsp({ key: KEY, now: () => NOW, tokenTtlSeconds: 300 });
    client = createPspClient({ baseUrl: psp.url, clientId: psp.clientId, clientSecret: psp.clientSecret, now: () => clock });
  });
  afterAll(() => psp.close());

  it('creates an immediate charge whose pixCopiaECola is a dynamic BR Code pointing at a location that serves the charge', async () => {
    const txid = newTxid();
    const created = await client.createCob(txid, cob());
    expect(created).toMatchObject({ txid, revisao: 0, status: 'ATIVA', calendario: { criacao: NOW.toISOString(), expiracao: 3600 }, valor: { original: '150.00' }, chave: KEY });
    expect(created.loc).toMatchObject({ tipoCob: 'cob', location: created.location });
    expect(created.location).toMatch(new RegExp(`^${psp.url.replace('http://', '').replace(/\./g, '\\.')}/qr/v2/[0-9a-f]{32}$`));

    const code = decodePix(created.pixCopiaECola!);
    expect(code).toEqual({ key: null, amount: null, merchantName: 'RECUPERA TESTE', merchantCity: 'SAO PAULO', txid: '***', url: created.location });
    const theirs = parsePix(created.pixCopiaECola!); // pix-utils reads it too
    expect(!hasError(theirs) && theirs.type === 'DYNAMIC' && theirs.url).toBe(created.location);

    const served = await fetch(`http://${created.location}`); // what the payer's app fetches, without credentials
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ txid, revisao: 0, status: 'ATIVA', valor: { original: '150.00' }, chave: KEY, calendario: { apresentacao: NOW.toISOString() } });

    expect(await client.getCob(txid)).toEqual(created);
    expect(psp.charges.get(txid)).toEqual(created);
  });

  it('creates a charge with due date, fine and interest; a second PUT while ATIVA is a revision', async () => {
    const txid = newTxid();
    const created = await client.createCobv(txid, cobv());
    expect(created).toMatchObject({
      calendario: { dataDeVencimento: '2026-03-20', validadeAposVencimento: 30 },
      loc: { tipoCob: 'cobv' },
      valor: { original: '980.10', multa: { modalidade: 2, valorPerc: '2.00' } },
      recebedor: { nome: 'RECUPERA TESTE' },
    });
    expect(created.location).toMatch(/\/qr\/v2\/cobv\/[0-9a-f]{32}$/);
    expect((await client.getCobv(txid)).revisao).toBe(0);
    const revised = await client.createCobv(txid, { ...cobv(), valor: { original: '990.00' } });
    expect(revised).toMatchObject({ revisao: 1, valor: { original: '990.00' }, location: created.location, pixCopiaECola: created.pixCopiaECola });
    expect((await rejection(client.getCob(txid))).code).toBe('not_found'); // it is a cobv
  });

  it('caches the token until it expires, then asks for another; a token the PSP revoked is replaced once', async () => {
    const before = psp.tokensIssued();
    await client.getCob((await client.createCob(newTxid(), cob())).txid);
    expect(psp.tokensIssued()).toBe(before); // same token as the tests above

    clock += 300_000; // the 300 s announced by the PSP have gone by
    await client.createCob(newTxid(), cob());
    expect(psp.tokensIssued()).toBe(before + 1);

    psp.expireTokens(); // the PSP forgets every token before their time
    await client.createCob(newTxid(), cob());
    expect(psp.tokensIssued()).toBe(before + 2);
  });

  it('turns a 400 with violacoes into an AppError carrying the PSP detail and each violation', async () => {
    const error = await rejection(client.createCob(newTxid(), { ...cob(), chave: '+5511987654321' }));
    expect(error.code).toBe('validation');
    expect(error.field).toBe('cob.chave');
    expect(error.message).toMatch(/^O PSP recusou a criação da cobrança \w{35} \(HTTP 400, Cobrança inválida\.\): A requisição que busca alterar ou criar uma cobrança/);
    expect(error.message).toContain('O campo cob.chave corresponde a uma conta que não pertence a este usuário recebedor. [cob.chave]');
    expect(error.problems).toEqual([{ field: 'cob.chave', message: 'O campo cob.chave corresponde a uma conta que não pertence a este usuário recebedor.' }]);

    const past = await rejection(client.createCobv(newTxid(), { ...cobv(), calendario: { dataDeVencimento: '2026-03-09' } }));
    expect(past.field).toBe('cobv.calendario.dataDeVencimento');
  });

  it('the stand-in validates raw bodies with the API schemas (400 problem+json listing every violation)', async () => {
    const tokenResponse = await fetch(`${psp.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${psp.clientId}:${psp.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const response = await fetch(`${psp.url}/v2/cob/curto`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ calendario: {}, valor: { original: '1,00' }, chave: KEY, devedor: { cpf: '52998224725', cnpj: '11222333000181', nome: 'X' } }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { type: string; violacoes: Array<{ propriedade: string; valor?: string }> };
    expect(problem.type).toBe('https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida');
    expect(problem.violacoes.map((v) => v.propriedade)).toEqual(['txid', 'cob.devedor.cnpj', 'cob.valor.original']);
    expect(problem.violacoes[2]!.valor).toBe('1,00');

    expect((await fetch(`${psp.url}/v2/cob/${newTxid()}`)).status).toBe(401); // no token
    expect((await fetch(`${psp.url}/v2/cob/${newTxid()}`, { headers: { authorization: 'Bearer forjado' } })).status).toBe(401);
  });

  it('checks txid and body before sending anything', async () => {
    let calls = 0;
    const counting = createPspClient({ baseUrl: psp.url, clientId: psp.clientId, clientSecret: psp.clientSecret, fetch: (...args) => (calls++, fetch(...args)) });
    expect((await rejection(counting.createCob('PEDIDO-1', cob()))).field).toBe('txid');
    const bad = await rejection(counting.createCob(newTxid(), cob('1.5')));
    expect(bad.field).toBe('cob.valor.original');
    expect(bad.message).toBe('Campo cob.valor.original: valor no formato 123.45 (ponto decimal e 2 casas)');
    expect((await rejection(counting.setWebhook(KEY, 'ftp://x'))).field).toBe('webhook.webhookUrl');
    expect(calls).toBe(0);
  });

  it('refuses wrong credentials and an unreachable PSP with clear errors', async () => {
    const wrong = createPspClient({ baseUrl: psp.url, clientId: psp.clientId, clientSecret: 'errado' });
    const error = await rejection(wrong.getCob(newTxid()));
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toMatch(/credenciais OAuth .* HTTP 401/);
    const down = createPspClient({ baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' });
    expect((await rejection(down.getCob(newTxid()))).message).toMatch(/^Não foi possível falar com o PSP \(pedido de token\) em http:\/\/127\.0\.0\.1:9/);
  });
});

describe('webhook delivery by the stand-in PSP', () => {
  let psp: StandInPsp;
  let client: PspClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    psp = await startStandInPsp({ key: KEY, ispb: '12345678' });
    client = createPspClient({ baseUrl: psp.url, clientId: psp.clientId, clientSecret: psp.clientSecret });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await psp.close();
    await receiver.close();
  });

  it('pay() settles the charge and POSTs the BCB payload to {webhookUrl}/pix; the same endToEndId replays it', async () => {
    const txid = newTxid();
    await client.createCob(txid, cob('150.00'));
    expect(await psp.pay(txid)).toEqual({ status: 0, body: null }); // no webhook yet: paid, nobody told
    const second = newTxid();
    await client.createCob(second, cob('75.30'));

    await client.setWebhook(KEY, `${receiver.url}/webhooks/pix/segredo123`);
    expect(psp.webhooks.get(KEY)).toBe(`${receiver.url}/webhooks/pix/segredo123`);
    const paidAt = '2026-03-10T15:04:05.123Z';
    const answer = await psp.pay(second, { paidAt });
    expect(answer).toEqual({ status: 200, body: { received: 1 } });

    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/webhooks/pix/segredo123/pix', contentType: 'application/json' });
    const notice = pixWebhookSchema.parse(request!.body);
    expect(notice.pix).toHaveLength(1);
    const pix = notice.pix[0]!;
    expect(pix).toEqual({ endToEndId: pix.endToEndId, txid: second, valor: '75.30', chave: KEY, horario: paidAt });
    expect(pix.endToEndId).toMatch(/^E12345678202603101504[a-zA-Z0-9]{11}$/); // E + ISPB + yyyyMMddHHmm (UTC) + 11

    const charge = await client.getCob(second);
    expect(charge.status).toBe('CONCLUIDA');
    expect(charge.pix).toEqual([pix]);

    const replay = await psp.pay(second, { endToEndId: pix.endToEndId });
    expect(replay.status).toBe(200);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.body).toEqual(request!.body);

    expect((await rejection(psp.pay(second))).code).toBe('conflict'); // CONCLUIDA takes no other payment
    expect((await rejection(psp.pay(txid, { endToEndId: pix.endToEndId }))).code).toBe('conflict'); // that e2e settled another charge
    expect((await rejection(psp.pay(newTxid()))).code).toBe('not_found');
  });

  it('a registered URL ending in "/" still gets ".../pix"; an amount different from the charge is reported as paid', async () => {
    await client.setWebhook(KEY, `${receiver.url}/hook/`);
    const txid = newTxid();
    await client.createCobv(txid, { ...cobv(), calendario: { dataDeVencimento: '2099-01-31' } });
    await psp.pay(txid, { amountCents: 100_062 });
    const last = receiver.requests.at(-1)!;
    expect(last.url).toBe('/hook/pix');
    expect((last.body as { pix: Array<{ valor: string }> }).pix[0]!.valor).toBe('1000.62');
  });

  it('a webhook for a key that is not the receiver’s is refused by the PSP', async () => {
    const error = await rejection(client.setWebhook('outra@example.com', `${receiver.url}/x`));
    expect(error.code).toBe('validation');
    expect(error.field).toBe('chave');
  });
});
