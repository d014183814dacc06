import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';
import { maskPersonalData } from './personal-data.ts';

describe('personal data in logs', () => {
  it('masks CPF, CNPJ, e-mail and phone inside any text', () => {
    const text = 'devedor 529.982.247-25 (52998224725), empresa 11.222.333/0001-81, maria.silva@exemplo.test, (11) 98765-4321';
    const masked = maskPersonalData(text);
    for (const secret of ['529.982.247-25', '52998224725', '11.222.333/0001-81', 'maria.silva@', '98765-4321']) expect(masked).not.toContain(secret);
    expect(masked).toContain('***.982.247-**');
  });

  it('never writes them through the logger, in messages, fields, URLs or errors', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info({ cpf: '529.982.247-25', nested: { email: 'maria@exemplo.test' } }, 'buscando 52998224725');
    log.info({ req: { method: 'GET', url: '/api/debtors?document=52998224725' } }, 'request');
    log.error({ err: new Error('falha com (11) 98765-4321') }, 'erro');
    log.info({ password: 'segredo-123', token: 'abc' }, 'login');
    await new Promise((r) => setImmediate(r));
    const output = lines.join('');
    for (const secret of ['52998224725', '529.982.247-25', 'maria@exemplo.test', '98765-4321', 'segredo-123']) expect(output).not.toContain(secret);
    expect(output).toContain('buscando');
  });
});
