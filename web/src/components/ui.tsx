import { useId, useState, type ReactNode } from 'react';
import { downloadCsv, type CsvValue } from '../csv.ts';
import type { CreditorRef } from '../types.ts';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Card({ title, children, actions, className }: { title?: string; children: ReactNode; actions?: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={title ? id : undefined}>
      {(title || actions) && (
        <header className="card-header">
          {title && <h2 id={id}>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function ErrorBox({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

export function Loading({ what = 'Carregando' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** The value in the CSV export (defaults to the cell when it is text or a number). */
  csv?: (row: T) => CsvValue;
  numeric?: boolean;
}

/** A table with a caption and a CSV export of exactly what it shows. */
export function DataTable<T>({ caption, columns, rows, csvName, empty = 'Nada a mostrar.', rowKey }: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  csvName?: string;
  empty?: string;
  rowKey: (row: T, index: number) => string;
}) {
  const exportCsv = () =>
    downloadCsv(
      `${csvName}.csv`,
      columns.map((c) => c.header),
      rows.map((r) => columns.map((c) => (c.csv ? c.csv(r) : plain(c.cell(r))))),
    );
  return (
    <div className="table-wrap">
      <table>
        <caption>
          <span className="caption-row">
          <span>{caption}</span>
          {csvName && rows.length > 0 && (
            <button type="button" className="link-button" onClick={exportCsv} aria-label={`Exportar CSV: ${caption}`}>
              Exportar CSV
            </button>
          )}
          </span>
        </caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((r, i) => (
              <tr key={rowKey(r, i)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.numeric ? 'num' : undefined}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

function plain(node: ReactNode): CsvValue {
  return typeof node === 'string' || typeof node === 'number' ? node : '';
}

export function Field({ label, hint, children, error }: { label: string; hint?: string; error?: string | null; children: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {hint && (
        <small id={hintId} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="error-text">
          {error}
        </small>
      )}
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint muted">{hint}</div>}
    </div>
  );
}

/** A confirmation read out by screen readers (role=status); nothing when there is none. */
export function Success({ message }: { message: ReactNode }) {
  return message ? (
    <p role="status" className="success">
      {message}
    </p>
  ) : null;
}

/** A creditor picker; `empty` adds a first option with no creditor ("escolha…", "Todos os credores"). */
export function CreditorOptions({ creditors, empty }: { creditors: ReadonlyArray<CreditorRef>; empty?: string }) {
  return (
    <>
      {empty !== undefined && <option value="">{empty}</option>}
      {creditors.map((c) => (
        <option key={c.id} value={c.id}>
          {c.legalName}
        </option>
      ))}
    </>
  );
}

/**
 * A secret shown once (a webhook secret, an API key): the value selectable, a copy button, and
 * "Já guardei" to dismiss it. Only its hash stays on the server.
 */
export function ShownOnce({ title, children, value, dismissLabel, onDismiss, testId }: { title: string; children: ReactNode; value: string; dismissLabel: string; onDismiss: () => void; testId?: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copiado para a área de transferência.');
    } catch {
      setCopied('Não foi possível copiar automaticamente: selecione o texto e copie (Ctrl+C).');
    }
  };
  return (
    <div className="card" aria-label={title} role="region">
      <p role="alert">{children}</p>
      <p>
        <code data-testid={testId} style={{ wordBreak: 'break-all', userSelect: 'all' }}>{value}</code>
      </p>
      <span className="actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copiar
        </button>
        <button type="button" className="button ghost-dark" onClick={onDismiss}>
          {dismissLabel}
        </button>
      </span>
      <Success message={copied} />
    </div>
  );
}
