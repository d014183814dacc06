import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { Badge, Card, DataTable, ErrorBox, Loading, Page } from '../components/ui.tsx';
import { csvMoney } from '../csv.ts';
import { brl, dateBR } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { AGREEMENT_STATUS, label } from '../labels.ts';
import type { Agreement, Page as ApiPage } from '../types.ts';

/** Every agreement, by status; each row opens its case. */
export function AgreementsPage() {
  const [status, setStatus] = useState('');
  const list = useLoad(() => api.get<ApiPage<Agreement>>('/api/agreements', { status }), [status]);
  return (
    <Page title="Acordos">
      <Card>
        <label htmlFor="status-acordo">Situação</label>{' '}
        <select id="status-acordo" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">todas</option>
          {Object.entries(AGREEMENT_STATUS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </Card>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading />
      ) : (
        <Card>
          <DataTable
            caption={`${list.data.items.length} acordo(s)`}
            csvName="acordos"
            rowKey={(a) => a.id}
            rows={list.data.items}
            columns={[
              { header: 'Número', cell: (a) => <Link to={`/devedores/${a.debtorId}`}>{a.number}</Link>, csv: (a) => a.number },
              { header: 'Situação', cell: (a) => <Badge>{label(AGREEMENT_STATUS, a.status)}</Badge>, csv: (a) => label(AGREEMENT_STATUS, a.status) },
              { header: 'Data', cell: (a) => dateBR(a.asOf) },
              { header: 'Pagamentos', cell: (a) => a.installmentCount, numeric: true },
              { header: 'Saldo negociado', cell: (a) => brl(a.balanceCents), csv: (a) => csvMoney(a.balanceCents), numeric: true },
              { header: 'Desconto', cell: (a) => brl(a.discountCents), csv: (a) => csvMoney(a.discountCents), numeric: true },
              { header: 'Total do acordo', cell: (a) => brl(a.totalCents), csv: (a) => csvMoney(a.totalCents), numeric: true },
              { header: 'Pago', cell: (a) => brl(a.installments.reduce((s, i) => s + i.paidCents, 0)), csv: (a) => csvMoney(a.installments.reduce((s, i) => s + i.paidCents, 0)), numeric: true },
            ]}
          />
        </Card>
      )}
    </Page>
  );
}
