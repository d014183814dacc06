import fs from 'node:fs';
import path from 'node:path';
import { parseRequest, z } from '../../api/zod.ts';
import { decodePix, encodePix } from '../../brazil/pix/br-code.ts';
import { pixQrPng, pixQrSvg } from '../../brazil/pix/qr.ts';
import { STATIC_TXID_NONE } from '../../brazil/pix/txid.ts';
import { AppError } from '../../shared/errors.ts';
import { readRequest } from '../input.ts';
import { printJson } from '../output.ts';

/** The JSON `pix decode` prints is the JSON `pix encode` reads; unknown fields are refused (a typo would vanish silently). */
const pixFieldsRequest = z.strictObject({
  key: z.string().nullable().default(null),
  amount: z.number().int('valor em centavos deve ser inteiro').nullable().default(null),
  merchantName: z.string(),
  merchantCity: z.string(),
  txid: z.string().default(STATIC_TXID_NONE),
  url: z.string().optional(),
  description: z.string().optional(),
  postalCode: z.string().optional(),
}, {
  error: (issue) =>
    issue.code === 'unrecognized_keys'
      ? `campo desconhecido ${issue.keys.map((k) => `"${k}"`).join(', ')} (os campos são key, amount, merchantName, merchantCity, txid, url, description e postalCode)`
      : undefined,
});

export async function pixEncodeCommand(file: string | undefined, options: { qr?: string }) {
  const extension = options.qr ? path.extname(options.qr).toLowerCase() : null;
  if (extension !== null && extension !== '.png' && extension !== '.svg') {
    throw new AppError('validation', `--qr ${options.qr}: use um arquivo .png ou .svg.`, { field: 'qr' });
  }
  const payload = encodePix(parseRequest(pixFieldsRequest, await readRequest(file)));
  if (options.qr) {
    fs.writeFileSync(options.qr, extension === '.png' ? await pixQrPng(payload) : await pixQrSvg(payload));
    process.stderr.write(`QR Code gravado em ${options.qr}\n`);
  }
  process.stdout.write(payload + '\n');
}

export async function pixDecodeCommand(payload: string) {
  printJson(decodePix(payload));
}
