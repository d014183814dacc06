import { useState } from 'react';
import { api } from '../api.ts';
import { ChargeView } from '../components/ChargeView.tsx';
import { Badge, ErrorBox } from '../components/ui.tsx';
import { brl, cpfCnpj, dateBR, percent } from '../format.ts';
import { useAction } from '../hooks.ts';
import { AGREEMENT_STATUS, label } from '../labels.ts';
import type { Charge, Offer } from '../types.ts';
import type { PortalAgreement, PortalCreditor, PortalMe } from './types.ts';

const COMPONENTS: Array<[keyof PortalMe['components'], string]> = [
  ['principal', 'Valor original'],
  ['correction', 'Correção monetária'],
  ['interest', 'Juros'],
  ['fine', 'Multa'],
  ['fees', 'Honorários e encargos'],
];

/** The debtor's page: every debt itemized with its creditor, the offers, the acceptance, and how to pay. */
export function DebtsPage({ tenant, me, onChange }: { tenant: string; me: PortalMe; onChange: () => void }) {
  const open = me.debts.filter((d) => d.status === 'open');
  const live = me.agreements.filter((a) => ['proposed', 'accepted', 'active', 'fulfilled'].includes(a.status));
  return (
    <>
      <h1>Olá, {me.debtor.firstName}</h1>
      <p className="muted">
        {me.debtor.kind === 'pf' ? 'CPF' : 'CNPJ'} {me.debtor.document} · valores atualizados em {dateBR(me.asOf)}
      </p>
      {live.length > 0 && (
        <section aria-labelledby="acordos">
          <h2 id="acordos">Seus acordos</h2>
          {live.map((a) => (
            <AgreementCard key={a.id} tenant={tenant} agreement={a} onChange={onChange} />
          ))}
        </section>
      )}
      <section aria-labelledby="debitos">
        <h2 id="debitos">Débitos em aberto</h2>
        {open.length === 0 ? (
          <p>Não há débitos em aberto para negociar. {me.agreements.some((a) => a.status === 'fulfilled') && 'Seus acordos cumpridos aparecem quitados.'}</p>
        ) : (
          <>
            <p className="stat-value" aria-label={`Total atualizado ${brl(me.totalCents)}`}>
              Total atualizado: {brl(me.totalCents)}
            </p>
            {open.map((d) => (
              <article key={d.id} className="debt-card" aria-label={`Título ${d.externalId}`}>
                <h3>
                  {d.creditor.tradeName ?? d.creditor.legalName} — {d.externalId} {d.disputed && <Badge tone="warn">em contestação</Badge>}
                </h3>
                <p className="small muted">
                  Credor: {d.creditor.legalName}, {d.creditor.documentKind === 'cnpj' ? 'CNPJ' : 'CPF'} {cpfCnpj(d.creditor.document)}
                  {d.description ? ` · ${d.description}` : ''}
                </p>
                <dl>
                  <dt>Vencimento</dt>
                  <dd>{dateBR(d.dueDate)}</dd>
                  {d.balance && (
                    <>
                      {COMPONENTS.filter(([k]) => d.balance!.components[k] !== 0).map(([k, name]) => (
                        <Row key={k} name={name} cents={d.balance!.components[k]} />
                      ))}
                      <dt><strong>Total hoje</strong></dt>
                      <dd><strong>{brl(d.balance.total)}</strong></dd>
                    </>
                  )}
                </dl>
              </article>
            ))}
            {me.creditors.filter((c) => c.negotiable).map((c) => (
              <Negotiate key={c.id} tenant={tenant} creditor={c} onAgreement={onChange} />
            ))}
          </>
        )}
      </section>
    </>
  );
}

function Row({ name, cents }: { name: string; cents: number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{brl(cents)}</dd>
    </>
  );
}

interface Proposal {
  agreement: PortalAgreement;
  term: { text: string; sha256: string };
}

/** Offers of one creditor's policy; choosing one shows the term, which the debtor accepts. */
function Negotiate({ tenant, creditor, onAgreement }: { tenant: string; creditor: PortalCreditor; onAgreement: () => void }) {
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const [method, setMethod] = useState<'pix' | 'boleto'>('pix');
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [agree, setAgree] = useState(false);
  const action = useAction();
  const name = creditor.tradeName ?? creditor.legalName;

  return (
    <section className="card" aria-label={`Negociar com ${name}`}>
      <h2>Negociar com {name}</h2>
      {!offers && (
        <button type="button" className="button primary" disabled={action.busy} onClick={() => action.run(async () => setOffers((await api.post<{ offers: Offer[] }>(`/api/portal/${tenant}/offers`, { creditorId: creditor.id })).offers))}>
          Ver propostas de pagamento
        </button>
      )}
      {offers && !proposal && (
        <>
          <fieldset>
            <legend>Como prefere pagar?</legend>
            <label className="check"><input type="radio" name={`forma-${creditor.id}`} checked={method === 'pix'} onChange={() => setMethod('pix')} /> PIX</label>
            <label className="check"><input type="radio" name={`forma-${creditor.id}`} checked={method === 'boleto'} onChange={() => setMethod('boleto')} /> Boleto</label>
          </fieldset>
          <div className="offers">
            {offers.map((o) => (
              <article key={o.key} className="offer" aria-label={o.kind === 'cash' ? 'À vista' : `${o.installmentCount} pagamentos`}>
                <h3>{o.kind === 'cash' ? 'À vista' : `Entrada + ${o.installmentCount - 1}x`}</h3>
                <p className="offer-total">{brl(o.totalCents)}</p>
                <p className="small">
                  {o.kind === 'cash'
                    ? `pagamento único em ${dateBR(o.payments[0]!.dueDate)}`
                    : `entrada de ${brl(o.downPaymentCents)} e ${o.installmentCount - 1} parcelas de ${brl(o.payments[1]?.amountCents ?? 0)} (juros ${percent(o.monthlyRate, 2)} a.m.${o.cet ? `, CET ${percent(o.cet.monthly, 2)} a.m.` : ''})`}
                </p>
                <p className="small">
                  <Badge tone="good">desconto de {brl(o.discountCents)}</Badge>
                </p>
                <button
                  type="button"
                  className="button primary"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      setAgree(false);
                      setProposal(await api.post<Proposal>(`/api/portal/${tenant}/agreements`, { creditorId: creditor.id, installments: o.installmentCount, paymentMethod: method }));
                    })
                  }
                >
                  Escolher esta
                </button>
              </article>
            ))}
          </div>
          <p className="muted small">Propostas válidas até {offers[0] ? dateBR(offers[0].validUntil) : '—'}, calculadas sobre o valor atualizado de hoje.</p>
        </>
      )}
      {proposal && (
        <div>
          <h3>Termo de acordo {proposal.agreement.number}</h3>
          <pre className="script" tabIndex={0} aria-label="Texto do termo de acordo">{proposal.term.text}</pre>
          <label className="check">
            <input type="checkbox" checked={agree} onChange={(e) => setAgree(e.target.checked)} /> Li e aceito o termo de acordo
          </label>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              disabled={!agree || action.busy}
              onClick={() =>
                action.run(async () => {
                  await api.post(`/api/portal/${tenant}/agreements/${proposal.agreement.id}/accept`, { termsSha256: proposal.term.sha256 });
                  setProposal(null);
                  setOffers(null);
                  onAgreement();
                })
              }
            >
              Aceitar acordo
            </button>
            <button type="button" className="button" onClick={() => setProposal(null)}>Voltar às propostas</button>
          </div>
        </div>
      )}
      <ErrorBox error={action.error} />
    </section>
  );
}

function AgreementCard({ tenant, agreement: a, onChange }: { tenant: string; agreement: PortalAgreement; onChange: () => void }) {
  const action = useAction();
  const next = a.installments.find((i) => i.status === 'open');
  return (
    <article className="card" aria-label={`Acordo ${a.number}`}>
      <h3>
        Acordo {a.number} com {a.creditor.tradeName ?? a.creditor.legalName} <Badge tone={a.status === 'active' ? 'good' : 'info'}>{label(AGREEMENT_STATUS, a.status)}</Badge>
      </h3>
      <p>
        {brl(a.totalCents)} em {a.installmentCount} pagamento(s), com desconto de {brl(a.discountCents)}.{' '}
        <a href={`/api/portal/${tenant}/agreements/${a.id}/documents/term`} target="_blank" rel="noreferrer">Termo em PDF</a>
        {a.status === 'fulfilled' && (
          <>
            {' · '}
            <a href={`/api/portal/${tenant}/agreements/${a.id}/documents/discharge`} target="_blank" rel="noreferrer">Carta de quitação em PDF</a>
          </>
        )}
      </p>
      <ul className="plain-list small">
        {a.installments.map((i) => (
          <li key={`${i.number}`}>
            {i.number === 0 ? 'Entrada' : a.installmentCount === 1 ? 'Pagamento único' : `Parcela ${i.number}`} — {brl(i.amountCents)} em {dateBR(i.dueDate)}{' '}
            {i.status === 'paid' ? <Badge tone="good">paga em {dateBR(i.paidOn)}</Badge> : <Badge>{i.status === 'planned' ? 'a emitir' : 'em aberto'}</Badge>}
          </li>
        ))}
      </ul>
      {next && next.charges.filter((c) => c.status === 'open').map((c) => (
        <ChargeView key={c.id} charge={{ ...c, installmentId: next.id, agreementId: a.id, installmentNumber: next.number } as Charge} base={`/api/portal/${tenant}/charges`} title={`Próximo pagamento (${next.number === 0 ? 'entrada' : `parcela ${next.number}`})`} />
      ))}
      {next && next.charges.length === 0 && a.status !== 'proposed' && (
        <button type="button" className="button" disabled={action.busy} onClick={() => action.run(async () => (await api.post(`/api/portal/${tenant}/agreements/${a.id}/charges`), onChange()))}>
          Gerar {a.paymentMethod === 'pix' ? 'PIX' : 'boleto'}
        </button>
      )}
      <ErrorBox error={action.error} />
    </article>
  );
}
