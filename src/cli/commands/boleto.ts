import { decodeBoleto } from '../../brazil/boleto/barcode.ts';
import { encodeBoletoRequest } from '../../brazil/boleto/request.ts';
import { today } from '../context.ts';
import { readRequest } from '../input.ts';
import { printJson } from '../output.ts';

/** `recupera boleto decode`: the due factor is read in the FEBRABAN window around --as-of (default today). */
export async function boletoDecodeCommand(input: string, options: { asOf?: string }) {
  printJson(decodeBoleto(input, { asOf: options.asOf ?? today() }));
}

/** `recupera boleto encode`: the same JSON in (file or stdin), barcode and line out. */
export async function boletoEncodeCommand(file: string | undefined) {
  printJson(encodeBoletoRequest(await readRequest(file)));
}
