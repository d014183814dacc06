import { useState } from 'react';
import { api } from '../api.ts';
import { Badge, Card, DataTable, ErrorBox, Field, Loading, Page, Success } from '../components/ui.tsx';
import { cpfCnpj, dateBR, dateTimeBR } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';

interface PrivacyRequest {
  id: string;
  protocol: string;
  kind: string;
  kindLabel: string;
  status: 'received' | 'in_progress' | 'answered' | 'refused';
  channel: 'portal' | 'staff';
  identityVerified: boolean;
  document: string;
  name: string;
  email: string | null;
  phone: string | null;
  message: string | null;
  receivedAt: string;
  dueOn: string;
  daysLeft: number | null;
  overdue: boolean;
  answer: string | null;
  legalSource: string | null;
  deletableFrom: string | null;
}
interface Detail extends PrivacyRequest {
  history: Array<{ at: string; action: string; fromStatus: string | null; toStatus: string | null; note: string | null; user: { name: string; role: string } | null }>;
  erasure: { decision: 'refuse' | 'anonymize'; answer: string; source: string; deletableFrom: string | null } | null;
}

const STATUS: Record<PrivacyRequest['status'], string> = { received: 'Recebida', in_progress: 'Em andamento', answered: 'Respondida', refused: 'Recusada' };

function Deadline({ r }: { r: PrivacyRequest }) {
  if (r.daysLeft === null) return <span>{dateBR(r.dueOn)}</span>;
  if (r.overdue) return <Badge tone="bad">{dateBR(r.dueOn)} — atrasada {-r.daysLeft} dia(s)</Badge>;
  return <Badge tone={r.daysLeft <= 5 ? 'warn' : 'neutral'}>{dateBR(r.dueOn)} — faltam {r.daysLeft} dia(s)</Badge>;
}

/** Privacidade (LGPD): the data subjects' requests with their deadlines, one request's actions, the ROPA. */
export function PrivacyPage() {
  const { can } = useSession();
  const write = can('privacy.write');
  const [due, setDue] = useState('open');
  const list = useLoad(() => api.get<{ items: PrivacyRequest[] }>('/api/privacy-requests', { limit: 100, ...(due ? { due } : {}) }), [due]);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Page title="Privacidade (LGPD)">
      <p className="muted">
        Solicitações de titulares: prazo de 15 dias (LGPD art. 19 II). Nada é informado antes de confirmada a identidade.{' '}
        <a href="/api/privacy/ropa?format=csv" download>Baixar o registro das operações de tratamento (CSV, art. 37)</a>
      </p>
      <ErrorBox error={list.error} />
      <Card title="Solicitações">
        <Field label="Mostrar">
          {(id) => (
            <select id={id} value={due} onChange={(e) => setDue(e.target.value)}>
              <option value="open">Abertas</option>
              <option value="overdue">Atrasadas</option>
              <option value="soon">Vencem em até 5 dias</option>
              <option value="">Todas</option>
            </select>
          )}
        </Field>
        {!list.data ? (
          <Loading />
        ) : (
          <DataTable
            caption="Solicitações de titulares"
            csvName="solicitacoes-lgpd"
            rowKey={(r) => r.id}
            rows={list.data.items}
            empty="Nenhuma solicitação."
            columns={[
              { header: 'Protocolo', cell: (r) => <button type="button" className="link-button" aria-label={`Abrir a solicitação ${r.protocol}`} onClick={() => setSelected(r.id)}>{r.protocol}</button>, csv: (r) => r.protocol },
              { header: 'Pedido', cell: (r) => r.kindLabel },
              { header: 'Titular', cell: (r) => `${r.name} (${cpfCnpj(r.document)})` },
              { header: 'Recebida em', cell: (r) => dateTimeBR(r.receivedAt) },
              { header: 'Prazo', cell: (r) => <Deadline r={r} />, csv: (r) => r.dueOn },
              { header: 'Identidade', cell: (r) => (r.identityVerified ? 'confirmada' : 'a confirmar') },
              { header: 'Situação', cell: (r) => STATUS[r.status] },
            ]}
          />
        )}
      </Card>
      {selected && <RequestDetail id={selected} write={write} onChange={list.reload} />}
    </Page>
  );
}

function RequestDetail({ id, write, onChange }: { id: string; write: boolean; onChange: () => void }) {
  const detail = useLoad(() => api.get<Detail>(`/api/privacy-requests/${id}`), [id]);
  const action = useAction();
  const [note, setNote] = useState('');
  const [answer, setAnswer] = useState('');
  const [reason, setReason] = useState<string | null>(null);
  const d = detail.data;
  const act = (path: string, body: unknown, message: string) =>
    action.perform(() => api.post(`/api/privacy-requests/${id}/${path}`, body), { message, then: () => (detail.reload(), onChange()) });
  if (!d) return <Card title="Solicitação">{detail.error ? <ErrorBox error={detail.error} /> : <Loading />}</Card>;
  const open = d.status === 'received' || d.status === 'in_progress';
  const refusal = reason ?? (d.erasure?.decision === 'refuse' ? d.erasure.answer : '');
  return (
    <Card title={`Solicitação ${d.protocol} — ${d.kindLabel}`}>
      <ErrorBox error={action.error} />
      <Success message={action.done} />
      <p>
        {d.name}, {cpfCnpj(d.document)} — {d.email ?? d.phone} — canal {d.channel === 'portal' ? 'portal' : 'equipe'} — <Deadline r={d} /> — {STATUS[d.status]}
      </p>
      {d.message && <p>Mensagem: {d.message}</p>}
      {d.answer && <p>Resposta: {d.answer}{d.legalSource ? ` (${d.legalSource})` : ''}</p>}
      {d.erasure && (
        <p role="status">
          <strong>Regra de guarda:</strong> {d.erasure.decision === 'refuse' ? `recusar — ${d.erasure.answer}` : 'nada impede: a resposta anonimiza os dados.'}
        </p>
      )}
      {d.identityVerified && (
        <p>
          Relatório de acesso: <a href={`/api/privacy-requests/${id}/report?format=pdf`} download>PDF</a> ·{' '}
          <a href={`/api/privacy-requests/${id}/report`} download>JSON (portabilidade)</a>
        </p>
      )}
      {write && open && (
        <div className="stack">
          {!d.identityVerified && (
            <Field label="Como a identidade foi confirmada">
              {(fid) => <input id={fid} value={note} onChange={(e) => setNote(e.target.value)} />}
            </Field>
          )}
          {!d.identityVerified && (
            <button type="button" className="button" disabled={action.busy} onClick={() => act('verify', { note }, 'Identidade confirmada.')}>Confirmar identidade</button>
          )}
          {d.identityVerified && d.status === 'received' && (
            <button type="button" className="button" disabled={action.busy} onClick={() => act('start', {}, 'Atendimento iniciado.')}>Iniciar atendimento</button>
          )}
          {d.status === 'in_progress' && (
            <>
              <Field label="Resposta ao titular" hint="Opcional para acesso e portabilidade">
                {(fid) => <textarea id={fid} value={answer} onChange={(e) => setAnswer(e.target.value)} />}
              </Field>
              <button type="button" className="button" disabled={action.busy} onClick={() => act('answer', answer ? { answer } : {}, 'Solicitação respondida.')}>Responder</button>
            </>
          )}
          <Field label="Motivo da recusa e fundamento legal">
            {(fid) => <textarea id={fid} value={refusal} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <button type="button" className="button ghost" disabled={action.busy} onClick={() => act('refuse', refusal ? { reason: refusal, ...(d.erasure?.decision === 'refuse' && reason === null ? { legalSource: d.erasure.source } : {}) } : {}, 'Solicitação recusada.')}>Recusar</button>
        </div>
      )}
      <DataTable
        caption="Histórico (não se altera)"
        rowKey={(_h, i) => String(i)}
        rows={d.history}
        columns={[
          { header: 'Quando', cell: (h) => dateTimeBR(h.at) },
          { header: 'Ação', cell: (h) => h.action },
          { header: 'Situação', cell: (h) => (h.toStatus ? `${h.fromStatus ? STATUS[h.fromStatus as PrivacyRequest['status']] : '—'} → ${STATUS[h.toStatus as PrivacyRequest['status']]}` : '—') },
          { header: 'Quem', cell: (h) => (h.user ? `${h.user.name} (${h.user.role})` : 'titular / sistema') },
          { header: 'Observação', cell: (h) => h.note ?? '—' },
        ]}
      />
    </Card>
  );
}
