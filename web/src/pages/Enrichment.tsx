import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { csvMoney } from '../csv.ts';
import { Badge, Card, DataTable, ErrorBox, Field, Loading, Page, Stat, Success } from '../components/ui.tsx';
import { brl, centsToInput, count, dateBR, dateTimeBR, maskDocument, parseBrl } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { ENRICHMENT_OUTCOME, label } from '../labels.ts';
import { useSession } from '../session.tsx';

/**
 * Integrações → Enriquecimento: the log of provider lookups (who, when, which document — a CPF
 * masked —, provider, outcome, cache, cost, legal basis) and today's budget, which the
 * administrator may change (docs/enrichment.md).
 */

interface Budget {
  day: string;
  budgetCents: number;
  maxLookups: number;
  spentCents: number;
  paidLookups: number;
  remainingCents: number;
  remainingLookups: number;
  budgetSource: 'tenant' | 'config';
}
interface Lookup {
  id: string;
  at: string;
  userId: string | null;
  userName: string | null;
  debtorId: string | null;
  document: string;
  documentFormatted: string;
  kind: 'document' | 'cep';
  provider: string;
  legalBasis: string;
  costCents: number;
  cached: boolean;
  outcome: string;
  error: string | null;
}
interface LookupPage {
  items: Lookup[];
  limit: number;
  offset: number;
  hasMore: boolean;
  today: Budget;
}

const PAGE = 50;
const TONE: Record<string, 'good' | 'warn' | 'bad' | 'neutral'> = { found: 'good', not_found: 'neutral', error: 'bad', budget_exceeded: 'warn', pending: 'warn' };
const PROVIDER: Record<string, string> = { brasilapi: 'BrasilAPI' };

/** What the log shows of the datum looked up: a CPF masked as everywhere else, a CNPJ whole, a CEP formatted. */
function shownDocument(l: Lookup): string {
  return l.kind === 'cep' ? `CEP ${l.documentFormatted}` : maskDocument(l.document);
}

export function EnrichmentPage() {
  const { can } = useSession();
  const [offset, setOffset] = useState(0);
  const log = useLoad(() => api.get<LookupPage>('/api/enrichment/lookups', { limit: PAGE, offset }), [offset]);
  const budget = log.data?.today;

  return (
    <Page title="Integrações: enriquecimento">
      <p className="muted">
        Cada consulta ao provedor de dados (CNPJ, CEP) fica registrada com quem consultou, a base legal (LGPD art. 7º, X — proteção do crédito) e o custo. Consultas servidas do cache são gratuitas; as pagas
        respeitam o orçamento diário da assessoria.
      </p>
      <ErrorBox error={log.error} />
      {!budget ? <Loading /> : <BudgetCard budget={budget} editable={can('enrichment.configure')} onSaved={log.reload} />}
      <Card title="Registro de consultas">
        {!log.data ? (
          <Loading />
        ) : (
          <>
            <DataTable
              caption={`Consultas mais recentes${log.data.offset ? ` (a partir da ${log.data.offset + 1}ª)` : ''}`}
              csvName="consultas-enriquecimento"
              rowKey={(l) => l.id}
              rows={log.data.items}
              empty="Nenhuma consulta registrada."
              columns={[
                { header: 'Quando', cell: (l) => dateTimeBR(l.at) },
                { header: 'Quem', cell: (l) => l.userName ?? 'sistema' },
                { header: 'Provedor', cell: (l) => PROVIDER[l.provider] ?? l.provider },
                {
                  header: 'Consultado',
                  cell: (l) => (l.debtorId ? <Link to={`/devedores/${l.debtorId}`}>{shownDocument(l)}</Link> : shownDocument(l)),
                  csv: (l) => shownDocument(l),
                },
                {
                  header: 'Resultado',
                  cell: (l) => (
                    <>
                      <Badge tone={TONE[l.outcome] ?? 'neutral'}>{label(ENRICHMENT_OUTCOME, l.outcome)}</Badge>
                      {l.error && <div className="muted">{l.error}</div>}
                    </>
                  ),
                  csv: (l) => label(ENRICHMENT_OUTCOME, l.outcome) + (l.error ? ` — ${l.error}` : ''),
                },
                { header: 'Cache', cell: (l) => (l.cached ? 'Sim (gratuita)' : 'Não') },
                { header: 'Custo', cell: (l) => brl(l.costCents), csv: (l) => csvMoney(l.costCents), numeric: true },
                { header: 'Base legal', cell: (l) => l.legalBasis },
              ]}
            />
            <span className="actions">
              <button type="button" className="button" disabled={offset === 0 || log.loading} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Mais recentes
              </button>
              <button type="button" className="button" disabled={!log.data.hasMore || log.loading} onClick={() => setOffset(offset + PAGE)}>
                Mais antigas
              </button>
            </span>
          </>
        )}
      </Card>
    </Page>
  );
}

function BudgetCard({ budget, editable, onSaved }: { budget: Budget; editable: boolean; onSaved: () => void }) {
  const [amount, setAmount] = useState(centsToInput(budget.budgetCents));
  const [lookups, setLookups] = useState(String(budget.maxLookups));
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    action.setError(null);
    action.setDone(null);
    const cents = parseBrl(amount);
    const max = /^\d{1,7}$/.test(lookups.trim()) ? Number(lookups.trim()) : null;
    const local: Record<string, string> = {};
    if (cents === null) local.dailyBudgetCents = 'Valor inválido: use reais e centavos, por exemplo 50,00.';
    if (max === null || max > 1_000_000) local.dailyMaxLookups = 'Informe um número inteiro de 0 a 1.000.000.';
    action.setFieldErrors(local);
    if (cents === null || max === null || max > 1_000_000) return;
    const r = await action.perform(() => api.put<Budget>('/api/enrichment/budget', { dailyBudgetCents: cents, dailyMaxLookups: max }), { then: onSaved });
    if (r.ok) {
      setAmount(centsToInput(r.value.budgetCents));
      setLookups(String(r.value.maxLookups));
      action.setDone(`Orçamento diário salvo: ${brl(r.value.budgetCents)} e ${count(r.value.maxLookups)} consultas pagas.`);
    }
  };

  return (
    <Card title={`Orçamento de hoje (${dateBR(budget.day)})`}>
      <div className="grid cols-4" data-testid="budget">
        <Stat label="Gasto hoje" value={`${brl(budget.spentCents)} de ${brl(budget.budgetCents)}`} hint={`restam ${brl(budget.remainingCents)}`} />
        <Stat label="Consultas pagas hoje" value={`${count(budget.paidLookups)} de ${count(budget.maxLookups)}`} hint={`restam ${count(budget.remainingLookups)}`} />
        <Stat label="Origem do limite" value={budget.budgetSource === 'tenant' ? 'Definido pela assessoria' : 'Padrão da instalação'} />
      </div>
      {editable ? (
        <form onSubmit={submit} aria-label="Orçamento diário">
          <ErrorBox error={action.error} />
          <div className="inline-form wrap">
            <Field label="Orçamento diário (R$)" hint="Em consultas pagas; o cache é gratuito." error={action.fieldErrors.dailyBudgetCents ?? null}>
              {(id, d) => <input id={id} aria-describedby={d} inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} />}
            </Field>
            <Field label="Consultas pagas por dia" error={action.fieldErrors.dailyMaxLookups ?? null}>
              {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" required value={lookups} onChange={(e) => setLookups(e.target.value)} />}
            </Field>
            <button type="submit" className="button primary" disabled={action.busy}>
              Salvar orçamento
            </button>
          </div>
          <Success message={action.done} />
        </form>
      ) : (
        <p className="muted">Só o administrador altera o orçamento (permissão enrichment.configure).</p>
      )}
    </Card>
  );
}
