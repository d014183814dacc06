/**
 * `boleto encode` as a request: the JSON that `boleto decode` prints, barcode and line optional
 * — when given they must be the ones the other fields produce, so a decode → edit → encode
 * round trip cannot silently carry a stale barcode.
 */
import { AppError } from '../../shared/errors.ts';
import { encodeBoleto, type Boleto } from './barcode.ts';

export function encodeBoletoRequest(request: unknown): Boleto {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new AppError('validation', 'Informe um objeto JSON {"bankCode","currency","amount","dueDate","freeField"}.', { field: 'body' });
  }
  const r = request as Record<string, unknown>;
  if (!('dueDate' in r)) throw new AppError('validation', 'Informe dueDate (AAAA-MM-DD) ou null para boleto sem vencimento.', { field: 'dueDate' });
  if (r.currency !== undefined && typeof r.currency !== 'string') throw new AppError('validation', 'currency deve ser texto: "9" (real) ou "0".', { field: 'currency' });
  const boleto = encodeBoleto({
    bankCode: r.bankCode as string,
    ...(r.currency === undefined ? {} : { currency: r.currency as string }),
    amount: r.amount as number,
    dueDate: r.dueDate as string | null,
    freeField: r.freeField as string,
  });
  for (const key of ['barcode', 'line'] as const) {
    if (r[key] === undefined || r[key] === null) continue;
    const given = typeof r[key] === 'string' ? (r[key] as string).replace(/[\s.\-]/g, '') : String(r[key]);
    if (given !== boleto[key]) {
      const label = key === 'barcode' ? 'Código de barras' : 'Linha digitável';
      throw new AppError('validation', `${label} informado (${given}) não confere com os demais campos, que dão ${boleto[key]}.`, { field: key });
    }
  }
  return boleto;
}
