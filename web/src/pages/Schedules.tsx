import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { Card, ErrorBox, Loading, Page, Success } from '../components/ui.tsx';
import { brl } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { CHANNEL, STAGE, label } from '../labels.ts';
import { useSession } from '../session.tsx';
import type { Page as ApiPage } from '../types.ts';

interface Step {
  id: string;
  offsetDays: number;
  anchor: string;
  stage: string;
  action: string;
  template: string;
  conditions?: Record<string, unknown>;
}
interface Schedule {
  id: string;
  portfolioId: string;
  segment: string | null;
  name: string;
  version: number;
  steps: Step[];
  stopConditions: string[];
}

const ANCHORS: Record<string, string> = { due_date: 'vencimento do título', agreement_breach: 'quebra de acordo', promise_broken: 'promessa quebrada', installment_due: 'vencimento da parcela' };
const ACTIONS = ['email', 'sms', 'whatsapp', 'voice', 'letter', 'task', 'bureau', 'protest', 'legal'];
const STOPS: Record<string, string> = { paid: 'pago', active_agreement: 'acordo ativo', disputed: 'contestado', prescribed: 'prescrito', opt_out: 'opt-out', over_indebted: 'superendividado' };

/** The régua editor: each save is a new version (the history stays; the daily run uses the current one). */
export function SchedulesPage() {
  const { can } = useSession();
  const list = useLoad(() => api.get<ApiPage<Schedule>>('/api/schedules'), []);
  const portfolios = useLoad(() => api.get<ApiPage<{ id: string; name: string }>>('/api/portfolios'), []);
  const templates = useLoad(() => api.get<ApiPage<{ key: string; channel: string }>>('/api/templates'), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<Schedule | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction();
  const portfolioName = new Map(portfolios.data?.items.map((p) => [p.id, p.name]) ?? []);

  useEffect(() => {
    const s = list.data?.items.find((x) => x.id === (selected ?? list.data?.items[0]?.id));
    setDraft(s ? structuredClone(s) : null);
  }, [selected, list.data]);

  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <Loading />;
  const editable = can('schedules.write');
  const setStep = (i: number, patch: Partial<Step>) => draft && setDraft({ ...draft, steps: draft.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  return (
    <Page title="Réguas de cobrança">
      <Card>
        <label htmlFor="regua">Régua</label>{' '}
        <select id="regua" value={draft?.id ?? ''} onChange={(e) => setSelected(e.target.value)}>
          {list.data.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} — {portfolioName.get(s.portfolioId) ?? 'carteira'}
              {s.segment ? ` / ${s.segment}` : ''} (versão {s.version})
            </option>
          ))}
        </select>
      </Card>
      {draft && (
        <Card title={`${draft.name} — versão ${draft.version}`}>
          <div className="table-wrap">
            <table>
              <caption>Passos da régua, em dias a partir da âncora</caption>
              <thead>
                <tr>
                  <th scope="col">Passo</th>
                  <th scope="col">Dias</th>
                  <th scope="col">Âncora</th>
                  <th scope="col">Estágio</th>
                  <th scope="col">Canal</th>
                  <th scope="col">Modelo</th>
                  <th scope="col">Condições</th>
                  {editable && <th scope="col">Remover</th>}
                </tr>
              </thead>
              <tbody>
                {draft.steps.map((s, i) => (
                  <tr key={i}>
                    <td>
                      <input aria-label={`Identificador do passo ${i + 1}`} value={s.id} disabled={!editable} onChange={(e) => setStep(i, { id: e.target.value })} size={12} />
                    </td>
                    <td>
                      <input aria-label={`Dias do passo ${s.id}`} type="number" value={s.offsetDays} disabled={!editable} onChange={(e) => setStep(i, { offsetDays: Number(e.target.value) })} className="narrow" />
                    </td>
                    <td>
                      <select aria-label={`Âncora do passo ${s.id}`} value={s.anchor} disabled={!editable} onChange={(e) => setStep(i, { anchor: e.target.value })}>
                        {Object.entries(ANCHORS).map(([k, v]) => (
                          <option key={k} value={k}>
                            {v}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select aria-label={`Estágio do passo ${s.id}`} value={s.stage} disabled={!editable} onChange={(e) => setStep(i, { stage: e.target.value })}>
                        {Object.entries(STAGE).map(([k, v]) => (
                          <option key={k} value={k}>
                            {v}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select aria-label={`Canal do passo ${s.id}`} value={s.action} disabled={!editable} onChange={(e) => setStep(i, { action: e.target.value })}>
                        {ACTIONS.map((a) => (
                          <option key={a} value={a}>
                            {label(CHANNEL, a)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select aria-label={`Modelo do passo ${s.id}`} value={s.template} disabled={!editable} onChange={(e) => setStep(i, { template: e.target.value })}>
                        {(templates.data?.items ?? []).filter((t) => t.channel === s.action || t.key === s.template).map((t) => (
                          <option key={t.key} value={t.key}>
                            {t.key}
                          </option>
                        ))}
                        {!templates.data?.items.some((t) => t.key === s.template) && <option value={s.template}>{s.template}</option>}
                      </select>
                    </td>
                    <td className="small">{describeConditions(s.conditions)}</td>
                    {editable && (
                      <td>
                        <button type="button" className="link-button" onClick={() => setDraft({ ...draft, steps: draft.steps.filter((_, j) => j !== i) })} aria-label={`Remover o passo ${s.id}`}>
                          remover
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <fieldset className="checks">
            <legend>Parar a régua quando o título estiver</legend>
            {Object.entries(STOPS).map(([k, v]) => (
              <label key={k} className="check">
                <input
                  type="checkbox"
                  disabled={!editable}
                  checked={draft.stopConditions.includes(k)}
                  onChange={(e) => setDraft({ ...draft, stopConditions: e.target.checked ? [...draft.stopConditions, k] : draft.stopConditions.filter((x) => x !== k) })}
                />{' '}
                {v}
              </label>
            ))}
          </fieldset>
          {editable && (
            <div className="actions">
              <button type="button" className="button" onClick={() => setDraft({ ...draft, steps: [...draft.steps, { id: `passo-${draft.steps.length + 1}`, offsetDays: 30, anchor: 'due_date', stage: 'alerta', action: 'sms', template: 'aviso-atraso' }] })}>
                Adicionar passo
              </button>
              <button
                type="button"
                className="button primary"
                disabled={save.busy}
                onClick={() =>
                  save.run(async () => {
                    const result = await api.put<Schedule>(`/api/schedules/${draft.id}`, { name: draft.name, steps: draft.steps, stopConditions: draft.stopConditions });
                    setSaved(`Versão ${result.version} gravada.`);
                    list.reload();
                  })
                }
              >
                Gravar nova versão
              </button>
            </div>
          )}
          <ErrorBox error={save.error} />
          <Success message={saved} />
        </Card>
      )}
    </Page>
  );
}

function describeConditions(c: Record<string, unknown> | undefined): string {
  if (!c) return '';
  const parts: string[] = [];
  if (typeof c.minAmountCents === 'number') parts.push(`a partir de ${brl(c.minAmountCents)}`);
  if (c.requiresConsent) parts.push('com opt-in');
  if (Array.isArray(c.debtorKinds)) parts.push(c.debtorKinds.join('/').toUpperCase());
  if (Array.isArray(c.scoreBands)) parts.push(`faixas ${c.scoreBands.join(', ')}`);
  if (typeof c.minDaysPastDue === 'number') parts.push(`atraso ≥ ${c.minDaysPastDue}`);
  return parts.join(' · ');
}
