import fs from 'node:fs';
import { AppError } from '../shared/errors.ts';

/** The whole text of a file, or of stdin when no file (or "-") is given. */
export async function readText(file: string | undefined): Promise<string> {
  if (file && file !== '-') {
    if (!fs.existsSync(file)) throw new AppError('validation', `Arquivo ${file} não encontrado.`);
    return fs.readFileSync(file, 'utf8');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A request as JSON: from a file, or from stdin when no file (or "-") is given. */
export async function readRequest(file: string | undefined): Promise<unknown> {
  const text = await readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('validation', `JSON inválido na entrada: ${(error as Error).message}`);
  }
}
