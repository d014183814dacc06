import type { ImportError } from '../types.ts';
import { DataTable } from './ui.tsx';

/** The refused rows of an import: line, field, value and reason (CSV export when named). */
export function ImportErrorsTable({ caption, errors, csvName, empty }: { caption: string; errors: ImportError[]; csvName?: string; empty?: string }) {
  return (
    <DataTable
      caption={caption}
      {...(csvName ? { csvName } : {})}
      {...(empty ? { empty } : {})}
      rowKey={(e, i) => `${e.line}-${e.field}-${i}`}
      rows={errors}
      columns={[
        { header: 'Linha', cell: (e) => e.line, numeric: true },
        { header: 'Campo', cell: (e) => e.field },
        { header: 'Valor', cell: (e) => e.value ?? '—' },
        { header: 'Motivo', cell: (e) => e.reason },
      ]}
    />
  );
}
