import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api.ts';
import { Card, CreditorOptions, DataTable, ErrorBox, Field, Loading, Page, Stat } from '../components/ui.tsx';
import { csvMoney } from '../csv.ts';
import { brl, count, dateBR, percent } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { CreditorRef, Dashboard, Page as ApiPage, Rate } from '../types.ts';

/** Axis ticks: whole reais, compact ("R$ 12 mil"), from integer centavos (the remainder is dropped, never a float). */
function axisBrl(cents: number): string {
  const reais = (cents - (cents % 100)) / 100;
  return `R$ ${new Intl.NumberFormat('pt-BR', { notation: 'compact' }).format(reais)}`;
}
/** Rates are ratios, not money: a chart may plot them as numbers. */
const ratePoint = (r: Rate) => (r === null ? null : Number(r) * 100);
const pct = (r: Rate) => percent(r, 1);

const COLORS = { bar: '#0b5d4b', second: '#0b4f8a', third: '#a35a00' };

export function DashboardPage() {
  const { me } = useSession();
  const [filters, setFilters] = useState({ creditorId: '', portfolioId: '', segment: '', from: '', to: '', granularity: 'month' });
  const creditors = useLoad(() => api.get<ApiPage<CreditorRef>>('/api/creditors'), []);
  const portfolios = useLoad(() => api.get<ApiPage<{ id: string; name: string; creditorId: string }>>('/api/portfolios'), []);
  const segments = useLoad(() => (me?.creditorId ? Promise.resolve({ items: [] }) : api.get<ApiPage<{ name: string }>>('/api/segments').catch(() => ({ items: [] }))), []);
  const data = useLoad(() => api.get<Dashboard>('/api/dashboard', filters), [JSON.stringify(filters)]);
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value, ...(k === 'creditorId' ? { portfolioId: '' } : {}) });
  const d = data.data;

  return (
    <Page title="Painel">
      <Card>
        <form className="filters" aria-label="Filtros do painel" onSubmit={(e) => e.preventDefault()}>
          <Field label="Credor">
            {(id) => (
              <select id={id} value={filters.creditorId} onChange={set('creditorId')}>
                <CreditorOptions creditors={creditors.data?.items ?? []} empty="todos" />
              </select>
            )}
          </Field>
          <Field label="Carteira">
            {(id) => (
              <select id={id} value={filters.portfolioId} onChange={set('portfolioId')}>
                <option value="">todas</option>
                {portfolios.data?.items.filter((p) => !filters.creditorId || p.creditorId === filters.creditorId).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {(segments.data?.items.length ?? 0) > 0 && (
            <Field label="Segmento">
              {(id) => (
                <select id={id} value={filters.segment} onChange={set('segment')}>
                  <option value="">todos</option>
                  {segments.data!.items.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label="De">{(id) => <input id={id} type="date" value={filters.from} onChange={set('from')} />}</Field>
          <Field label="Até">{(id) => <input id={id} type="date" value={filters.to} onChange={set('to')} />}</Field>
          <Field label="Agrupar por">
            {(id) => (
              <select id={id} value={filters.granularity} onChange={set('granularity')}>
                <option value="month">mês</option>
                <option value="week">semana</option>
              </select>
            )}
          </Field>
        </form>
      </Card>
      <ErrorBox error={data.error} />
      {!d ? (
        <Loading what="Calculando o painel" />
      ) : (
        <>
          <p className="muted">
            Período: {dateBR(d.period.from)} a {dateBR(d.period.to)}
          </p>
          <div className="grid cols-4" data-testid="summary">
            <Stat label="Recuperado no período" value={brl(d.summary.recoveredCents)} hint={`${count(d.summary.payments)} pagamento(s)`} />
            <Stat label="Taxa de recuperação" value={pct(d.summary.recoveryRate)} hint="recuperado ÷ (em aberto no início + recebido no período)" />
            <Stat label="Em aberto (fora de acordo)" value={brl(d.summary.openAmountCents)} hint={`${count(d.summary.openDebts)} títulos, ${count(d.summary.debtorsWithOpenDebts)} devedores`} />
            <Stat label="Em acordo vigente" value={brl(d.summary.inAgreementAmountCents)} hint={`${count(d.summary.agreementsActive)} acordo(s)`} />
            <Stat label="Acordos fechados" value={count(d.summary.agreementsMade)} hint={`${brl(d.summary.agreementsMadeCents)}`} />
            <Stat label="Cumpridos / quebrados" value={`${count(d.summary.agreementsFulfilled)} / ${count(d.summary.agreementsBroken)}`} />
            <Stat label="Promessas cumpridas" value={pct(d.summary.promisesKeptRate)} hint={`${d.summary.promisesKept} cumpridas, ${d.summary.promisesBroken} quebradas`} />
            <Stat label="Recebido em carteira no período" value={brl(d.summary.placedAmountCents)} />
          </div>

          <div className="grid cols-2">
            <Card title="Recuperado ao longo do tempo">
              <div className="chart" role="img" aria-label="Gráfico de barras do valor recuperado por período">
                <ResponsiveContainer>
                  <BarChart data={d.recoveredOverTime}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="label" />
                    <YAxis tickFormatter={axisBrl} width={90} />
                    <Tooltip formatter={(v) => brl(Number(v))} />
                    <Bar dataKey="amountCents" name="Recuperado" fill={COLORS.bar} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
              <DataTable
                caption="Recuperado por período"
                csvName="recuperado-por-periodo"
                rowKey={(r) => r.periodStart}
                rows={d.recoveredOverTime}
                columns={[
                  { header: 'Período', cell: (r) => r.label },
                  { header: 'Recuperado', cell: (r) => brl(r.amountCents), csv: (r) => csvMoney(r.amountCents), numeric: true },
                  { header: 'Pagamentos', cell: (r) => r.payments, numeric: true },
                  { header: 'Acordos', cell: (r) => r.agreements, numeric: true },
                ]}
              />
            </Card>
            <Card title="Aging da carteira">
              <div className="chart" role="img" aria-label="Gráfico de barras do valor em aberto por faixa de atraso">
                <ResponsiveContainer>
                  <BarChart data={d.aging}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="label" />
                    <YAxis tickFormatter={axisBrl} width={90} />
                    <Tooltip formatter={(v) => brl(Number(v))} />
                    <Bar dataKey="amountCents" name="Em aberto" fill={COLORS.second} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
              <DataTable
                caption="Em aberto por faixa de atraso"
                csvName="aging"
                rowKey={(r) => r.bucket}
                rows={d.aging}
                columns={[
                  { header: 'Faixa', cell: (r) => r.label },
                  { header: 'Títulos', cell: (r) => count(r.debts), csv: (r) => r.debts, numeric: true },
                  { header: 'Valor', cell: (r) => brl(r.amountCents), csv: (r) => csvMoney(r.amountCents), numeric: true },
                ]}
              />
            </Card>
          </div>

          <Card title="Funil da cobrança">
            <div aria-hidden="true">
              {d.funnel.map((f) => (
                <div key={f.stage} className="funnel-step">
                  <span>{f.label}</span>
                  <span className="funnel-bar" style={{ width: `${d.funnel[0]!.debtors ? Math.max(0.5, (f.debtors * 100) / d.funnel[0]!.debtors) : 0}%` }} />
                  <span className="num">{count(f.debtors)}</span>
                </div>
              ))}
            </div>
            <DataTable
              caption="Devedores em cada etapa"
              csvName="funil"
              rowKey={(r) => r.stage}
              rows={d.funnel}
              columns={[
                { header: 'Etapa', cell: (r) => r.label },
                { header: 'Devedores', cell: (r) => count(r.debtors), csv: (r) => r.debtors, numeric: true },
                { header: 'Da etapa anterior', cell: (r) => pct(r.rateFromPrevious), numeric: true },
                { header: 'Do início', cell: (r) => pct(r.rateFromStart), numeric: true },
              ]}
            />
          </Card>

          <Card title="Rolagem e cura">
            <div className="chart" role="img" aria-label="Gráfico de linhas das taxas de rolagem e de cura por mês">
              <ResponsiveContainer>
                <LineChart data={d.rollRates.map((r) => ({ label: r.label, cura: ratePoint(r.total.cureRate), rolagem: ratePoint(r.total.rollRate) }))}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis unit="%" />
                  <Tooltip formatter={(v) => `${String(v).replace('.', ',')} %`} />
                  <Legend />
                  <Line type="monotone" dataKey="cura" name="Cura" stroke={COLORS.bar} />
                  <Line type="monotone" dataKey="rolagem" name="Rolagem" stroke={COLORS.third} />
                </LineChart>
              </ResponsiveContainer>
            </div>
            <DataTable
              caption="Rolagem e cura por mês (títulos em aberto no início do mês)"
              csvName="rolagem-e-cura"
              rowKey={(r) => r.month}
              rows={d.rollRates}
              columns={[
                { header: 'Mês', cell: (r) => r.label },
                { header: 'Títulos', cell: (r) => count(r.total.debts), csv: (r) => r.total.debts, numeric: true },
                { header: 'Curados', cell: (r) => r.total.cured, numeric: true },
                { header: 'Rolaram', cell: (r) => r.total.rolled, numeric: true },
                { header: 'Taxa de cura', cell: (r) => pct(r.total.cureRate), numeric: true },
                { header: 'Taxa de rolagem', cell: (r) => pct(r.total.rollRate), numeric: true },
              ]}
            />
          </Card>

          <div className="grid cols-2">
            <Card title="Eficácia por canal">
              <DataTable
                caption="Envios e conversão em 7 dias por canal"
                csvName="eficacia-canais"
                rowKey={(r) => r.channel}
                rows={d.channelEffectiveness}
                columns={[
                  { header: 'Canal', cell: (r) => r.channelLabel },
                  { header: 'Enviadas', cell: (r) => count(r.sent), csv: (r) => r.sent, numeric: true },
                  { header: 'Entregues', cell: (r) => pct(r.deliveryRate), numeric: true },
                  { header: 'Falhas', cell: (r) => count(r.failed), csv: (r) => r.failed, numeric: true },
                  { header: 'Devedores', cell: (r) => count(r.debtorsReached), csv: (r) => r.debtorsReached, numeric: true },
                  { header: 'Conversão', cell: (r) => pct(r.conversionRate), numeric: true },
                ]}
              />
            </Card>
            <Card title="Eficácia por passo da régua">
              <DataTable
                caption="Envios e conversão em 7 dias por passo"
                csvName="eficacia-passos"
                rowKey={(r) => `${r.stepId}-${r.channel}-${r.template}`}
                rows={d.stepEffectiveness}
                columns={[
                  { header: 'Passo', cell: (r) => r.stepId },
                  { header: 'Canal', cell: (r) => r.channelLabel },
                  { header: 'Modelo', cell: (r) => r.template },
                  { header: 'Enviadas', cell: (r) => count(r.sent), csv: (r) => r.sent, numeric: true },
                  { header: 'Conversão', cell: (r) => pct(r.conversionRate), numeric: true },
                ]}
              />
            </Card>
          </div>

          {d.collectors && (
            <Card title="Ranking de operadores">
              <DataTable
                caption="Operadores por valor recebido no período"
                csvName="ranking-operadores"
                rowKey={(r) => r.userId}
                rows={d.collectors}
                columns={[
                  { header: '#', cell: (r) => r.rank, numeric: true },
                  { header: 'Operador', cell: (r) => r.name },
                  { header: 'Equipe', cell: (r) => r.team ?? '—' },
                  { header: 'Recebido', cell: (r) => brl(r.receivedCents), csv: (r) => csvMoney(r.receivedCents), numeric: true },
                  { header: 'Acordos', cell: (r) => r.agreements, numeric: true },
                  { header: 'Valor acordado', cell: (r) => brl(r.agreedCents), csv: (r) => csvMoney(r.agreedCents), numeric: true },
                  { header: 'Casos trabalhados', cell: (r) => r.casesWorked, numeric: true },
                  { header: 'Taxa de CPC', cell: (r) => pct(r.rightPartyContactRate), numeric: true },
                  { header: 'Taxa de promessa', cell: (r) => pct(r.promiseRate), numeric: true },
                  { header: 'Promessas cumpridas', cell: (r) => pct(r.promiseKeptRate), numeric: true },
                ]}
              />
            </Card>
          )}
        </>
      )}
    </Page>
  );
}
