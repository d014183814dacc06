import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { Badge, Card, CreditorOptions, DataTable, ErrorBox, Field, Loading, Page, ShownOnce, Success } from '../components/ui.tsx';
import { dateTimeBR } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { CreditorRef } from '../types.ts';

interface Subscription {
  id: string;
  url: string;
  eventTypes: string[];
  creditorId: string | null;
  description: string | null;
  active: boolean;
  secretRotatedAt: string;
  createdAt: string;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  subscriptionId: string;
  url: string;
  replayOf: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  durationMs: number | null;
  deliveredAt: string | null;
  createdAt: string;
}
interface Catalogue {
  items: Array<{ type: string; label: string }>;
  retryDelaysMinutes: number[];
  maxAttempts: number;
}

const STATUS: Record<Delivery['status'], { text: string; tone: 'good' | 'warn' | 'bad' }> = {
  delivered: { text: 'Entregue', tone: 'good' },
  pending: { text: 'Pendente', tone: 'warn' },
  failed: { text: 'Falhou', tone: 'bad' },
};

/** Integrações → Webhooks: the agency's subscriptions, the delivery log and the replay button. */
export function WebhooksPage() {
  const { can } = useSession();
  const manage = can('webhooks.manage');
  const catalogue = useLoad(() => api.get<Catalogue>('/api/webhooks/event-types'), []);
  const subscriptions = useLoad(() => api.get<{ items: Subscription[] }>('/api/webhooks/subscriptions'), []);
  const creditors = useLoad(() => api.get<{ items: CreditorRef[] }>('/api/creditors'), []);
  const [status, setStatus] = useState('');
  const deliveries = useLoad(() => api.get<{ items: Delivery[] }>('/api/webhooks/deliveries', { limit: 100, ...(status ? { status } : {}) }), [status]);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const action = useAction();
  const labelOf = new Map(catalogue.data?.items.map((i) => [i.type, i.label]) ?? []);
  const creditorName = new Map(creditors.data?.items.map((c) => [c.id, c.legalName]) ?? []);

  // Each action reloads the lists it changed.
  const reloadBoth = () => (subscriptions.reload(), deliveries.reload());

  return (
    <Page title="Integrações: webhooks">
      <p className="muted">
        Os eventos escolhidos são enviados por POST, assinados (cabeçalho X-Recupera-Signature), a cada sistema cadastrado. Sem resposta 2xx, novas tentativas após{' '}
        {catalogue.data ? catalogue.data.retryDelaysMinutes.map(minutesText).join(', ') : '…'} (no máximo {catalogue.data?.maxAttempts ?? '…'} tentativas). O receptor descarta repetições pelo id do evento.
      </p>
      <ErrorBox error={subscriptions.error ?? deliveries.error ?? action.error} />
      <Success message={action.done} />
      {secret && (
        <ShownOnce title="Segredo da assinatura" value={secret.secret} dismissLabel="Já guardei o segredo" onDismiss={() => setSecret(null)}>
          Copie agora o segredo de <strong>{secret.url}</strong>: ele não será mostrado de novo.
        </ShownOnce>
      )}
      <Card title="Assinaturas">
        {!subscriptions.data ? (
          <Loading />
        ) : (
          <DataTable
            caption="Sistemas que recebem eventos"
            rowKey={(s) => s.id}
            rows={subscriptions.data.items}
            empty="Nenhuma assinatura."
            columns={[
              { header: 'URL', cell: (s) => <span style={{ wordBreak: 'break-all' }}>{s.url}</span>, csv: (s) => s.url },
              { header: 'Descrição', cell: (s) => s.description ?? '—' },
              { header: 'Eventos', cell: (s) => s.eventTypes.join(', ') },
              { header: 'Credor', cell: (s) => (s.creditorId ? (creditorName.get(s.creditorId) ?? s.creditorId) : 'Todos') },
              { header: 'Situação', cell: (s) => (s.active ? <Badge tone="good">Ativa</Badge> : <Badge>Inativa</Badge>), csv: (s) => (s.active ? 'Ativa' : 'Inativa') },
              ...(manage
                ? [
                    {
                      header: 'Ações',
                      cell: (s: Subscription) => (
                        <span className="actions">
                          <button type="button" className="link-button" disabled={action.busy} aria-label={`Testar ${s.url}`} onClick={() => action.perform(async () => {
                            const d = await api.post<Delivery>(`/api/webhooks/subscriptions/${s.id}/test`);
                            if (d.status !== 'delivered') throw new Error(`Teste não entregue: ${d.lastError ?? 'sem resposta'} (nova tentativa agendada).`);
                            return d;
                          }, { message: 'Teste entregue.', then: deliveries.reload })}>
                            Testar
                          </button>{' '}
                          <button type="button" className="link-button" disabled={action.busy} aria-label={`${s.active ? 'Desativar' : 'Ativar'} ${s.url}`} onClick={() => action.perform(() => api.patch(`/api/webhooks/subscriptions/${s.id}`, { active: !s.active }), { message: s.active ? 'Assinatura desativada.' : 'Assinatura ativada.', then: subscriptions.reload })}>
                            {s.active ? 'Desativar' : 'Ativar'}
                          </button>{' '}
                          <button type="button" className="link-button" disabled={action.busy} aria-label={`Trocar segredo de ${s.url}`} onClick={async () => {
                            const r = await action.perform(() => api.post<{ secret: string }>(`/api/webhooks/subscriptions/${s.id}/rotate-secret`), { message: 'Segredo trocado.' });
                            if (r.ok) setSecret({ url: s.url, secret: r.value.secret });
                          }}>
                            Trocar segredo
                          </button>{' '}
                          <button type="button" className="link-button" disabled={action.busy} aria-label={`Excluir ${s.url}`} onClick={() => {
                            if (window.confirm(`Excluir a assinatura ${s.url}? As entregas pendentes não serão enviadas.`)) void action.perform(() => api.delete(`/api/webhooks/subscriptions/${s.id}`), { message: 'Assinatura excluída.', then: reloadBoth });
                          }}>
                            Excluir
                          </button>
                        </span>
                      ),
                      csv: () => '',
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      {manage && catalogue.data && (
        <NewSubscription catalogue={catalogue.data} creditors={creditors.data?.items ?? []} busy={action.busy} onCreate={async (body) => {
          const r = await action.perform(() => api.post<Subscription & { secret: string }>('/api/webhooks/subscriptions', body), { message: 'Assinatura criada.', then: subscriptions.reload });
          if (r.ok) setSecret({ url: r.value.url, secret: r.value.secret });
          return r.ok;
        }} />
      )}
      <Card title="Registro de entregas">
        <Field label="Situação">
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Todas</option>
              <option value="pending">Pendentes</option>
              <option value="delivered">Entregues</option>
              <option value="failed">Com falha</option>
            </select>
          )}
        </Field>
        {!deliveries.data ? (
          <Loading />
        ) : (
          <DataTable
            caption="Entregas mais recentes (100)"
            csvName="entregas-webhook"
            rowKey={(d) => d.id}
            rows={deliveries.data.items}
            empty="Nenhuma entrega."
            columns={[
              { header: 'Evento', cell: (d) => labelOf.get(d.eventType) ?? d.eventType, csv: (d) => d.eventType },
              { header: 'Id do evento', cell: (d) => <code>{d.eventId.slice(0, 8)}…</code>, csv: (d) => d.eventId },
              { header: 'Ocorrido em', cell: (d) => dateTimeBR(d.occurredAt) },
              { header: 'Destino', cell: (d) => <span style={{ wordBreak: 'break-all' }}>{d.url}</span>, csv: (d) => d.url },
              { header: 'Situação', cell: (d) => <Badge tone={STATUS[d.status].tone}>{STATUS[d.status].text}{d.replayOf ? ' (reenvio)' : ''}</Badge>, csv: (d) => STATUS[d.status].text },
              { header: 'Tentativas', cell: (d) => d.attempts, numeric: true },
              { header: 'Última resposta', cell: (d) => d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—') },
              { header: 'Próxima tentativa', cell: (d) => (d.nextAttemptAt ? dateTimeBR(d.nextAttemptAt) : '—') },
              ...(manage
                ? [
                    {
                      header: 'Reenviar',
                      cell: (d: Delivery) => (
                        <button type="button" className="link-button" disabled={action.busy} aria-label={`Reenviar o evento ${d.eventId} para ${d.url}`} onClick={() => action.perform(() => api.post(`/api/webhooks/deliveries/${d.id}/replay`), { message: 'Reenvio agendado (mesmo evento, mesmo id): sai em até 1 minuto.', then: deliveries.reload })}>
                          Reenviar
                        </button>
                      ),
                      csv: () => '',
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
    </Page>
  );
}

function minutesText(m: number): string {
  return m < 60 ? `${m} min` : m % 1440 === 0 ? `${m / 1440} dia(s)` : `${m / 60} h`;
}

function NewSubscription({ catalogue, creditors, busy, onCreate }: {
  catalogue: Catalogue;
  creditors: CreditorRef[];
  busy: boolean;
  onCreate: (body: { url: string; eventTypes: string[]; creditorId: string | null; description: string | null }) => Promise<boolean>;
}) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [creditorId, setCreditorId] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onCreate({ url: url.trim(), eventTypes: types, creditorId: creditorId || null, description: description.trim() || null })) {
      setUrl('');
      setDescription('');
      setTypes([]);
    }
  };
  return (
    <Card title="Nova assinatura">
      <form onSubmit={submit}>
        <Field label="URL do receptor" hint="https://… do sistema que recebe os eventos (ERP, BI).">
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field label="Descrição">{(id) => <input id={id} value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <Field label="Credor" hint="Só os eventos deste credor, ou de todos.">
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={creditorId} onChange={(e) => setCreditorId(e.target.value)}>
              <CreditorOptions creditors={creditors} empty="Todos os credores" />
            </select>
          )}
        </Field>
        <fieldset>
          <legend>Eventos</legend>
          {catalogue.items.map((item) => (
            <label key={item.type} className="check">
              <input type="checkbox" checked={types.includes(item.type)} onChange={(e) => setTypes(e.target.checked ? [...types, item.type] : types.filter((t) => t !== item.type))} />{' '}
              {item.label} <code>{item.type}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button" disabled={busy || types.length === 0}>
          Criar assinatura
        </button>
      </form>
    </Card>
  );
}
