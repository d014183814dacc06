import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { Card, ErrorBox, Field, Success } from '../../components/ui.tsx';
import { useAction } from '../../hooks.ts';

/** What POST /api/enrichment/lookup answers (the fields this form uses). */
interface LookupAnswer {
  found: boolean;
  cached: boolean;
  provider: string;
  result: {
    names: Array<{ value: string; role: string }>;
    addresses: Array<{ street: string; number: string | null; complement: string | null; district: string | null; city: string; uf: string; cep: string }>;
    phones: Array<{ value: string }>;
    emails: Array<{ value: string }>;
    company: { status: string | null } | null;
  } | null;
}

interface CepAnswer {
  found: boolean;
  result: { street: string | null; district: string | null; city: string; uf: string } | null;
}

const EMPTY = { document: '', name: '', phone1: '', phone2: '', email: '', street: '', number: '', complement: '', district: '', city: '', uf: '', cep: '' };

/**
 * "Novo devedor": typing a CNPJ fills the company's name, address, phones and e-mail from the
 * enrichment provider (the contacts so filled are saved unverified, with the provider as source);
 * typing a CEP fills the address.
 */
export function NewDebtorForm() {
  const navigate = useNavigate();
  const [form, setForm] = useState(EMPTY);
  const [filledBy, setFilledBy] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const lookup = useAction();
  const save = useAction();
  const set = (key: keyof typeof EMPTY) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const fillFromDocument = async () => {
    const digits = form.document.replace(/\D/g, '');
    if (digits.length !== 14) return;
    const answer = await lookup.run(() => api.post<LookupAnswer>('/api/enrichment/lookup', { document: form.document }));
    if (!answer) return;
    if (!answer.found || !answer.result) {
      setNote('CNPJ não encontrado no cadastro público; preencha os dados à mão.');
      return;
    }
    const r = answer.result;
    const address = r.addresses[0];
    setForm((f) => ({
      ...f,
      name: r.names.find((n) => n.role === 'legal_name')?.value ?? f.name,
      phone1: r.phones[0]?.value ?? '',
      phone2: r.phones[1]?.value ?? '',
      email: r.emails[0]?.value ?? '',
      ...(address ? { street: address.street, number: address.number ?? '', complement: address.complement ?? '', district: address.district ?? '', city: address.city, uf: address.uf, cep: address.cep } : {}),
    }));
    setFilledBy(answer.provider);
    setNote(`Dados preenchidos pelo provedor ${answer.provider}${answer.cached ? ' (cache)' : ''}${r.company?.status ? ` — situação cadastral: ${r.company.status}` : ''}. Confira antes de salvar.`);
  };

  const fillFromCep = async () => {
    if (form.cep.replace(/\D/g, '').length !== 8) return;
    const answer = await lookup.run(() => api.get<CepAnswer>('/api/enrichment/cep', { cep: form.cep }));
    if (!answer?.found || !answer.result) {
      if (answer) setNote('CEP não encontrado.');
      return;
    }
    const r = answer.result;
    setForm((f) => ({ ...f, street: r.street ?? f.street, district: r.district ?? f.district, city: r.city, uf: r.uf }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const source = filledBy ? `enrichment:${filledBy}` : 'manual';
    const contacts = [
      ...[form.phone1, form.phone2].filter((p) => p.trim()).map((value) => ({ channel: 'phone', value, source })),
      ...(form.email.trim() ? [{ channel: 'email', value: form.email, source }] : []),
      ...(form.street.trim() && form.city.trim() && form.cep.trim()
        ? [{ channel: 'address', address: { street: form.street, number: form.number || null, complement: form.complement || null, district: form.district || null, city: form.city, uf: form.uf, cep: form.cep }, source }]
        : []),
    ];
    const created = await save.run(() => api.post<{ id: string }>('/api/debtors', { document: form.document, name: form.name, contacts }));
    if (created) navigate(`/devedores/${created.id}`);
  };

  const text = (key: keyof typeof EMPTY, label: string, extra: { hint?: string; onBlur?: () => void; autoComplete?: string } = {}) => (
    <Field label={label} {...(extra.hint ? { hint: extra.hint } : {})}>
      {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={form[key]} onChange={(e) => set(key)(e.target.value)} {...(extra.onBlur ? { onBlur: () => void extra.onBlur!() } : {})} />}
    </Field>
  );

  return (
    <Card title="Novo devedor">
      <form onSubmit={submit} aria-label="Novo devedor" className="inline-form wrap">
        {text('document', 'CPF ou CNPJ', { hint: 'Com um CNPJ, os dados da empresa são preenchidos pelo cadastro público ao sair do campo.', onBlur: fillFromDocument })}
        {text('name', 'Nome ou razão social')}
        {text('phone1', 'Telefone')}
        {text('phone2', 'Telefone 2')}
        {text('email', 'E-mail')}
        {text('cep', 'CEP', { hint: 'Preenche o endereço ao sair do campo.', onBlur: fillFromCep })}
        {text('street', 'Logradouro')}
        {text('number', 'Número')}
        {text('complement', 'Complemento')}
        {text('district', 'Bairro')}
        {text('city', 'Cidade')}
        {text('uf', 'UF')}
        <div>
          <button type="button" className="button" onClick={() => void fillFromDocument()} disabled={lookup.busy}>
            Buscar dados do CNPJ
          </button>{' '}
          <button type="submit" className="button primary" disabled={save.busy}>
            Cadastrar devedor
          </button>
        </div>
      </form>
      <Success message={note} />
      <ErrorBox error={lookup.error ?? save.error} />
    </Card>
  );
}
