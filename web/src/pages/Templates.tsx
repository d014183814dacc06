import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { Badge, Card, ErrorBox, Field, Loading, Page, Success } from '../components/ui.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { CHANNEL, label } from '../labels.ts';
import { useSession } from '../session.tsx';
import type { Page as ApiPage } from '../types.ts';

interface Template {
  id: string;
  key: string;
  channel: string;
  body: string;
}
interface Preview {
  /** null when the template breaks a rule: the problems say which. */
  text: string | null;
  problems: Array<{ rule: string; source: string; message: string }>;
}

/** Message templates: edit, preview against a sample case with the compliance warnings, save (refused when non-compliant). */
export function TemplatesPage() {
  const { can } = useSession();
  const list = useLoad(() => api.get<ApiPage<Template>>('/api/templates'), []);
  const [key, setKey] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ key: string; channel: string; body: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();

  useEffect(() => {
    const t = list.data?.items.find((x) => x.key === (key ?? list.data?.items[0]?.key));
    if (t) setDraft({ key: t.key, channel: t.channel, body: t.body });
    setPreview(null);
  }, [key, list.data]);

  // The preview follows the text as it is typed (debounced).
  useEffect(() => {
    if (!draft) return;
    const timer = setTimeout(() => {
      api.post<Preview>('/api/templates/preview', draft).then(setPreview, () => undefined);
    }, 350);
    return () => clearTimeout(timer);
  }, [draft]);

  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <Loading />;
  const editable = can('schedules.write');

  return (
    <Page title="Modelos de mensagem">
      <div className="grid cols-2">
        <Card title="Modelo">
          <div className="inline-form wrap">
            <Field label="Modelo">
              {(id) => (
                <select id={id} value={draft?.key ?? ''} onChange={(e) => (setKey(e.target.value), setSaved(null))}>
                  {list.data!.items.map((t) => (
                    <option key={t.key} value={t.key}>
                      {t.key} ({label(CHANNEL, t.channel)})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {draft && (
            <>
              <Field label="Texto" hint="Variáveis: {{debtor.name}}, {{primeiroNome debtor.name}}, {{discriminacao}}, {{identificacaoCredor}}, {{portalUrl}}, {{agency.name}}…">
                {(id, hint) => <textarea id={id} aria-describedby={hint} rows={10} value={draft.body} readOnly={!editable} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />}
              </Field>
              {editable && (
                <button
                  type="button"
                  className="button primary"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await api.put('/api/templates', draft);
                      setSaved('Modelo gravado.');
                      list.reload();
                    })
                  }
                >
                  Gravar modelo
                </button>
              )}
              <ErrorBox error={action.error} />
              <Success message={saved} />
            </>
          )}
        </Card>
        <Card title="Pré-visualização (caso de exemplo)">
          {preview ? (
            <>
              {preview.problems.length === 0 ? (
                <Badge tone="good">sem alertas de conformidade</Badge>
              ) : (
                <div role="alert" className="warnings">
                  <strong>Alertas de conformidade</strong>
                  <ul>
                    {preview.problems.map((p, i) => (
                      <li key={i}>
                        {p.message} <span className="muted">({p.source})</span>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {preview.text !== null && <pre className="script" tabIndex={0} aria-label="Texto renderizado">{preview.text}</pre>}
            </>
          ) : (
            <Loading what="Renderizando" />
          )}
        </Card>
      </div>
    </Page>
  );
}
