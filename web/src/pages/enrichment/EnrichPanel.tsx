import { useState } from 'react';
import { api } from '../../api.ts';
import { Card, ErrorBox, Success } from '../../components/ui.tsx';
import { brl } from '../../format.ts';
import { useAction } from '../../hooks.ts';
import { CHANNEL, label } from '../../labels.ts';

interface EnrichReport {
  lookup: { provider: string; found: boolean; cached: boolean; costCents: number };
  nameMatches: boolean | null;
  added: Array<{ id: string; channel: string; display: string }>;
  skipped: Array<{ channel: string; display: string; reasonLabel: string }>;
}

/** "Enriquecer dados": looks the debtor's CNPJ up and lists what was added (unverified) and what was already there. */
export function EnrichPanel({ debtorId, onDone }: { debtorId: string; onDone: () => void }) {
  const action = useAction();
  const [report, setReport] = useState<EnrichReport | null>(null);
  const enrich = async () => {
    const r = await action.run(() => api.post<EnrichReport>(`/api/debtors/${debtorId}/enrich`));
    if (r) {
      setReport(r);
      onDone();
    }
  };
  return (
    <Card title="Enriquecimento" actions={<button type="button" className="button" onClick={() => void enrich()} disabled={action.busy}>Enriquecer dados</button>}>
      <ErrorBox error={action.error} />
      {report && (
        <>
          <Success
            message={
              !report.lookup.found
                ? 'Nada encontrado no provedor para este documento.'
                : `${report.added.length} contato(s) adicionado(s) como não verificado(s), fonte ${report.lookup.provider}${report.lookup.cached ? ' (cache, sem custo)' : ` — custo ${brl(report.lookup.costCents)}`}.`
            }
          />
          {report.nameMatches === false && <p className="muted">A razão social no cadastro público difere do nome deste devedor.</p>}
          <ul className="plain-list" aria-label="Contatos adicionados">
            {report.added.map((c) => (
              <li key={c.id}>
                <strong>{label(CHANNEL, c.channel)}</strong> {c.display} — adicionado
              </li>
            ))}
            {report.skipped.map((s, i) => (
              <li key={`s${i}`} className="muted">
                <strong>{label(CHANNEL, s.channel)}</strong> {s.display} — {s.reasonLabel}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
