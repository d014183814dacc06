import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { Card, ErrorBox, Field, Loading, Page, Success } from '../components/ui.tsx';
import { centsToInput, fractionToPercentInput, parseBrl, percentInputToFraction } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { Page as ApiPage } from '../types.ts';

const COMPONENTS = [
  ['principal', 'Principal'],
  ['correction', 'Correção'],
  ['interest', 'Juros'],
  ['fine', 'Multa'],
  ['fees', 'Honorários'],
] as const;
type Component = (typeof COMPONENTS)[number][0];

interface Rules {
  bands: Array<{ minDaysPastDue: number; maxDiscount: Record<Component, string> }>;
  installmentDiscountShare: string;
  maxInstallments: number;
  minInstallmentCents: number;
  minDownPaymentRate: string;
  minDownPaymentCents: number;
  monthlyRate: string;
  validityDays: number;
  [other: string]: unknown;
}
interface Policy {
  id: string | null;
  portfolioId: string | null;
  segment: string | null;
  name: string;
  rules: Rules;
}

/** A policy as the form holds it: rates as typed percentages ("30"), amounts as typed reais ("50,00"). */
interface Draft {
  portfolioId: string;
  segment: string;
  name: string;
  bands: Array<{ minDaysPastDue: string; maxDiscount: Record<Component, string> }>;
  installmentDiscountShare: string;
  maxInstallments: string;
  minInstallment: string;
  minDownPaymentRate: string;
  monthlyRate: string;
  validityDays: string;
  rest: Record<string, unknown>;
}

function toDraft(p: Policy, portfolioId: string): Draft {
  const { bands, installmentDiscountShare, maxInstallments, minInstallmentCents, minDownPaymentRate, monthlyRate, validityDays, ...rest } = p.rules;
  const pct = fractionToPercentInput;
  return {
    portfolioId: p.portfolioId ?? portfolioId,
    segment: p.segment ?? '',
    name: p.id ? p.name : 'Política da carteira',
    bands: bands.map((b) => ({ minDaysPastDue: String(b.minDaysPastDue), maxDiscount: Object.fromEntries(COMPONENTS.map(([k]) => [k, pct(b.maxDiscount[k])])) as Record<Component, string> })),
    installmentDiscountShare: pct(installmentDiscountShare),
    maxInstallments: String(maxInstallments),
    minInstallment: centsToInput(minInstallmentCents),
    minDownPaymentRate: pct(minDownPaymentRate),
    monthlyRate: pct(monthlyRate),
    validityDays: String(validityDays),
    rest,
  };
}

/** Turns the form back into the API's rules, naming the first field that is not valid. */
function toRules(d: Draft): Rules {
  const rate = (text: string, what: string) => {
    const r = percentInputToFraction(text);
    if (r === null) throw new Error(`${what}: informe um percentual entre 0 e 100 (ex.: 1,99).`);
    return r;
  };
  const int = (text: string, what: string) => {
    if (!/^\d+$/.test(text.trim())) throw new Error(`${what}: informe um número inteiro.`);
    return Number(text);
  };
  const minInstallmentCents = parseBrl(d.minInstallment);
  if (minInstallmentCents === null) throw new Error('Parcela mínima: informe um valor como 50,00.');
  return {
    ...d.rest,
    bands: d.bands.map((b, i) => ({
      minDaysPastDue: int(b.minDaysPastDue, `Faixa ${i + 1}, atraso mínimo`),
      maxDiscount: Object.fromEntries(COMPONENTS.map(([k, name]) => [k, rate(b.maxDiscount[k], `Faixa ${i + 1}, desconto em ${name.toLowerCase()}`)])) as Record<Component, string>,
    })),
    installmentDiscountShare: rate(d.installmentDiscountShare, 'Parte do desconto no parcelado'),
    maxInstallments: int(d.maxInstallments, 'Máximo de pagamentos'),
    minInstallmentCents,
    minDownPaymentRate: rate(d.minDownPaymentRate, 'Entrada mínima'),
    minDownPaymentCents: (d.rest.minDownPaymentCents as number | undefined) ?? 0,
    monthlyRate: rate(d.monthlyRate, 'Juros do parcelamento'),
    validityDays: int(d.validityDays, 'Validade'),
  };
}

export function PoliciesPage() {
  const { can } = useSession();
  const policies = useLoad(() => api.get<ApiPage<Policy>>('/api/offer-policies'), []);
  const portfolios = useLoad(() => api.get<ApiPage<{ id: string; name: string }>>('/api/portfolios'), []);
  const [portfolioId, setPortfolioId] = useState('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction();

  useEffect(() => {
    if (!policies.data || !portfolios.data) return;
    const pid = portfolioId || portfolios.data.items[0]?.id || '';
    const own = policies.data.items.find((p) => p.portfolioId === pid && !p.segment);
    const fallback = policies.data.items.find((p) => p.portfolioId === null)!;
    setDraft(toDraft(own ?? fallback, pid));
  }, [portfolioId, policies.data, portfolios.data]);

  if (policies.error || portfolios.error) return <ErrorBox error={policies.error ?? portfolios.error} />;
  if (!draft || !portfolios.data) return <Loading />;
  const editable = can('policies.write');
  const setBand = (i: number, k: Component | 'minDaysPastDue', v: string) =>
    setDraft({ ...draft, bands: draft.bands.map((b, j) => (j !== i ? b : k === 'minDaysPastDue' ? { ...b, minDaysPastDue: v } : { ...b, maxDiscount: { ...b.maxDiscount, [k]: v } })) });
  const input = (key: keyof Draft, text: string, hint?: string) => (
    <Field label={text} hint={hint}>
      {(id, h) => <input id={id} aria-describedby={h} value={draft[key] as string} disabled={!editable} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} className="narrow" />}
    </Field>
  );

  return (
    <Page title="Políticas de negociação">
      <Card>
        <label htmlFor="carteira-politica">Carteira</label>{' '}
        <select id="carteira-politica" value={draft.portfolioId} onChange={(e) => (setPortfolioId(e.target.value), setSaved(null))}>
          {portfolios.data.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>{' '}
        <span className="muted">{policies.data!.items.some((p) => p.portfolioId === draft.portfolioId) ? 'política própria da carteira' : 'usa a política padrão da assessoria'}</span>
      </Card>
      <Card title="Descontos máximos por faixa de atraso (%)">
        <div className="table-wrap">
          <table>
            <caption>Desconto máximo sobre cada componente do saldo, a partir do atraso indicado</caption>
            <thead>
              <tr>
                <th scope="col">A partir de (dias)</th>
                {COMPONENTS.map(([k, name]) => (
                  <th key={k} scope="col">
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {draft.bands.map((b, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={`Faixa ${i + 1}: atraso mínimo em dias`} value={b.minDaysPastDue} disabled={!editable} onChange={(e) => setBand(i, 'minDaysPastDue', e.target.value)} className="narrow" />
                  </td>
                  {COMPONENTS.map(([k, name]) => (
                    <td key={k}>
                      <input aria-label={`Faixa ${i + 1}: desconto máximo em ${name.toLowerCase()} (%)`} value={b.maxDiscount[k]} disabled={!editable} onChange={(e) => setBand(i, k, e.target.value)} className="narrow" />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Parcelamento e validade">
        <div className="inline-form wrap">
          {input('maxInstallments', 'Máximo de pagamentos', 'entrada incluída')}
          {input('minInstallment', 'Parcela mínima (R$)')}
          {input('minDownPaymentRate', 'Entrada mínima (%)')}
          {input('monthlyRate', 'Juros do parcelamento (% a.m.)', 'tabela Price')}
          {input('installmentDiscountShare', 'Parte do desconto no parcelado (%)')}
          {input('validityDays', 'Validade da proposta (dias)')}
        </div>
        {editable && (
          <button
            type="button"
            className="button primary"
            disabled={save.busy}
            onClick={() =>
              save.run(async () => {
                const rules = toRules(draft);
                await api.put('/api/offer-policies', { portfolioId: draft.portfolioId, segment: draft.segment || null, name: draft.name, rules });
                setSaved('Política gravada: vale para as próximas simulações desta carteira.');
                policies.reload();
              })
            }
          >
            Gravar política da carteira
          </button>
        )}
        <ErrorBox error={save.error} />
        <Success message={saved} />
      </Card>
    </Page>
  );
}
