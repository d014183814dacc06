import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

// jsqr is CommonJS whose module.exports is the function and also carries it as .default; .default is what TypeScript sees.
const jsQR = jsQRModule.default;

/** `recupera pix …` as an integrator runs it. */
function pix(args: string[], input?: unknown) {
  const result = spawnSync(process.execPath, ['bin/recupera.js', 'pix', ...args], {
    input: input === undefined ? undefined : typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Manual de Padrões para Iniciação do Pix (BCB), §2.6.3 and §2.7.2.
const MANUAL_STATIC =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const MANUAL_DYNAMIC =
  '00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4';

describe('recupera pix', () => {
  it('decode prints the fields; encode of that output gives the same payload back (static and dynamic)', () => {
    const decoded = pix(['decode', MANUAL_STATIC]);
    expect(decoded.code).toBe(0);
    expect(JSON.parse(decoded.stdout)).toEqual({ key: '123e4567-e12b-12d1-a456-426655440000', amount: null, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', txid: '***' });
    const encoded = pix(['encode'], decoded.stdout);
    expect(encoded).toMatchObject({ code: 0, stdout: MANUAL_STATIC + '\n' });

    const dynamic = pix(['decode', MANUAL_DYNAMIC]);
    expect(JSON.parse(dynamic.stdout)).toMatchObject({ key: null, url: 'pix.example.com/8b3da2f39a4140d1a91abd93113bd441' });
    expect(pix(['encode'], dynamic.stdout).stdout).toBe(MANUAL_DYNAMIC + '\n');
  });

  it('encode from a file with amount in centavos, accents removed, and a PNG QR that reads back to the payload', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pix-cli-'));
    const request = path.join(dir, 'pix.json');
    fs.writeFileSync(request, JSON.stringify({ key: 'cobranca@example.com.br', amount: 12345, merchantName: 'Cobrança São João', merchantCity: 'Brasília', txid: 'ACORDO42' }));
    const png = path.join(dir, 'pix.png');
    const encoded = pix(['encode', request, '--qr', png]);
    expect(encoded.code).toBe(0);
    const payload = encoded.stdout.trim();
    expect(payload).toContain('5406123.45');
    expect(JSON.parse(pix(['decode', payload]).stdout)).toEqual({
      key: 'cobranca@example.com.br', amount: 12345, merchantName: 'Cobranca Sao Joao', merchantCity: 'Brasilia', txid: 'ACORDO42',
    });
    const image = PNG.sync.read(fs.readFileSync(png));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(payload);

    const svg = path.join(dir, 'pix.svg');
    expect(pix(['encode', request, '--qr', svg]).code).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).toMatch(/^<svg /);
    fs.rmSync(dir, { recursive: true });
  });

  it('a bad CRC exits non-zero and names the CRC with expected and found', () => {
    const bad = pix(['decode', MANUAL_STATIC.slice(0, -4) + '1D3E']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('CRC do BR Code não confere: esperado 1D3D, encontrado 1D3E');
  });

  it('refuses bad input with exit code 2 and the field at fault, in Portuguese', () => {
    const long = pix(['encode'], { key: '52998224725', merchantName: 'Assessoria de Cobrança Nacional', merchantCity: 'SAO PAULO' });
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('campo 59 (nome do recebedor): 31 caracteres, o máximo é 25.');
    expect(pix(['encode'], { key: '52998224725', merchantName: 'X', merchantCity: 'Y', amount: 10.5 }).stderr).toContain('Campo amount: valor em centavos deve ser inteiro');
    expect(pix(['encode'], { key: '52998224725', merchantName: 'X', merchantCity: 'Y', valor: 100 }).stderr).toContain('campo desconhecido "valor"');
    expect(pix(['encode'], '{ not json').stderr).toContain('JSON inválido');
    const qr = pix(['encode', '--qr', 'qr.gif'], { key: '52998224725', merchantName: 'X', merchantCity: 'Y' });
    expect(qr).toMatchObject({ code: 2, stdout: '' });
    expect(qr.stderr).toContain('use um arquivo .png ou .svg');
    expect(pix(['decode', 'não é um BR Code']).stderr).toMatch(/^erro: campo 63 \(CRC\)/);
  });
});
