import { isValidEmail, normalizeEmail } from '../../brazil/email.ts';
import { parsePhone, phoneProblemMessages } from '../../brazil/phones.ts';
import { formatCep, normalizeCep, ufOfCep } from '../../brazil/uf.ts';
import { AppError } from '../../shared/errors.ts';
import type { Tx } from '../../store/database.ts';
import type { PostalAddress } from '../../store/schema.ts';

/** Puts a contact in the one form we store and compare: E.164 phones, lowercase e-mails, one-line addresses. */
export function normalizeContact(input: {
  channel: 'phone' | 'email' | 'address';
  value?: string | undefined;
  address?: { street: string; number?: string | null | undefined; complement?: string | null | undefined; district?: string | null | undefined; city: string; uf: string; cep: string } | undefined;
}): { value: string; phoneKind: 'mobile' | 'landline' | null; address: PostalAddress | null } {
  if (input.channel === 'phone') {
    const parsed = parsePhone(input.value ?? '');
    if (!parsed.ok) throw new AppError('validation', phoneProblemMessages[parsed.problem], { field: 'value' });
    return { value: parsed.phone.e164, phoneKind: parsed.phone.kind, address: null };
  }
  if (input.channel === 'email') {
    const email = normalizeEmail(input.value ?? '');
    if (!isValidEmail(email)) throw new AppError('validation', 'e-mail inválido', { field: 'value' });
    return { value: email, phoneKind: null, address: null };
  }
  const a = input.address!;
  const cep = normalizeCep(a.cep);
  if (!/^\d{8}$/.test(cep)) throw new AppError('validation', 'CEP deve ter 8 dígitos', { field: 'address.cep' });
  if (ufOfCep(cep) !== a.uf) throw new AppError('validation', 'CEP não pertence à UF informada', { field: 'address.cep' });
  const address: PostalAddress = {
    street: a.street,
    number: a.number ?? null,
    complement: a.complement ?? null,
    district: a.district ?? null,
    city: a.city,
    uf: a.uf,
    cep,
  };
  return { value: addressLine(address), phoneKind: null, address };
}

/** "Rua X, 10 - apto 2, Centro, São Paulo/SP, CEP 01310-100": the one-line form addresses are compared in. */
export function addressLine(a: PostalAddress): string {
  const complement = a.complement ? ` - ${a.complement}` : '';
  const district = a.district ? `${a.district}, ` : '';
  return `${a.street}, ${a.number ?? 's/n'}${complement}, ${district}${a.city}/${a.uf}, CEP ${formatCep(a.cep)}`;
}

/** The debtor's own first valid postal address (not a reference contact's), or null. */
export async function postalAddressOf(tx: Tx, debtorId: string): Promise<PostalAddress | null> {
  const row = await tx.db
    .selectFrom('contact_points')
    .select('address')
    .where('debtor_id', '=', debtorId)
    .where('channel', '=', 'address')
    .where('invalid_at', 'is', null)
    .where('is_reference', '=', false)
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.address ?? null;
}
