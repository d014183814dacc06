import { Fragment, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../api.ts';
import { Badge, Card, ErrorBox, Loading, Page, Stat } from '../components/ui.tsx';
import { brl, dateBR, dateTimeBR, maskDocument } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { CHANNEL, DEBT_STATUS, EVENT, label } from '../labels.ts';
import { useSession } from '../session.tsx';
import type { CaseView, DebtorBalance } from '../types.ts';
import { AgreementsPanel } from './case/AgreementsPanel.tsx';
import { OffersPanel } from './case/OffersPanel.tsx';
import { EnrichPanel } from './enrichment/EnrichPanel.tsx';

const COMPONENT_LABEL: Record<string, string> = { principal: 'Principal', correction: 'Correção', interest: 'Juros', fine: 'Multa', fees: 'Honorários/encargos' };

/** The case view: who the debtor is, how to reach them, what they owe (with the calculation memory), what happened, and the negotiation. */
export function CasePage() {
  const { debtorId = '' } = useParams();
  const { can } = useSession();
  const view = useLoad(() => api.get<CaseView>(`/api/debtors/${debtorId}/case`), [debtorId]);
  const balance = useLoad(() => api.get<DebtorBalance>(`/api/debtors/${debtorId}/balance`), [debtorId]);
  const score = useLoad(() => api.get<{ score: number; band: string; segment: string | null }>(`/api/debtors/${debtorId}/score`).catch(() => null), [debtorId]);
  const [reveal, setReveal] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const refresh = () => {
    view.reload();
    balance.reload();
    setVersion((v) => v + 1);
  };

  if (view.error) return <ErrorBox error={view.error} />;
  if (!view.data) return <Loading />;
  const { debtor, contacts, debts, events, summary } = view.data;
  const balanceOf = new Map(balance.data?.debts.map((d) => [d.debtId, d]) ?? []);

  return (
    <Page title={debtor.name}>
      <div className="grid cols-4">
        <Stat label={debtor.kind === 'pf' ? 'CPF' : 'CNPJ'} value={
          <>
            {reveal ? debtor.documentFormatted : maskDocument(debtor.document)}{' '}
            {debtor.kind === 'pf' && (
              <button type="button" className="link-button" onClick={() => setReveal(!reveal)} aria-pressed={reveal}>
                {reveal ? 'ocultar' : 'mostrar'}
              </button>
            )}
          </>
        } />
        <Stat label="Em aberto (valor original)" value={brl(summary.openAmountCents)} hint={`${summary.openDebts} título(s)`} />
        <Stat label="Saldo atualizado hoje" value={balance.data ? brl(balance.data.total) : '…'} hint={balance.data ? `em ${dateBR(balance.data.asOf)}` : undefined} />
        <Stat label="Score" value={score.data ? `${score.data.score} · ${score.data.band}` : '—'} hint={score.data?.segment ? `segmento ${score.data.segment}` : undefined} />
      </div>

      <div className="grid cols-2">
        <Card title="Contatos">
          <ul className="plain-list">
            {contacts.map((c) => (
              <li key={c.id}>
                <strong>{label(CHANNEL, c.channel)}</strong> {c.display}{' '}
                {c.isReference && <Badge tone="info">referência{c.referenceName ? `: ${c.referenceName}` : ''}</Badge>}{' '}
                {c.verified && <Badge tone="good">verificado</Badge>} {c.invalidAt && <Badge tone="bad">inválido</Badge>}{' '}
                {c.optedOutChannels.length > 0 && <Badge tone="warn">opt-out: {c.optedOutChannels.map((x) => label(CHANNEL, x)).join(', ')}</Badge>}
              </li>
            ))}
            {contacts.length === 0 && <li className="muted">Nenhum contato.</li>}
          </ul>
          <p className="muted small">
            {debtor.city ? `${debtor.city}/${debtor.uf}` : debtor.uf ?? ''} {debtor.birthDate ? `· nascimento ${dateBR(debtor.birthDate)}` : ''}
          </p>
        </Card>
        {can('enrichment.run') && can('debtors.write') && debtor.kind === 'pj' && <EnrichPanel debtorId={debtor.id} onDone={refresh} />}
        <Card title="Credores">
          <ul className="plain-list">
            {summary.creditors.map((c) => (
              <li key={c.id}>
                {c.legalName}: {c.openDebts} título(s), {brl(c.openAmountCents)}
              </li>
            ))}
          </ul>
        </Card>
      </div>

      <Card title="Títulos e memória de cálculo">
        <div className="table-wrap">
          <table>
            <caption>Saldo atualizado por título (clique em “memória” para ver o cálculo linha a linha)</caption>
            <thead>
              <tr>
                <th scope="col">Título</th>
                <th scope="col">Vencimento</th>
                <th scope="col">Situação</th>
                <th scope="col" className="num">Valor original</th>
                <th scope="col" className="num">Dias de atraso</th>
                <th scope="col" className="num">Saldo atualizado</th>
                <th scope="col">Cálculo</th>
              </tr>
            </thead>
            <tbody>
              {debts.map((d) => {
                const b = balanceOf.get(d.id);
                return (
                  <Fragment key={d.id}>
                    <tr>
                      <td>{d.externalId}</td>
                      <td>{dateBR(d.dueDate)}</td>
                      <td>
                        {label(DEBT_STATUS, d.status)} {d.disputedAt && <Badge tone="warn">contestado</Badge>}
                      </td>
                      <td className="num">{brl(d.originalAmountCents)}</td>
                      <td className="num">{b ? b.daysOverdue : '—'}</td>
                      <td className="num">{b ? brl(b.total) : '—'}</td>
                      <td>
                        {b && (
                          <button type="button" className="link-button" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                            memória
                          </button>
                        )}
                      </td>
                    </tr>
                    {b && open === d.id && (
                      <tr className="memory">
                        <td colSpan={7}>
                          <ul className="plain-list">
                            {b.memory.map((m, i) => (
                              <li key={i}>
                                <span className="memory-component">{COMPONENT_LABEL[m.component] ?? m.component}</span> {m.description}: <strong>{brl(m.amountCents)}</strong>
                              </li>
                            ))}
                          </ul>
                          <p>
                            {Object.entries(b.components).map(([k, v]) => `${COMPONENT_LABEL[k]} ${brl(v)}`).join(' · ')} — <strong>total {brl(b.total)}</strong>
                          </p>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>

      {can('offers.simulate') && summary.openDebts > 0 && <OffersPanel debtorId={debtorId} creditors={summary.creditors} onAgreement={refresh} />}
      <AgreementsPanel debtorId={debtorId} version={version} onChange={refresh} />

      <Card title="Linha do tempo">
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.occurredAt}>{dateTimeBR(e.occurredAt)}</time> <strong>{EVENT[e.type] ?? e.type}</strong>{' '}
              <span className="muted">{describeEvent(e.data)}</span>
            </li>
          ))}
        </ol>
      </Card>
    </Page>
  );
}

function describeEvent(data: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['reasonLabel', 'userName', 'channel', 'template', 'code', 'number', 'note']) {
    const v = data[key];
    if (typeof v === 'string' && v) parts.push(key === 'channel' ? label(CHANNEL, v) : v);
  }
  for (const key of ['amountCents', 'totalCents']) {
    const v = data[key];
    if (typeof v === 'number' && Number.isSafeInteger(v)) parts.push(brl(v));
  }
  return parts.join(' · ');
}
