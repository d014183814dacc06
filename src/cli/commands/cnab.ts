import fs from 'node:fs';
import { parseCnabReturn } from '../../brazil/cnab/index.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * `recupera cnab parse FILE`: one JSON object per detail record (NDJSON), with exactly the keys
 * a reconciliation needs, in a fixed order. A bad file exits 2 with the line, positions and
 * field on stderr (via reportError) and prints nothing on stdout.
 */
export async function cnabParseCommand(file: string): Promise<number> {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError('file_unreadable', code === 'ENOENT' ? `Arquivo ${file} não encontrado.` : `Não foi possível ler ${file} (${code ?? (error as Error).message}).`);
  }
  const parsed = parseCnabReturn(content);
  const lines = parsed.details.map((d) =>
    JSON.stringify({
      line: d.line,
      bankCode: d.bankCode,
      nossoNumero: d.nossoNumero,
      occurrence: d.occurrence,
      amountPaid: d.amountPaid,
      paymentDate: d.paymentDate,
      creditDate: d.creditDate,
      fees: d.fees,
    }),
  );
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
