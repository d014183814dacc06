import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { Badge, Card, ErrorBox, Field, Loading, Page, Stat, Success } from '../components/ui.tsx';
import { brl, dateBR, parseBrl } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { DISPOSITION, STAGE, label } from '../labels.ts';

interface NextCase {
  case: {
    debtorId: string;
    name: string;
    documentMasked: string;
    kind: string;
    uf: string | null;
    score: number | null;
    band: string | null;
    segment: string | null;
    stage: string;
    daysPastDue: number;
    callbackAt: string | null;
    phones: Array<{ contactPointId: string; number: string; kind: string | null; verified: boolean }>;
    debts: Array<{ debtId: string; externalId: string; dueDate: string; originalAmountCents: number; disputed: boolean }>;
    creditor: { id: string; name: string } | null;
    balance: { totalCents: number } | null;
    pendingPromise: { amountCents: number; promisedFor: string } | null;
    script: string;
  } | null;
  waiting?: number;
}

/** Outcomes a collector taps after a call; the ones needing details open a small form. */
const QUICK = ['no_answer', 'busy', 'voicemail', 'right_party_contact', 'refused', 'third_party'] as const;

function phoneBR(e164: string): string {
  const d = e164.replace(/^\+55/, '');
  return d.length === 11 ? `(${d.slice(0, 2)}) ${d.slice(2, 7)}-${d.slice(7)}` : d.length === 10 ? `(${d.slice(0, 2)}) ${d.slice(2, 6)}-${d.slice(6)}` : e164;
}

/** The collector's screen: the next case with the call script filled in, and one button per call outcome. */
export function QueuePage() {
  const next = useLoad(() => api.get<NextCase>('/api/queue/next'), []);
  const [phoneId, setPhoneId] = useState<string | null>(null);
  const [detail, setDetail] = useState<'promise' | 'callback' | 'wrong_number' | 'dispute' | null>(null);
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState('');
  const [callbackAt, setCallbackAt] = useState('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();

  if (next.error) return <ErrorBox error={next.error} />;
  if (!next.data) return <Loading what="Buscando o próximo caso" />;
  const c = next.data.case;
  if (!c)
    return (
      <Page title="Minha fila">
        <p>Nenhum caso pronto agora. Os que esperam (fora do horário de contato, retorno agendado, limite de tentativas) voltam sozinhos à fila.</p>
      </Page>
    );
  const dialed = phoneId ?? c.phones[0]?.contactPointId ?? null;

  const record = (code: string, extra: Record<string, unknown> = {}) =>
    action.run(async () => {
      await api.post(`/api/cases/${c.debtorId}/dispositions`, { code, ...(dialed ? { contactPointId: dialed } : {}), ...(note.trim() ? { note: note.trim() } : {}), ...extra });
      setDone(`${label(DISPOSITION, code)} — registrado para ${c.name}.`);
      setDetail(null);
      setNote('');
      setAmount('');
      setDate('');
      setCallbackAt('');
      setPhoneId(null);
      next.reload();
    });

  const submitDetail = () => {
    if (detail === 'promise') {
      const cents = parseBrl(amount);
      if (cents === null) return action.setError('Valor prometido: informe um valor como 1.234,56.');
      return record('promise', { amountCents: cents, promisedFor: date });
    }
    if (detail === 'callback') return record('callback', { callbackAt: callbackAt ? `${callbackAt}:00-03:00` : undefined });
    return record(detail!);
  };

  return (
    <Page title="Minha fila" actions={<Link to={`/devedores/${c.debtorId}`}>Abrir o caso completo</Link>}>
      <Success message={done} />
      <div className="grid cols-4">
        <Stat label="Devedor" value={c.name} hint={`${c.documentMasked} · ${c.uf ?? ''}`} />
        <Stat label="Saldo atualizado" value={brl(c.balance?.totalCents ?? null)} hint={c.creditor?.name} />
        <Stat label="Atraso" value={`${c.daysPastDue} dias`} hint={`estágio: ${label(STAGE, c.stage)}`} />
        <Stat label="Score" value={c.score !== null ? `${c.score} · ${c.band}` : '—'} hint={c.segment ? `segmento ${c.segment}` : undefined} />
      </div>
      {c.pendingPromise && (
        <p>
          <Badge tone="info">
            promessa de {brl(c.pendingPromise.amountCents)} para {dateBR(c.pendingPromise.promisedFor)}
          </Badge>
        </p>
      )}
      <div className="grid cols-2">
        <Card title="Roteiro da ligação">
          <pre className="script" tabIndex={0} aria-label="Roteiro">{c.script}</pre>
        </Card>
        <div>
          <Card title="Telefones">
            <fieldset className="radio-list">
              <legend className="sr-only">Telefone discado</legend>
              {c.phones.map((p) => (
                <label key={p.contactPointId}>
                  <input type="radio" name="phone" checked={dialed === p.contactPointId} onChange={() => setPhoneId(p.contactPointId)} />{' '}
                  <a href={`tel:${p.number}`}>{phoneBR(p.number)}</a> {p.kind === 'mobile' ? 'celular' : p.kind ?? ''} {p.verified && <Badge tone="good">verificado</Badge>}
                </label>
              ))}
              {c.phones.length === 0 && <p className="muted">Sem telefone utilizável.</p>}
            </fieldset>
          </Card>
          <Card title="Resultado da ligação">
            <div className="disposition-buttons" role="group" aria-label="Tabular a ligação">
              {QUICK.map((code) => (
                <button key={code} type="button" className="button" disabled={action.busy} onClick={() => record(code)}>
                  {label(DISPOSITION, code)}
                </button>
              ))}
              {(['promise', 'callback', 'wrong_number', 'dispute'] as const).map((code) => (
                <button key={code} type="button" className={`button ${detail === code ? 'primary' : ''}`} aria-pressed={detail === code} onClick={() => setDetail(detail === code ? null : code)}>
                  {label(DISPOSITION, code)}…
                </button>
              ))}
            </div>
            {detail && (
              <div className="inline-form wrap detail-form">
                {detail === 'promise' && (
                  <>
                    <Field label="Valor prometido (R$)">{(id) => <input id={id} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}</Field>
                    <Field label="Data prometida">{(id) => <input id={id} type="date" value={date} onChange={(e) => setDate(e.target.value)} />}</Field>
                  </>
                )}
                {detail === 'callback' && <Field label="Retornar em (horário de Brasília)">{(id) => <input id={id} type="datetime-local" value={callbackAt} onChange={(e) => setCallbackAt(e.target.value)} />}</Field>}
                {(detail === 'wrong_number' || detail === 'dispute') && <p className="muted">{detail === 'wrong_number' ? 'O telefone marcado acima será invalidado.' : 'Os títulos ficam pausados até a análise da contestação.'}</p>}
                <button type="button" className="button primary" disabled={action.busy} onClick={submitDetail}>
                  Registrar {label(DISPOSITION, detail).toLowerCase()}
                </button>
              </div>
            )}
            <Field label="Anotação (opcional)">{(id) => <textarea id={id} rows={2} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />}</Field>
            <ErrorBox error={action.error} />
          </Card>
        </div>
      </div>
    </Page>
  );
}
