import { useState } from 'react';
import { api } from '../../api.ts';
import { ChargeView } from '../../components/ChargeView.tsx';
import { Badge, Card, ErrorBox, Loading, Success } from '../../components/ui.tsx';
import { brl, dateBR, dateTimeBR } from '../../format.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { AGREEMENT_STATUS, CHANNEL, INSTALLMENT_STATUS, label } from '../../labels.ts';
import { useSession } from '../../session.tsx';
import type { Agreement, Charge, Page } from '../../types.ts';

const TONE: Record<string, 'neutral' | 'good' | 'warn' | 'bad' | 'info'> = { proposed: 'info', accepted: 'info', active: 'good', fulfilled: 'good', broken: 'bad', cancelled: 'neutral' };

export function AgreementsPanel({ debtorId, version, onChange }: { debtorId: string; version: number; onChange: () => void }) {
  const list = useLoad(() => api.get<Page<Agreement>>('/api/agreements', { debtorId }), [debtorId, version]);
  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <Loading what="Carregando acordos" />;
  if (list.data.items.length === 0) return null;
  return (
    <Card title="Acordos">
      {list.data.items.map((a) => (
        <AgreementItem key={a.id} agreement={a} onChange={() => (list.reload(), onChange())} />
      ))}
    </Card>
  );
}

function AgreementItem({ agreement: a, onChange }: { agreement: Agreement; onChange: () => void }) {
  const { can } = useSession();
  const [channel, setChannel] = useState('phone');
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();
  const live = a.status === 'accepted' || a.status === 'active';
  const charges = useLoad(() => (live || a.status === 'fulfilled' ? api.get<Page<Charge>>('/api/charges', { agreementId: a.id }) : Promise.resolve({ items: [] })), [a.id, a.status]);
  const chargeOf = new Map((charges.data?.items ?? []).map((c) => [c.installmentId, c]));

  const act = (fn: () => Promise<unknown>, done: string) =>
    action.run(async () => {
      await fn();
      setMessage(done);
      charges.reload();
      onChange();
    });

  return (
    <article className="agreement" aria-label={`Acordo ${a.number}`}>
      <header className="agreement-head">
        <h3>
          Acordo {a.number} <Badge tone={TONE[a.status] ?? 'neutral'}>{label(AGREEMENT_STATUS, a.status)}</Badge>{' '}
          {a.approval.status === 'pending' && <Badge tone="warn">aguarda aprovação</Badge>}
        </h3>
        <span>
          {brl(a.totalCents)} em {a.installmentCount} pagamento(s) · desconto {brl(a.discountCents)} sobre {brl(a.balanceCents)}
        </span>
      </header>
      {a.acceptance && (
        <p className="muted small">
          Aceito em {dateTimeBR(a.acceptance.at)} por {label(CHANNEL, a.acceptance.channel)}
        </p>
      )}
      {a.installments.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Parcelas do acordo {a.number}</caption>
            <thead>
              <tr>
                <th scope="col">Parcela</th>
                <th scope="col">Vencimento</th>
                <th scope="col" className="num">Valor</th>
                <th scope="col" className="num">Pago</th>
                <th scope="col">Situação</th>
              </tr>
            </thead>
            <tbody>
              {a.installments.map((i) => (
                <tr key={i.id}>
                  <td>{i.number === 0 ? 'Entrada' : `${i.number}ª`}</td>
                  <td>{dateBR(i.dueDate)}</td>
                  <td className="num">{brl(i.amountCents)}</td>
                  <td className="num">{brl(i.paidCents)}</td>
                  <td data-testid={`installment-status-${i.number}`}>{label(INSTALLMENT_STATUS, i.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        {a.status === 'proposed' && a.approval.status === 'pending' && can('agreements.approve') && (
          <button type="button" className="button" disabled={action.busy} onClick={() => act(() => api.post(`/api/agreements/${a.id}/approve`, { reason: 'Aprovado pelo supervisor na tela do caso' }), 'Proposta aprovada.')}>
            Aprovar fora da política
          </button>
        )}
        {a.status === 'proposed' && can('agreements.write') && (
          <span className="inline-form">
            <label htmlFor={`canal-${a.id}`}>Canal do aceite</label>
            <select id={`canal-${a.id}`} value={channel} onChange={(e) => setChannel(e.target.value)}>
              {['phone', 'email', 'whatsapp', 'in_person'].map((c) => (
                <option key={c} value={c}>
                  {label(CHANNEL, c)}
                </option>
              ))}
            </select>
            <button type="button" className="button primary" disabled={action.busy} onClick={() => act(() => api.post(`/api/agreements/${a.id}/accept`, { channel }), 'Aceite registrado.')}>
              Registrar aceite
            </button>
          </span>
        )}
        {live && can('charges.issue') && (
          <>
            <button type="button" className="button" disabled={action.busy} onClick={() => act(() => api.post(`/api/agreements/${a.id}/charges`, { kind: 'pix' }), 'PIX emitidos.')}>
              Emitir PIX
            </button>
            <button type="button" className="button" disabled={action.busy} onClick={() => act(() => api.post(`/api/agreements/${a.id}/charges`, { kind: 'boleto' }), 'Boletos emitidos.')}>
              Emitir boletos
            </button>
          </>
        )}
        <a className="button ghost-dark" href={`/api/agreements/${a.id}/documents/term`} target="_blank" rel="noreferrer">
          Termo (PDF)
        </a>
        {a.status === 'fulfilled' && (
          <a className="button ghost-dark" href={`/api/agreements/${a.id}/documents/discharge`} target="_blank" rel="noreferrer">
            Carta de quitação (PDF)
          </a>
        )}
        {can('documents.send') && a.status !== 'cancelled' && (
          <button type="button" className="button" disabled={action.busy} onClick={() => act(() => api.post(`/api/agreements/${a.id}/documents/${a.status === 'fulfilled' ? 'discharge' : 'term'}/send`, {}), 'Documento enviado ao e-mail do devedor.')}>
            Enviar {a.status === 'fulfilled' ? 'quitação' : 'termo'} por e-mail
          </button>
        )}
        {(a.status === 'proposed' || live) && can('agreements.write') && (
          <button type="button" className="button danger" disabled={action.busy} onClick={() => confirm('Cancelar este acordo? Os títulos voltam a ser cobrados.') && act(() => api.post(`/api/agreements/${a.id}/cancel`, { reason: 'Cancelado na tela do caso' }), 'Acordo cancelado.')}>
            Cancelar acordo
          </button>
        )}
      </div>
      <ErrorBox error={action.error} />
      <Success message={message} />
      {charges.data && charges.data.items.length > 0 && (
        <div className="charges">
          {a.installments
            .map((i) => ({ i, c: chargeOf.get(i.id) }))
            .filter((x) => x.c)
            .map(({ i, c }) => (
              <ChargeView key={c!.id} charge={c!} base="/api/charges" title={i.number === 0 ? 'Entrada' : `Parcela ${i.number}`} />
            ))}
        </div>
      )}
    </article>
  );
}
