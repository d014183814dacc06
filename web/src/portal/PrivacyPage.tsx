import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBox, Field } from '../components/ui.tsx';
import { dateBR } from '../format.ts';
import { useAction } from '../hooks.ts';
import type { PortalInfo } from './types.ts';

interface Receipt {
  protocol: string;
  dueOn: string;
  message: string;
}

/** The privacy notice (LGPD art. 9) and the data-subject request form (art. 18). */
export function PrivacyPage({ tenant, info }: { tenant: string; info: PortalInfo }) {
  const [form, setForm] = useState({ document: '', name: '', email: '', phone: '', kind: 'access', message: '' });
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const action = useAction();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const body = {
        document: form.document.replace(/\D/g, ''),
        name: form.name,
        kind: form.kind,
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
        ...(form.message.trim() ? { message: form.message.trim() } : {}),
      };
      setReceipt(await api.post<Receipt>(`/api/portal/${tenant}/privacy-requests`, body));
    });
  };
  const dpo = info.dpo;

  return (
    <article>
      <h1>Aviso de privacidade</h1>
      <p>
        <strong>{info.privacy.controller}</strong> trata seus dados pessoais para cobrar, em nome dos credores identificados em cada título, os débitos em aberto.
      </p>
      <h2>Base legal</h2>
      <p>{info.privacy.legalBasis}</p>
      <h2>Para que usamos seus dados</h2>
      <ul>
        {info.privacy.purposes.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <h2>Encarregado de dados (DPO)</h2>
      <p>
        {dpo.name ?? 'Encarregado de dados'}
        {dpo.email ? ` · ${dpo.email}` : info.email ? ` · ${info.email}` : ''}
        {dpo.phone ? ` · ${dpo.phone}` : ''}
      </p>
      <h2>Seus direitos</h2>
      <p>Você pode pedir, a qualquer tempo, e recebe resposta em até {info.privacy.responseDays} dias:</p>
      <ul>
        {info.privacy.rights.map((r) => (
          <li key={r.kind}>{r.label}</li>
        ))}
      </ul>
      <p className="muted small">A eliminação de dados pode ser recusada enquanto houver débito em aberto ou prazo legal de guarda (LGPD art. 16), com a explicação do motivo.</p>

      <form className="card" onSubmit={submit} aria-labelledby="solicitacao">
        <h2 id="solicitacao">Fazer uma solicitação</h2>
        <Field label="Tipo de solicitação">
          {(id) => (
            <select id={id} value={form.kind} onChange={set('kind')}>
              {info.privacy.rights.map((r) => (
                <option key={r.kind} value={r.kind}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Nome completo">{(id) => <input id={id} required autoComplete="name" value={form.name} onChange={set('name')} />}</Field>
        <Field label="CPF ou CNPJ">{(id) => <input id={id} required inputMode="numeric" value={form.document} onChange={set('document')} />}</Field>
        <Field label="E-mail para a resposta">{(id) => <input id={id} type="email" autoComplete="email" value={form.email} onChange={set('email')} />}</Field>
        <Field label="Ou telefone" hint="Informe e-mail ou telefone.">
          {(id, hint) => <input id={id} type="tel" aria-describedby={hint} autoComplete="tel" value={form.phone} onChange={set('phone')} />}
        </Field>
        <Field label="Detalhes (opcional)">{(id) => <textarea id={id} rows={3} maxLength={4000} value={form.message} onChange={set('message')} />}</Field>
        <ErrorBox error={action.error} />
        <button type="submit" className="button primary" disabled={action.busy}>
          Enviar solicitação
        </button>
        {receipt && (
          <p role="status" className="success">
            Solicitação recebida: protocolo <strong>{receipt.protocol}</strong>, resposta até {dateBR(receipt.dueOn)}. {receipt.message}
          </p>
        )}
      </form>
    </article>
  );
}
