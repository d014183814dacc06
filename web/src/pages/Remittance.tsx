import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api.ts';
import { Badge, Card, CreditorOptions, DataTable, ErrorBox, Field, Loading, Page, Stat } from '../components/ui.tsx';
import { csvMoney } from '../csv.ts';
import { brl, dateBR, dateTimeBR, fractionToPercentInput, parseBrl, percent, percentInputToFraction } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { Page as ApiPage, CreditorRef } from '../types.ts';

/** The "Repasses" screens: monthly statements per creditor (prestação de contas) and, for supervisors, the commission rules. */

interface StatementSummary {
  id: string;
  creditorId: string;
  creditorName: string;
  month: string;
  status: 'draft' | 'issued';
  number: string | null;
  issuedAt: string | null;
  recoveredCents: number | null;
  commissionCents: number | null;
  feesCents: number | null;
  netCents: number | null;
}

interface StatementLine {
  lineNo: number;
  kind: 'recovery' | 'excess';
  late: boolean;
  paidOn: string;
  debtorId: string;
  debtorName: string;
  debtorDocument: string;
  agreementNumber: string | null;
  debtExternalId: string | null;
  amountCents: number;
  daysPastDue: number | null;
  band: string;
  rate: string;
  commissionCents: number;
  netCents: number;
}

interface Statement {
  id: string;
  creditorId: string;
  status: 'draft' | 'issued';
  number: string | null;
  month: string;
  periodStart: string;
  periodEnd: string;
  issuedAt: string | null;
  agency: { name: string; document: string | null; address: string | null };
  creditor: { id: string; legalName: string; document: string; address: string };
  lines: StatementLine[];
  fees: Array<{ kind: string; description: string; count: number; unitCents: number; totalCents: number }>;
  totals: { recoveredCents: number; inPeriodCents: number; lateCents: number; excessCents: number; commissionCents: number; feesCents: number; netCents: number; payments: number };
  problems: string[];
  reconciliation: { paymentsInPeriodCents: number; paymentsInPeriodCount: number; latePaymentsCents: number; matches: boolean };
}

interface CommissionRule {
  id: string;
  creditorId: string;
  portfolioId: string | null;
  name: string;
  validFrom: string;
  validTo: string | null;
  basis: 'days_past_due' | 'amount_recovered';
  bands: Array<{ from: number; rate: string }>;
  monthlyFeeCents: number;
  perAgreementFeeCents: number;
  perPaymentFeeCents: number;
}

const MONTHS = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];
const monthLabel = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} de ${month.slice(0, 4)}`;
const STATUS: Record<string, string> = { draft: 'rascunho', issued: 'emitido' };
const BASIS: Record<string, string> = { days_past_due: 'dias em atraso no pagamento', amount_recovered: 'valor recuperado no mês' };

function previousMonth(): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

export function RemittancePage() {
  const { can, me } = useSession();
  const navigate = useNavigate();
  const [creditorId, setCreditorId] = useState('');
  const [month, setMonth] = useState('');
  const creditors = useLoad(() => api.get<ApiPage<CreditorRef>>('/api/creditors'), []);
  const list = useLoad(() => api.get<{ items: StatementSummary[] }>('/api/remittance/statements', { creditorId, month }), [creditorId, month]);
  const [newMonth, setNewMonth] = useState(previousMonth());
  const [newCreditor, setNewCreditor] = useState('');
  const action = useAction();
  const writer = can('remittance.write');

  return (
    <Page title="Repasses">
      <p className="muted">
        Prestação de contas mensal por credor: cada pagamento recebido, a comissão pela regra vigente, as taxas fixas e o líquido a repassar — conferida centavo a centavo com os pagamentos.
        {me?.creditorId ? ' Aqui aparecem os demonstrativos já emitidos para o seu credor.' : ''}
      </p>
      <Card>
        <div className="filters">
          <div className="field">
            <label htmlFor="repasse-credor">Credor</label>
            <select id="repasse-credor" value={creditorId} onChange={(e) => setCreditorId(e.target.value)}>
              <CreditorOptions creditors={creditors.data?.items ?? []} empty="todos" />
            </select>
          </div>
          <div className="field">
            <label htmlFor="repasse-mes">Mês</label>
            <input id="repasse-mes" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
          </div>
        </div>
      </Card>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading />
      ) : (
        <Card>
          <DataTable
            caption={`${list.data.items.length} demonstrativo(s)`}
            csvName="repasses"
            rowKey={(s) => s.id}
            rows={list.data.items}
            empty="Nenhum demonstrativo."
            columns={[
              { header: 'Mês', cell: (s) => <Link to={`/repasses/${s.id}`}>{monthLabel(s.month)}</Link>, csv: (s) => s.month },
              { header: 'Credor', cell: (s) => s.creditorName },
              { header: 'Situação', cell: (s) => <Badge tone={s.status === 'issued' ? 'good' : 'warn'}>{STATUS[s.status]}</Badge>, csv: (s) => STATUS[s.status] },
              { header: 'Número', cell: (s) => s.number ?? '—' },
              { header: 'Recebido', cell: (s) => brl(s.recoveredCents), csv: (s) => csvMoney(s.recoveredCents), numeric: true },
              { header: 'Comissão', cell: (s) => brl(s.commissionCents), csv: (s) => csvMoney(s.commissionCents), numeric: true },
              { header: 'Taxas', cell: (s) => brl(s.feesCents), csv: (s) => csvMoney(s.feesCents), numeric: true },
              { header: 'Líquido a repassar', cell: (s) => brl(s.netCents), csv: (s) => csvMoney(s.netCents), numeric: true },
            ]}
          />
        </Card>
      )}
      {writer && (
        <Card title="Abrir demonstrativo">
          <form
            className="filters"
            onSubmit={async (e) => {
              e.preventDefault();
              const created = await action.run(() => api.post<Statement>('/api/remittance/statements', { creditorId: newCreditor, month: newMonth }));
              if (created) navigate(`/repasses/${created.id}`);
            }}
          >
            <Field label="Credor">
              {(id) => (
                <select id={id} value={newCreditor} onChange={(e) => setNewCreditor(e.target.value)} required>
                  <CreditorOptions creditors={creditors.data?.items ?? []} empty="escolha…" />
                </select>
              )}
            </Field>
            <Field label="Mês">{(id) => <input id={id} type="month" value={newMonth} onChange={(e) => setNewMonth(e.target.value)} required />}</Field>
            <button type="submit" className="button primary" disabled={action.busy}>
              Abrir
            </button>
          </form>
          <ErrorBox error={action.error} />
        </Card>
      )}
      {writer && <CommissionRulesEditor creditors={creditors.data?.items ?? []} />}
    </Page>
  );
}

export function StatementPage() {
  const { statementId = '' } = useParams();
  const { can } = useSession();
  const statement = useLoad(() => api.get<Statement>(`/api/remittance/statements/${statementId}`), [statementId]);
  const action = useAction();
  if (statement.error) return <ErrorBox error={statement.error} />;
  if (!statement.data) return <Loading />;
  const s = statement.data;
  const t = s.totals;
  return (
    <Page
      title={`Prestação de contas — ${monthLabel(s.month)}`}
      actions={
        <>
          <a className="button ghost-dark" href={`/api/remittance/statements/${s.id}/statement.pdf`} download>
            Baixar PDF
          </a>{' '}
          <a className="button ghost-dark" href={`/api/remittance/statements/${s.id}/statement.csv`} download>
            Baixar CSV
          </a>
        </>
      }
    >
      <p>
        <strong>{s.creditor.legalName}</strong> — {s.creditor.document} · período {dateBR(s.periodStart)} a {dateBR(s.periodEnd)} ·{' '}
        {s.status === 'issued' ? (
          <Badge tone="good">
            emitido nº {s.number} em {dateTimeBR(s.issuedAt)}
          </Badge>
        ) : (
          <Badge tone="warn">rascunho: os valores podem mudar até a emissão</Badge>
        )}
      </p>
      <div className="grid cols-4" aria-label="Totais">
        <Stat label="Total recebido" value={<span data-testid="total-recebido">{brl(t.recoveredCents)}</span>} hint={`${t.payments} pagamento(s); atrasados ${brl(t.lateCents)}`} />
        <Stat label="Comissão" value={<span data-testid="total-comissao">{brl(t.commissionCents)}</span>} />
        <Stat label="Taxas fixas" value={<span data-testid="total-taxas">{brl(t.feesCents)}</span>} />
        <Stat label="Líquido a repassar" value={<span data-testid="total-liquido">{brl(t.netCents)}</span>} />
      </div>
      <p>
        {s.reconciliation.matches ? (
          <Badge tone="good">confere com os pagamentos</Badge>
        ) : (
          <Badge tone="bad">não confere com os pagamentos</Badge>
        )}{' '}
        <span className="muted small">
          Pagamentos do mês na base: {brl(s.reconciliation.paymentsInPeriodCents)} ({s.reconciliation.paymentsInPeriodCount}); comissão por linha, arredondada ao centavo.
        </span>
      </p>
      {s.problems.length > 0 && (
        <div className="error" role="alert">
          <p>O demonstrativo ainda não pode ser emitido:</p>
          <ul>
            {s.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {s.status === 'draft' && can('remittance.write') && (
        <div className="actions">
          <button
            type="button"
            className="button primary"
            disabled={action.busy}
            onClick={async () => {
              if (await action.run(() => api.post(`/api/remittance/statements/${s.id}/issue`))) statement.reload();
            }}
          >
            Emitir demonstrativo
          </button>
          <ErrorBox error={action.error} />
        </div>
      )}
      <Card>
        <DataTable
          caption={`${s.lines.length} linha(s)`}
          rowKey={(l) => String(l.lineNo)}
          rows={s.lines}
          empty="Nenhum pagamento no período."
          columns={[
            { header: 'Data', cell: (l) => <>{dateBR(l.paidOn)} {l.late && <Badge tone="info">atrasado</Badge>}</> },
            { header: 'Devedor', cell: (l) => (can('debtors.read') ? <Link to={`/devedores/${l.debtorId}`}>{l.debtorName}</Link> : l.debtorName) },
            { header: 'Documento', cell: (l) => l.debtorDocument },
            { header: 'Acordo / título', cell: (l) => [l.agreementNumber ? `acordo ${l.agreementNumber}` : null, l.debtExternalId].filter(Boolean).join(' / ') || '—' },
            { header: 'Recebido', cell: (l) => brl(l.amountCents), numeric: true },
            { header: 'Atraso (dias)', cell: (l) => (l.daysPastDue === null ? '—' : l.daysPastDue), numeric: true },
            { header: 'Faixa', cell: (l) => l.band },
            { header: '%', cell: (l) => percent(l.rate, 2), numeric: true },
            { header: 'Comissão', cell: (l) => brl(l.commissionCents), numeric: true },
            { header: 'Líquido', cell: (l) => brl(l.netCents), numeric: true },
          ]}
        />
      </Card>
      <Card title="Taxas fixas">
        <ul className="plain-list">
          {s.fees.map((f) => (
            <li key={`${f.kind}-${f.description}`}>
              {f.description}: {f.count} × {brl(f.unitCents)} = <strong>{brl(f.totalCents)}</strong>
            </li>
          ))}
          {s.fees.length === 0 && <li className="muted">Nenhuma.</li>}
        </ul>
      </Card>
      <p className="muted small">
        Prestadora: {s.agency.name}
        {s.agency.document ? ` — CNPJ ${s.agency.document}` : ''}
      </p>
    </Page>
  );
}

/** Bands typed as "0: 10; 91: 15; 181: 25" (start: percent). */
function parseBands(text: string, basis: string): Array<{ from: number; rate: string }> | null {
  const parts = text.split(';').map((p) => p.trim()).filter(Boolean);
  const bands = [];
  for (const part of parts) {
    const [fromText, rateText] = part.split(':').map((x) => x?.trim() ?? '');
    const from = basis === 'amount_recovered' ? parseBrl(fromText ?? '') ?? (fromText === '0' ? 0 : null) : /^\d+$/.test(fromText ?? '') ? Number(fromText) : null;
    const rate = percentInputToFraction(rateText ?? '');
    if (from === null || rate === null) return null;
    bands.push({ from, rate });
  }
  return bands.length ? bands : null;
}

function bandsText(rule: CommissionRule): string {
  return rule.bands.map((b) => `${rule.basis === 'amount_recovered' ? brl(b.from) : b.from}: ${fractionToPercentInput(b.rate)}%`).join('; ');
}

function CommissionRulesEditor({ creditors }: { creditors: Array<CreditorRef> }) {
  const rules = useLoad(() => api.get<{ items: CommissionRule[] }>('/api/commission-rules'), []);
  const action = useAction();
  const [form, setForm] = useState({ creditorId: '', name: '', validFrom: '', validTo: '', basis: 'days_past_due', bands: '0: 10; 91: 15; 181: 25', monthly: '0,00', perAgreement: '0,00', perPayment: '0,00' });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const nameOf = (id: string) => creditors.find((c) => c.id === id)?.legalName ?? id;
  return (
    <Card title="Regras de comissão">
      <ErrorBox error={rules.error} />
      <DataTable
        caption="Regras por credor (a da carteira prevalece sobre a padrão do credor)"
        rowKey={(r) => r.id}
        rows={rules.data?.items ?? []}
        empty="Nenhuma regra: sem regra vigente, o demonstrativo não pode ser emitido."
        columns={[
          { header: 'Credor', cell: (r) => nameOf(r.creditorId) },
          { header: 'Regra', cell: (r) => `${r.name}${r.portfolioId ? ' (carteira)' : ' (padrão)'}` },
          { header: 'Vigência', cell: (r) => `${dateBR(r.validFrom)} a ${r.validTo ? dateBR(r.validTo) : 'sem fim'}` },
          { header: 'Faixas', cell: (r) => `${BASIS[r.basis]}: ${bandsText(r)}` },
          { header: 'Taxas fixas', cell: (r) => `mensal ${brl(r.monthlyFeeCents)} · acordo ${brl(r.perAgreementFeeCents)} · pagamento ${brl(r.perPaymentFeeCents)}` },
          {
            header: 'Ações',
            cell: (r) => (
              <button type="button" className="link-button" aria-label={`Excluir a regra ${r.name}`} onClick={() => void action.perform(() => api.delete(`/api/commission-rules/${r.id}`), { then: rules.reload })}>
                excluir
              </button>
            ),
          },
        ]}
      />
      <form
        className="filters"
        onSubmit={async (e) => {
          e.preventDefault();
          const bands = parseBands(form.bands, form.basis);
          const fees = [form.monthly, form.perAgreement, form.perPayment].map((v) => parseBrl(v) ?? (v.trim() === '0' || v.trim() === '0,00' ? 0 : null));
          if (!bands) return action.setError('Faixas: use "início: percentual" separados por ";" (ex.: 0: 10; 91: 15; 181: 25).');
          if (fees.some((f) => f === null)) return action.setError('Taxas fixas: valores em reais (ex.: 500,00).');
          const saved = await action.run(() =>
            api.post('/api/commission-rules', {
              creditorId: form.creditorId, name: form.name, validFrom: form.validFrom, validTo: form.validTo || null, basis: form.basis, bands,
              monthlyFeeCents: fees[0], perAgreementFeeCents: fees[1], perPaymentFeeCents: fees[2],
            }),
          );
          if (saved) rules.reload();
        }}
      >
        <Field label="Credor">
          {(id) => (
            <select id={id} value={form.creditorId} onChange={set('creditorId')} required>
              <CreditorOptions creditors={creditors} empty="escolha…" />
            </select>
          )}
        </Field>
        <Field label="Nome da regra">{(id) => <input id={id} value={form.name} onChange={set('name')} required minLength={2} />}</Field>
        <Field label="Vigente de">{(id) => <input id={id} type="date" value={form.validFrom} onChange={set('validFrom')} required />}</Field>
        <Field label="Vigente até (opcional)">{(id) => <input id={id} type="date" value={form.validTo} onChange={set('validTo')} />}</Field>
        <Field label="Faixas por">
          {(id) => (
            <select id={id} value={form.basis} onChange={set('basis')}>
              <option value="days_past_due">dias em atraso na data do pagamento</option>
              <option value="amount_recovered">valor recuperado no mês (R$)</option>
            </select>
          )}
        </Field>
        <Field label="Faixas (início: percentual)" hint="Ex.: 0: 10; 91: 15; 181: 25 — a primeira começa em 0">
          {(id, hint) => <input id={id} aria-describedby={hint} value={form.bands} onChange={set('bands')} required />}
        </Field>
        <Field label="Taxa mensal (R$)">{(id) => <input id={id} inputMode="decimal" value={form.monthly} onChange={set('monthly')} />}</Field>
        <Field label="Por acordo fechado (R$)">{(id) => <input id={id} inputMode="decimal" value={form.perAgreement} onChange={set('perAgreement')} />}</Field>
        <Field label="Por pagamento (R$)">{(id) => <input id={id} inputMode="decimal" value={form.perPayment} onChange={set('perPayment')} />}</Field>
        <button type="submit" className="button primary" disabled={action.busy}>
          Adicionar regra
        </button>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}
