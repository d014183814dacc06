import { useState } from 'react';
import { api } from '../../api.ts';
import { Badge, Card, CreditorOptions, ErrorBox, Field } from '../../components/ui.tsx';
import { brl, dateBR, parseBrl, percent } from '../../format.ts';
import { useAction } from '../../hooks.ts';
import type { Agreement, CreditorRef, Offer, OffersResult } from '../../types.ts';

/** The offers simulator: the policy's offers from the updated balance, or the analyst's own terms priced and checked against the policy. */
export function OffersPanel({ debtorId, creditors, onAgreement }: { debtorId: string; creditors: Array<CreditorRef>; onAgreement: () => void }) {
  const [creditorId, setCreditorId] = useState(creditors[0]!.id);
  const [includeNotYetDue, setIncludeNotYetDue] = useState(false);
  const [method, setMethod] = useState<'pix' | 'boleto'>('pix');
  const [installments, setInstallments] = useState('6');
  const [downPayment, setDownPayment] = useState('');
  const [result, setResult] = useState<OffersResult | null>(null);
  const [created, setCreated] = useState<Agreement | null>(null);
  const simulate = useAction();
  const create = useAction();

  const base = () => ({ creditorId, includeNotYetDue });
  const runSimulation = (withProposal: boolean) =>
    simulate.run(async () => {
      setCreated(null);
      const down = downPayment.trim() ? parseBrl(downPayment) : null;
      if (withProposal && downPayment.trim() && down === null) throw new Error('Entrada: informe um valor como 1.234,56.');
      const proposal = withProposal ? { installments: Number(installments), ...(down ? { downPaymentCents: down } : {}) } : undefined;
      setResult(await api.post<OffersResult>(`/api/debtors/${debtorId}/offers`, { ...base(), ...(proposal ? { proposal } : {}) }));
    });

  const createAgreement = (offer: Offer) =>
    create.run(async () => {
      const body = { debtorId, ...base(), installments: offer.installmentCount, paymentMethod: method, ...(offer.downPaymentCents && offer.kind === 'installments' && offer.key.startsWith('proposta') ? { downPaymentCents: offer.downPaymentCents } : {}) };
      const agreement = await api.post<Agreement>('/api/agreements', body);
      setCreated(agreement);
      onAgreement();
    });

  const offers = [...(result?.offers ?? []), ...(result?.proposal ? [result.proposal] : [])];
  return (
    <Card title="Simulador de propostas">
      <div className="inline-form wrap">
        {creditors.length > 1 && (
          <Field label="Credor">
            {(id) => (
              <select id={id} value={creditorId} onChange={(e) => setCreditorId(e.target.value)}>
                <CreditorOptions creditors={creditors} />
              </select>
            )}
          </Field>
        )}
        <label className="check">
          <input type="checkbox" checked={includeNotYetDue} onChange={(e) => setIncludeNotYetDue(e.target.checked)} /> incluir títulos a vencer
        </label>
        <Field label="Forma de pagamento">
          {(id) => (
            <select id={id} value={method} onChange={(e) => setMethod(e.target.value as 'pix' | 'boleto')}>
              <option value="pix">PIX</option>
              <option value="boleto">Boleto</option>
            </select>
          )}
        </Field>
        <button type="button" className="button primary" onClick={() => runSimulation(false)} disabled={simulate.busy}>
          Simular propostas
        </button>
      </div>
      <details className="proposal">
        <summary>Proposta personalizada</summary>
        <div className="inline-form wrap">
          <Field label="Pagamentos (1 = à vista)">
            {(id) => <input id={id} type="number" min={1} max={480} value={installments} onChange={(e) => setInstallments(e.target.value)} />}
          </Field>
          <Field label="Entrada (R$)" hint="opcional">
            {(id, hint) => <input id={id} aria-describedby={hint} inputMode="decimal" value={downPayment} onChange={(e) => setDownPayment(e.target.value)} placeholder="0,00" />}
          </Field>
          <button type="button" className="button" onClick={() => runSimulation(true)} disabled={simulate.busy}>
            Precificar proposta
          </button>
        </div>
      </details>
      <ErrorBox error={simulate.error ?? create.error} />
      {result && (
        <>
          <p className="muted">
            Política: {result.policy.name} · saldo atualizado {brl(result.balanceCents)} · piso {brl(result.floorCents)}
          </p>
          <div className="offers">
            {offers.map((o) => (
              <article key={o.key} className={`offer ${o.withinPolicy ? '' : 'outside'}`} aria-label={offerTitle(o)}>
                <h3>{offerTitle(o)}</h3>
                <p className="offer-total">{brl(o.totalCents)}</p>
                <p className="muted small">
                  desconto {brl(o.discountCents)}
                  {o.kind === 'installments' && ` · entrada ${brl(o.downPaymentCents)} · juros ${percent(o.monthlyRate, 2)} a.m.`}
                  {o.cet && ` · CET ${percent(o.cet.monthly, 2)} a.m.`}
                </p>
                <ul className="plain-list small">
                  {o.payments.slice(0, 4).map((p) => (
                    <li key={p.number}>
                      {p.number === 0 && o.kind === 'installments' ? 'Entrada' : `${p.number}ª`} em {dateBR(p.dueDate)}: {brl(p.amountCents)}
                    </li>
                  ))}
                  {o.payments.length > 4 && <li>… e mais {o.payments.length - 4}</li>}
                </ul>
                {!o.withinPolicy && (
                  <div>
                    <Badge tone="warn">fora da política: precisa de aprovação</Badge>
                    <ul className="small">
                      {o.violations.map((v, i) => (
                        <li key={i}>{typeof v === 'string' ? v : v.message}</li>
                      ))}
                    </ul>
                  </div>
                )}
                <p className="muted small">válida até {dateBR(o.validUntil)}</p>
                <button type="button" className="button primary" onClick={() => createAgreement(o)} disabled={create.busy}>
                  Criar acordo
                </button>
              </article>
            ))}
          </div>
        </>
      )}
      {created && (
        <p role="status" className="success">
          Acordo {created.number} criado ({created.status === 'proposed' ? 'proposto' : created.status}
          {created.approval.status === 'pending' ? ', aguardando aprovação do supervisor' : ''}). Registre o aceite do devedor abaixo.
        </p>
      )}
    </Card>
  );
}

function offerTitle(o: Offer): string {
  if (o.kind === 'cash') return 'À vista';
  return `${o.installmentCount} pagamentos${o.key.startsWith('proposta') ? ' (proposta)' : ''}`;
}
