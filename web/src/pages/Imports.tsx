import { useState, type FormEvent } from 'react';
import { api, upload } from '../api.ts';
import { Card, DataTable, ErrorBox, Field, Loading, Page } from '../components/ui.tsx';
import { csvMoney } from '../csv.ts';
import { brl, count, dateTimeBR } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { IMPORT_STATUS, label } from '../labels.ts';
import { useSession } from '../session.tsx';
import { ImportErrorsTable } from '../components/ImportErrorsTable.tsx';
import type { Page as ApiPage, CreditorRef, ImportCounts } from '../types.ts';

interface Portfolio {
  id: string;
  creditorId: string;
  name: string;
  description: string | null;
  openDebts: number;
  openAmountCents: number;
}
interface ImportReport extends ImportCounts {
  importId: string;
  status: string;
  fileName: string;
}
interface ImportRow {
  id: string;
  fileName: string;
  status: string;
  totalRows: number;
  createdRows: number;
  rejectedRows: number;
  createdAt: string;
  portfolioId: string;
}

export function ImportsPage() {
  const { can } = useSession();
  const creditors = useLoad(() => api.get<ApiPage<CreditorRef>>('/api/creditors'), []);
  const portfolios = useLoad(() => api.get<ApiPage<Portfolio>>('/api/portfolios'), []);
  const imports = useLoad(() => (can('imports.read') ? api.get<ApiPage<ImportRow>>('/api/imports', { limit: 20 }) : Promise.resolve({ items: [] })), []);
  const creditorName = new Map(creditors.data?.items.map((c) => [c.id, c.legalName]) ?? []);
  const portfolioName = new Map(portfolios.data?.items.map((p) => [p.id, p.name]) ?? []);

  return (
    <Page title="Carteiras e importações">
      <ErrorBox error={creditors.error ?? portfolios.error} />
      {!portfolios.data ? (
        <Loading />
      ) : (
        <Card title="Carteiras">
          <DataTable
            caption="Carteiras com o que está em aberto"
            csvName="carteiras"
            rowKey={(p) => p.id}
            rows={portfolios.data.items}
            columns={[
              { header: 'Credor', cell: (p) => creditorName.get(p.creditorId) ?? '—' },
              { header: 'Carteira', cell: (p) => p.name },
              { header: 'Títulos em aberto', cell: (p) => count(p.openDebts), csv: (p) => p.openDebts, numeric: true },
              { header: 'Valor em aberto', cell: (p) => brl(p.openAmountCents), csv: (p) => csvMoney(p.openAmountCents), numeric: true },
            ]}
          />
        </Card>
      )}
      {can('imports.run') && portfolios.data && <UploadCard portfolios={portfolios.data.items} creditorName={creditorName} onDone={() => (imports.reload(), portfolios.reload())} />}
      {imports.data && imports.data.items.length > 0 && (
        <Card title="Importações recentes">
          <DataTable
            caption="Últimas importações"
            csvName="importacoes"
            rowKey={(r) => r.id}
            rows={imports.data.items}
            columns={[
              { header: 'Quando', cell: (r) => dateTimeBR(r.createdAt) },
              { header: 'Arquivo', cell: (r) => r.fileName },
              { header: 'Carteira', cell: (r) => portfolioName.get(r.portfolioId) ?? '—' },
              { header: 'Situação', cell: (r) => label(IMPORT_STATUS, r.status) },
              { header: 'Linhas', cell: (r) => r.totalRows, numeric: true },
              { header: 'Criadas', cell: (r) => r.createdRows, numeric: true },
              { header: 'Rejeitadas', cell: (r) => (r.rejectedRows ? <a href={`/api/imports/${r.id}/errors?format=csv`}>{r.rejectedRows}</a> : 0), csv: (r) => r.rejectedRows, numeric: true },
            ]}
          />
        </Card>
      )}
    </Page>
  );
}

function UploadCard({ portfolios, creditorName, onDone }: { portfolios: Portfolio[]; creditorName: Map<string, string>; onDone: () => void }) {
  const [portfolioId, setPortfolioId] = useState(portfolios[0]?.id ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const action = useAction();
  const portfolio = portfolios.find((p) => p.id === portfolioId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !portfolio) return;
    void action.run(async () => {
      setReport(null);
      setProgress(0);
      const path = `/api/imports?${new URLSearchParams({ creditorId: portfolio.creditorId, portfolioId: portfolio.id, fileName: file.name })}`;
      const type = /\.jsonl?$/i.test(file.name) ? 'application/x-ndjson' : 'text/csv';
      try {
        setReport(await upload<ImportReport>(path, file, type, setProgress));
      } finally {
        setProgress(null);
      }
      onDone();
    });
  };

  return (
    <Card title="Importar títulos">
      <form onSubmit={submit} className="inline-form wrap">
        <Field label="Carteira">
          {(id) => (
            <select id={id} value={portfolioId} onChange={(e) => setPortfolioId(e.target.value)}>
              {portfolios.map((p) => (
                <option key={p.id} value={p.id}>
                  {creditorName.get(p.creditorId)} — {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Arquivo (CSV ou JSON lines)" hint="Cabeçalhos em português ou inglês; o relatório mostra cada linha recusada e o motivo.">
          {(id, hint) => <input id={id} aria-describedby={hint} type="file" accept=".csv,.txt,.jsonl,.json,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
        <button type="submit" className="button primary" disabled={!file || action.busy}>
          Importar
        </button>
      </form>
      {progress !== null && (
        <div className="progress-row">
          <label htmlFor="upload-progress">{progress < 1 ? 'Enviando o arquivo' : 'Validando e gravando as linhas'}</label>
          <progress id="upload-progress" max={1} value={progress < 1 ? progress : undefined} />
        </div>
      )}
      <ErrorBox error={action.error} />
      {report && <ImportResult report={report} />}
    </Card>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  return (
    <div className="import-result" role="status">
      <p>
        <strong>{report.fileName}</strong>: {count(report.totalRows)} linha(s) — {count(report.createdRows)} criada(s), {count(report.updatedRows)} atualizada(s),{' '}
        {count(report.unchangedRows)} sem mudança, <strong>{count(report.rejectedRows)} recusada(s)</strong>
        {report.settledRows ? `, ${count(report.settledRows)} baixada(s) pela fotografia` : ''}.
      </p>
      {report.errorCount > 0 && (
        <ImportErrorsTable caption={`Linhas recusadas (${report.errorCount})`} csvName={`erros-${report.fileName}`} errors={report.errors} />
      )}
      {report.errorCount > report.errors.length && (
        <p>
          <a href={`/api/imports/${report.importId}/errors?format=csv`}>Relatório completo de erros (CSV)</a>
        </p>
      )}
    </div>
  );
}
