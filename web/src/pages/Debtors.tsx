import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { Card, DataTable, ErrorBox, Loading, Page } from '../components/ui.tsx';
import { csvMoney } from '../csv.ts';
import { brl, dateBR, maskDocument } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { NewDebtorForm } from './enrichment/NewDebtorForm.tsx';
import type { DebtorRow, Page as ApiPage } from '../types.ts';

export function DebtorsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const result = useLoad(() => (q.length >= 2 ? api.get<ApiPage<DebtorRow>>('/api/debtors', { q, limit: 50 }) : Promise.resolve(null)), [q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  };

  return (
    <Page
      title="Devedores"
      actions={
        can('debtors.write') ? (
          <button type="button" className="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
            Novo devedor
          </button>
        ) : undefined
      }
    >
      {creating && <NewDebtorForm />}
      <Card>
        <form role="search" onSubmit={submit} className="inline-form">
          <label htmlFor="busca">Nome, CPF ou CNPJ</label>
          <input id="busca" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="ex.: Silva ou 214.743.580-55" minLength={2} />
          <button className="button primary" type="submit">
            Buscar
          </button>
        </form>
      </Card>
      <ErrorBox error={result.error} />
      {result.loading && q && <Loading what="Buscando" />}
      {result.data && (
        <Card>
          <DataTable
            caption={`${result.data.items.length}${result.data.hasMore ? '+' : ''} devedor(es) para “${q}”`}
            csvName="devedores"
            rowKey={(r) => r.id}
            rows={result.data.items}
            columns={[
              { header: 'Nome', cell: (r) => <Link to={`/devedores/${r.id}`}>{r.name}</Link>, csv: (r) => r.name },
              { header: 'CPF/CNPJ', cell: (r) => maskDocument(r.document) },
              { header: 'UF', cell: (r) => r.uf ?? '—' },
              { header: 'Títulos em aberto', cell: (r) => r.openDebts ?? 0, numeric: true },
              { header: 'Valor em aberto', cell: (r) => brl(r.openAmountCents ?? 0), csv: (r) => csvMoney(r.openAmountCents), numeric: true },
              { header: 'Vencimento mais antigo', cell: (r) => dateBR(r.oldestDueDate) },
            ]}
          />
        </Card>
      )}
    </Page>
  );
}
