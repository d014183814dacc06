import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { Badge, Card, CreditorOptions, DataTable, ErrorBox, Field, Loading, Page, ShownOnce, Success } from '../components/ui.tsx';
import { count, dateBR, dateTimeBR } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { ERP_OUTCOME, label, ROLE } from '../labels.ts';
import { useSession } from '../session.tsx';
import { ImportErrorsTable } from '../components/ImportErrorsTable.tsx';
import type { Page as ApiPage, CreditorRef, ImportCounts, ImportError } from '../types.ts';

/**
 * Integrações → ERP: the scheduled pulls of the creditors' exports (folder or HTTP URL), "Executar
 * agora" with what the pull imported and refused, the pull log per source, and the API keys of the
 * integration user the ERP authenticates with (docs/erp-sync.md).
 */

interface Source {
  id: string;
  name: string;
  creditorId: string;
  portfolioId: string;
  kind: 'folder' | 'http';
  location: string;
  format: 'csv' | 'jsonl' | null;
  readerOptions: { encoding?: string; delimiter?: string; decimal?: string; mapping?: Record<string, string> };
  allOrNothing: boolean;
  snapshot: boolean;
  intervalMinutes: number | null;
  cron: string | null;
  httpHeaderNames: string[];
  active: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastOutcome: string | null;
  lastMessage: string | null;
  lastImportId: string | null;
}
interface Pull {
  id: string;
  fileName: string | null;
  sha256: string | null;
  bytes: number | null;
  outcome: string;
  message: string | null;
  importId: string | null;
  startedAt: string;
  finishedAt: string;
}
interface PullResult {
  sourceId: string;
  outcome: string;
  message: string | null;
  files: Array<{
    fileName: string;
    bytes: number;
    outcome: string;
    importId: string | null;
    message: string | null;
    report: ImportCounts | null;
  }>;
}
interface Portfolio {
  id: string;
  creditorId: string;
  name: string;
}
interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
}
interface ApiKey {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

const TONE: Record<string, 'good' | 'warn' | 'bad' | 'neutral'> = {
  imported: 'good', unchanged: 'neutral', not_modified: 'neutral', no_files: 'neutral', rejected: 'bad', unreadable: 'bad', failed: 'bad', busy: 'warn',
};

function OutcomeBadge({ outcome }: { outcome: string | null }) {
  if (!outcome) return <>—</>;
  return <Badge tone={TONE[outcome] ?? 'neutral'}>{label(ERP_OUTCOME, outcome)}</Badge>;
}

function scheduleText(s: Source): string {
  if (s.intervalMinutes) return s.intervalMinutes % 60 === 0 ? `a cada ${s.intervalMinutes / 60} h` : `a cada ${s.intervalMinutes} min`;
  return s.cron ? `cron ${s.cron}` : '—';
}

function bytesText(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024) return `${count(bytes)} B`;
  const kib = Math.round(bytes / 1024); // display only: a size, not an amount
  return kib < 1024 ? `${count(kib)} KiB` : `${count(Math.round(kib / 1024))} MiB`;
}

export function ErpPage() {
  const { can } = useSession();
  const sources = useLoad(() => api.get<Source[]>('/api/erp/sources'), []);
  const creditors = useLoad(() => api.get<{ items: CreditorRef[] }>('/api/creditors'), []);
  const portfolios = useLoad(() => api.get<ApiPage<Portfolio>>('/api/portfolios', { limit: 200 }), []);
  const [selected, setSelected] = useState('');
  const shownSource = selected || sources.data?.[0]?.id || '';
  const pulls = useLoad(() => (shownSource ? api.get<Pull[]>('/api/erp/pulls', { sourceId: shownSource, limit: 50 }) : Promise.resolve([])), [shownSource]);
  const [result, setResult] = useState<{ source: Source; result: PullResult } | null>(null);
  const [errorsOf, setErrorsOf] = useState<{ importId: string; items: ImportError[]; hasMore: boolean } | null>(null);
  const action = useAction();
  const creditorName = new Map(creditors.data?.items.map((c) => [c.id, c.legalName]) ?? []);
  const portfolioName = new Map(portfolios.data?.items.map((p) => [p.id, p.name]) ?? []);
  const sourceName = new Map(sources.data?.map((s) => [s.id, s.name]) ?? []);

  const reloadBoth = () => (sources.reload(), pulls.reload());

  const run = async (s: Source) => {
    setResult(null);
    setErrorsOf(null);
    const r = await action.perform(() => api.post<PullResult>(`/api/erp/sources/${s.id}/run`), { then: reloadBoth });
    if (r.ok) {
      setSelected(s.id);
      setResult({ source: s, result: r.value });
    }
  };

  const showErrors = async (importId: string) => {
    const r = await action.run(() => api.get<{ items: ImportError[]; hasMore: boolean }>(`/api/imports/${importId}/errors`, { limit: 100 }));
    if (r) setErrorsOf({ importId, items: r.items, hasMore: r.hasMore });
  };

  return (
    <Page title="Integrações: ERP">
      <p className="muted">
        O ERP do credor manda os títulos por lote (POST /api/erp/receivables/batch) ou deixa uma exportação numa pasta do servidor ou numa URL, buscada na periodicidade de cada fonte.
        As duas vias passam pelo importador: mesmas regras, mesmas mensagens. O ERP se autentica com a chave de API de um usuário de integração (perfil Supervisor).
      </p>
      <ErrorBox error={sources.error ?? creditors.error ?? portfolios.error ?? action.error} />
      <Success message={action.done} />
      <Card title="Fontes de busca agendada">
        {!sources.data ? (
          <Loading />
        ) : (
          <DataTable
            caption="Pastas e URLs de onde as exportações são buscadas"
            rowKey={(s) => s.id}
            rows={sources.data}
            empty="Nenhuma fonte cadastrada."
            columns={[
              { header: 'Nome', cell: (s) => s.name },
              { header: 'Credor / carteira', cell: (s) => `${creditorName.get(s.creditorId) ?? s.creditorId} · ${portfolioName.get(s.portfolioId) ?? s.portfolioId}` },
              {
                header: 'Origem',
                cell: (s) => (
                  <>
                    {s.kind === 'folder' ? 'Pasta ' : 'URL '}
                    <code style={{ overflowWrap: 'anywhere' }}>{s.location}</code>
                    {s.httpHeaderNames.length > 0 && <span className="muted"> (cabeçalhos: {s.httpHeaderNames.join(', ')})</span>}
                  </>
                ),
                csv: (s) => s.location,
              },
              { header: 'Formato', cell: (s) => (s.format ? s.format.toUpperCase() : 'automático') + (s.allOrNothing ? ' · tudo ou nada' : '') + (s.snapshot ? ' · carteira completa' : '') },
              { header: 'Periodicidade', cell: (s) => scheduleText(s) },
              {
                header: 'Última busca',
                cell: (s) =>
                  s.lastRunAt ? (
                    <>
                      {dateTimeBR(s.lastRunAt)} <OutcomeBadge outcome={s.lastOutcome} />
                      {s.lastMessage && <div className="muted">{s.lastMessage}</div>}
                    </>
                  ) : (
                    'nunca'
                  ),
                csv: (s) => (s.lastRunAt ? `${dateTimeBR(s.lastRunAt)} ${label(ERP_OUTCOME, s.lastOutcome)}` : ''),
              },
              { header: 'Próxima busca', cell: (s) => (s.active ? dateTimeBR(s.nextRunAt) : '—') },
              { header: 'Situação', cell: (s) => (s.active ? <Badge tone="good">Ativa</Badge> : <Badge>Inativa</Badge>), csv: (s) => (s.active ? 'Ativa' : 'Inativa') },
              {
                header: 'Ações',
                cell: (s) => (
                  <span className="actions">
                    <button type="button" className="link-button" disabled={action.busy} aria-label={`Executar agora ${s.name}`} onClick={() => void run(s)}>
                      Executar agora
                    </button>{' '}
                    <button type="button" className="link-button" disabled={action.busy} aria-label={`Ver buscas de ${s.name}`} onClick={() => (setSelected(s.id), setErrorsOf(null))}>
                      Ver buscas
                    </button>{' '}
                    <button type="button" className="link-button" disabled={action.busy} aria-label={`${s.active ? 'Desativar' : 'Ativar'} ${s.name}`} onClick={() => void action.perform(() => api.patch(`/api/erp/sources/${s.id}`, { active: !s.active }), { message: s.active ? 'Fonte desativada: não será mais buscada.' : 'Fonte ativada.', then: sources.reload })}>
                      {s.active ? 'Desativar' : 'Ativar'}
                    </button>{' '}
                    <button type="button" className="link-button" disabled={action.busy} aria-label={`Excluir ${s.name}`} onClick={() => {
                      if (window.confirm(`Excluir a fonte ${s.name}? O registro de buscas vai junto; as importações feitas ficam.`)) {
                        if (selected === s.id) setSelected('');
                        void action.perform(() => api.delete(`/api/erp/sources/${s.id}`), { message: 'Fonte excluída.', then: reloadBoth });
                      }
                    }}>
                      Excluir
                    </button>
                  </span>
                ),
                csv: () => '',
              },
            ]}
          />
        )}
      </Card>

      {result && <RunResult source={result.source} result={result.result} />}

      {creditors.data && portfolios.data && (
        <NewSource creditors={creditors.data.items} portfolios={portfolios.data.items} onCreated={(s) => {
          action.setDone(`Fonte ${s.name} criada: a primeira busca sai em até 1 minuto, ou use "Executar agora".`);
          setSelected(s.id);
          sources.reload();
        }} />
      )}

      <Card title="Registro de buscas">
        {sources.data && sources.data.length > 0 && (
          <Field label="Fonte">
            {(id) => (
              <select id={id} value={shownSource} onChange={(e) => (setSelected(e.target.value), setErrorsOf(null))}>
                {sources.data!.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <ErrorBox error={pulls.error} />
        {!pulls.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={`Buscas que importaram ou falharam${shownSource ? `: ${sourceName.get(shownSource) ?? ''}` : ''} (50 mais recentes)`}
            csvName="buscas-erp"
            rowKey={(p) => p.id}
            rows={pulls.data}
            empty={shownSource ? 'Nenhuma busca registrada para esta fonte.' : 'Cadastre uma fonte para ver as buscas.'}
            columns={[
              { header: 'Início', cell: (p) => dateTimeBR(p.startedAt) },
              { header: 'Arquivo', cell: (p) => p.fileName ?? '—' },
              { header: 'Tamanho', cell: (p) => bytesText(p.bytes), numeric: true },
              { header: 'Resultado', cell: (p) => <OutcomeBadge outcome={p.outcome} />, csv: (p) => label(ERP_OUTCOME, p.outcome) },
              { header: 'Detalhe', cell: (p) => p.message ?? '—' },
              {
                header: 'Linhas recusadas',
                cell: (p) =>
                  p.importId && (p.outcome === 'imported' || p.outcome === 'rejected') && can('imports.read') ? (
                    <button type="button" className="link-button" disabled={action.busy} aria-label={`Ver linhas recusadas de ${p.fileName ?? 'arquivo'} (${dateTimeBR(p.startedAt)})`} onClick={() => void showErrors(p.importId!)}>
                      Ver linhas recusadas
                    </button>
                  ) : (
                    '—'
                  ),
                csv: (p) => p.importId ?? '',
              },
            ]}
          />
        )}
        {errorsOf && (
          <ImportErrorsTable
            caption={errorsOf.items.length === 0 ? 'Nenhuma linha recusada nesta importação' : `Linhas recusadas${errorsOf.hasMore ? ' (as 100 primeiras)' : ''}`}
            errors={errorsOf.items}
            csvName={`erros-${errorsOf.importId}`}
          />
        )}
      </Card>

      {can('users.write') ? (
        <ApiKeys />
      ) : (
        <Card title="Chaves de API">
          <p className="muted">As chaves de API dos usuários de integração são emitidas e revogadas pelo administrador (permissão users.write).</p>
        </Card>
      )}
    </Page>
  );
}


function RunResult({ source, result }: { source: Source; result: PullResult }) {
  return (
    <Card title={`Resultado da busca: ${source.name}`}>
      <p role="status">
        <OutcomeBadge outcome={result.outcome} /> {result.message ?? label(ERP_OUTCOME, result.outcome)}
      </p>
      {result.files.length > 0 && (
        <DataTable
          caption="Arquivos desta busca"
          rowKey={(f, i) => `${f.fileName}-${i}`}
          rows={result.files}
          columns={[
            { header: 'Arquivo', cell: (f) => f.fileName },
            { header: 'Resultado', cell: (f) => <OutcomeBadge outcome={f.outcome} />, csv: (f) => label(ERP_OUTCOME, f.outcome) },
            { header: 'Linhas', cell: (f) => (f.report ? count(f.report.totalRows) : '—'), numeric: true },
            { header: 'Novas', cell: (f) => (f.report ? count(f.report.createdRows) : '—'), numeric: true },
            { header: 'Atualizadas', cell: (f) => (f.report ? count(f.report.updatedRows) : '—'), numeric: true },
            { header: 'Sem alteração', cell: (f) => (f.report ? count(f.report.unchangedRows) : '—'), numeric: true },
            { header: 'Baixadas', cell: (f) => (f.report ? count(f.report.settledRows) : '—'), numeric: true },
            { header: 'Recusadas', cell: (f) => (f.report ? count(f.report.rejectedRows) : '—'), numeric: true },
            { header: 'Detalhe', cell: (f) => f.message ?? '—' },
          ]}
        />
      )}
      {result.files.map((f) =>
        f.report && f.report.errors.length > 0 ? (
          <ImportErrorsTable
            key={f.fileName}
            caption={`Linhas recusadas de ${f.fileName}${f.report.errorCount > f.report.errors.length ? ` (${f.report.errors.length} de ${f.report.errorCount})` : ''}`}
            errors={f.report.errors}
          />
        ) : null,
      )}
    </Card>
  );
}

type Kind = 'folder' | 'http';

/** "Nome: valor" per line → headers; a line without a colon is an error. */
function parseHeaders(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `Linha ${i + 1}: use o formato "Nome: valor".` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

function NewSource({ creditors, portfolios, onCreated }: { creditors: CreditorRef[]; portfolios: Portfolio[]; onCreated: (s: Source) => void }) {
  const tenantSlug = useSession().me?.tenantSlug ?? '<assessoria>';
  const [name, setName] = useState('');
  const [creditorId, setCreditorId] = useState('');
  const [portfolioId, setPortfolioId] = useState('');
  const [kind, setKind] = useState<Kind>('folder');
  const [location, setLocation] = useState('');
  const [format, setFormat] = useState('');
  const [delimiter, setDelimiter] = useState('');
  const [decimal, setDecimal] = useState('');
  const [encoding, setEncoding] = useState('');
  const [scheduleKind, setScheduleKind] = useState<'interval' | 'cron'>('cron');
  const [interval, setIntervalText] = useState('60');
  const [cron, setCron] = useState('0 7 * * 1-5');
  const [headers, setHeaders] = useState('');
  const [allOrNothing, setAllOrNothing] = useState(true);
  const [snapshot, setSnapshot] = useState(false);
  const action = useAction();
  const creditorPortfolios = portfolios.filter((p) => p.creditorId === creditorId);
  const fe = (...keys: string[]) => keys.map((k) => action.fieldErrors[k]).find(Boolean) ?? null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    const minutes = Number(interval);
    if (scheduleKind === 'interval' && !(/^\d+$/.test(interval.trim()) && minutes >= 1)) local.intervalMinutes = 'Informe um número inteiro de minutos (1 ou mais).';
    const parsed = kind === 'http' ? parseHeaders(headers) : { headers: {} };
    if ('error' in parsed) local.httpHeaders = parsed.error;
    if (Object.keys(local).length > 0) {
      action.setFieldErrors(local);
      action.setError('Corrija os campos indicados.');
      return;
    }
    const readerOptions = {
      ...(delimiter ? { delimiter: delimiter === 'tab' ? '\t' : delimiter } : {}),
      ...(decimal ? { decimal } : {}),
      ...(encoding ? { encoding } : {}),
    };
    const body = {
      name: name.trim(), creditorId, portfolioId, kind, location: location.trim(), format: format || null,
      ...(Object.keys(readerOptions).length ? { readerOptions } : {}),
      allOrNothing, snapshot,
      ...(scheduleKind === 'interval' ? { intervalMinutes: minutes } : { cron: cron.trim() }),
      ...(kind === 'http' && 'headers' in parsed && Object.keys(parsed.headers).length ? { httpHeaders: parsed.headers } : {}),
    };
    const r = await action.perform(() => api.post<Source>('/api/erp/sources', body));
    if (r.ok) {
      setName('');
      setLocation('');
      setHeaders('');
      onCreated(r.value);
    }
  };

  return (
    <Card title="Nova fonte">
      <form onSubmit={submit} aria-label="Nova fonte">
        <ErrorBox error={action.error} />
        <Field label="Nome da fonte" error={fe('name')}>
          {(id, d) => <input id={id} aria-describedby={d} required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="inline-form wrap">
          <Field label="Credor" error={fe('creditorId')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} required value={creditorId} onChange={(e) => (setCreditorId(e.target.value), setPortfolioId(''))}>
                <CreditorOptions creditors={creditors} empty="Escolha o credor…" />
              </select>
            )}
          </Field>
          <Field label="Carteira" error={fe('portfolioId')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} required value={portfolioId} onChange={(e) => setPortfolioId(e.target.value)} disabled={!creditorId}>
                <option value="">{creditorId ? 'Escolha a carteira…' : 'Escolha antes o credor'}</option>
                {creditorPortfolios.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset>
          <legend>Origem do arquivo</legend>
          <label className="check">
            <input type="radio" name="erp-kind" checked={kind === 'folder'} onChange={() => setKind('folder')} /> Pasta no servidor
          </label>
          <label className="check">
            <input type="radio" name="erp-kind" checked={kind === 'http'} onChange={() => setKind('http')} /> URL HTTP(S)
          </label>
          <Field
            label={kind === 'folder' ? 'Pasta' : 'URL'}
            hint={kind === 'folder' ? `Relativa à pasta da assessoria, ERP_FOLDER_ROOT/${tenantSlug} (por exemplo "loja"); são lidos os arquivos .csv, .txt, .jsonl e .ndjson, por nome.` : 'https://… da exportação; buscada com GET condicional (ETag, Last-Modified).'}
            error={fe('location')}
          >
            {(id, d) => <input id={id} aria-describedby={d} required maxLength={2000} type={kind === 'http' ? 'url' : 'text'} value={location} onChange={(e) => setLocation(e.target.value)} />}
          </Field>
          {kind === 'http' && (
            <Field label="Cabeçalhos HTTP" hint='Um por linha, "Nome: valor" (por exemplo "Authorization: Bearer …"). Os valores nunca são mostrados de novo.' error={fe('httpHeaders')}>
              {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} autoComplete="off" spellCheck={false} />}
            </Field>
          )}
        </fieldset>
        <fieldset>
          <legend>Leitura do arquivo</legend>
          <div className="inline-form wrap">
            <Field label="Formato" error={fe('format')}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={format} onChange={(e) => setFormat(e.target.value)}>
                  <option value="">Automático (extensão ou conteúdo)</option>
                  <option value="csv">CSV</option>
                  <option value="jsonl">JSON lines</option>
                </select>
              )}
            </Field>
            <Field label="Separador" error={fe('readerOptions.delimiter', 'readerOptions')}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={delimiter} onChange={(e) => setDelimiter(e.target.value)}>
                  <option value="">Automático</option>
                  <option value=";">Ponto e vírgula (;)</option>
                  <option value=",">Vírgula (,)</option>
                  <option value="tab">Tabulação</option>
                  <option value="|">Barra vertical (|)</option>
                </select>
              )}
            </Field>
            <Field label="Decimal" error={fe('readerOptions.decimal')}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={decimal} onChange={(e) => setDecimal(e.target.value)}>
                  <option value="">Automático</option>
                  <option value="comma">Vírgula (1.234,56)</option>
                  <option value="point">Ponto (1234.56)</option>
                </select>
              )}
            </Field>
            <Field label="Codificação" error={fe('readerOptions.encoding')}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={encoding} onChange={(e) => setEncoding(e.target.value)}>
                  <option value="">Automática</option>
                  <option value="utf-8">UTF-8</option>
                  <option value="latin1">Latin-1 (ISO-8859-1)</option>
                </select>
              )}
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)} /> Tudo ou nada: recusar o arquivo inteiro se alguma linha tiver erro
          </label>
          <label className="check">
            <input type="checkbox" checked={snapshot} onChange={(e) => setSnapshot(e.target.checked)} /> Carteira completa: títulos em aberto ausentes do arquivo são baixados
          </label>
        </fieldset>
        <fieldset>
          <legend>Periodicidade</legend>
          <label className="check">
            <input type="radio" name="erp-schedule" checked={scheduleKind === 'cron'} onChange={() => setScheduleKind('cron')} /> Expressão cron
          </label>
          <label className="check">
            <input type="radio" name="erp-schedule" checked={scheduleKind === 'interval'} onChange={() => setScheduleKind('interval')} /> A cada N minutos
          </label>
          {scheduleKind === 'cron' ? (
            <Field label="Expressão cron" hint='Horário de Brasília; "0 7 * * 1-5" = dias úteis às 7h.' error={fe('cron', 'intervalMinutes')}>
              {(id, d) => <input id={id} aria-describedby={d} required maxLength={100} value={cron} onChange={(e) => setCron(e.target.value)} spellCheck={false} />}
            </Field>
          ) : (
            <Field label="Intervalo (minutos)" error={fe('intervalMinutes', 'cron')}>
              {(id, d) => <input id={id} aria-describedby={d} required inputMode="numeric" value={interval} onChange={(e) => setIntervalText(e.target.value)} />}
            </Field>
          )}
        </fieldset>
        <button type="submit" className="button primary" disabled={action.busy}>
          Criar fonte
        </button>
      </form>
    </Card>
  );
}

/** API keys of the integration user: the key is shown once, on creation. */
function ApiKeys() {
  const users = useLoad(() => api.get<{ items: User[] }>('/api/users'), []);
  const [userId, setUserId] = useState('');
  const keys = useLoad(() => (userId ? api.get<ApiKey[]>(`/api/users/${userId}/api-keys`) : Promise.resolve([] as ApiKey[])), [userId]);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const action = useAction();
  const user = users.data?.items.find((u) => u.id === userId);
  const nowMs = Date.now();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setShown(null);
    // the end of the chosen day in Brasília
    const r = await action.perform(() => api.post<ApiKey & { key: string }>(`/api/users/${userId}/api-keys`, { name: name.trim(), ...(expires ? { expiresAt: `${expires}T23:59:59-03:00` } : {}) }), { then: keys.reload });
    if (r.ok) {
      setShown({ name: r.value.name, key: r.value.key });
      setName('');
      setExpires('');
    }
  };

  return (
    <Card title="Chaves de API">
      <p className="muted">
        O ERP se autentica com a chave de um usuário criado para a integração, enviada como <code>Authorization: Bearer rk_…</code>. A chave só vale para as rotas de integração ERP (erp.sync), dentro
        do que o perfil do usuário permite: use um usuário com perfil Supervisor. Tudo o que o ERP faz fica registrado em nome desse usuário; emitir e revogar chaves fica no registro de auditoria.
      </p>
      <ErrorBox error={users.error ?? keys.error ?? action.error} />
      <Success message={action.done} />
      {!users.data ? (
        <Loading />
      ) : (
        <Field label="Usuário da integração">
          {(id) => (
            <select id={id} value={userId} onChange={(e) => (setUserId(e.target.value), setShown(null), action.setDone(null))}>
              <option value="">Escolha o usuário…</option>
              {users.data!.items.filter((u) => u.active).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email}) — {label(ROLE, u.role)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {shown && (
        <ShownOnce title="Chave de API criada" value={shown.key} testId="api-key" dismissLabel="Já guardei a chave" onDismiss={() => setShown(null)}>
          Copie agora a chave <strong>{shown.name}</strong>: ela não será mostrada de novo (só o SHA-256 fica guardado).
        </ShownOnce>
      )}
      {userId && (
        <>
          {!keys.data ? (
            <Loading />
          ) : (
            <DataTable
              caption={`Chaves de ${user?.name ?? 'usuário'}`}
              rowKey={(k) => k.id}
              rows={keys.data}
              empty="Nenhuma chave emitida para este usuário."
              columns={[
                { header: 'Nome', cell: (k) => k.name },
                { header: 'Início da chave', cell: (k) => <code>{k.prefix}…</code>, csv: (k) => k.prefix },
                { header: 'Pode usar', cell: (k) => k.scopes.join(', '), csv: (k) => k.scopes.join(' ') },
                { header: 'Criada em', cell: (k) => dateTimeBR(k.createdAt) },
                { header: 'Expira em', cell: (k) => (k.expiresAt ? dateTimeBR(k.expiresAt) : 'não expira') },
                { header: 'Último uso', cell: (k) => (k.lastUsedAt ? dateTimeBR(k.lastUsedAt) : 'nunca') },
                {
                  header: 'Situação',
                  cell: (k) =>
                    k.revokedAt ? (
                      <Badge tone="bad">Revogada em {dateBR(k.revokedAt.slice(0, 10))}</Badge>
                    ) : k.expiresAt && Date.parse(k.expiresAt) <= nowMs ? (
                      <Badge tone="warn">Expirada</Badge>
                    ) : (
                      <Badge tone="good">Ativa</Badge>
                    ),
                  csv: (k) => (k.revokedAt ? 'Revogada' : k.expiresAt && Date.parse(k.expiresAt) <= nowMs ? 'Expirada' : 'Ativa'),
                },
                {
                  header: 'Ações',
                  cell: (k) =>
                    k.revokedAt ? (
                      '—'
                    ) : (
                      <button type="button" className="link-button" disabled={action.busy} aria-label={`Revogar a chave ${k.name} (${k.prefix}…)`} onClick={async () => {
                        if (!window.confirm(`Revogar a chave ${k.name}? O sistema que a usa deixa de ter acesso na hora.`)) return;
                        await action.perform(() => api.delete<ApiKey>(`/api/users/${userId}/api-keys/${k.id}`), { message: `Chave ${k.name} revogada.`, then: keys.reload });
                      }}>
                        Revogar
                      </button>
                    ),
                  csv: () => '',
                },
              ]}
            />
          )}
          <form onSubmit={create} aria-label="Nova chave de API">
            <div className="inline-form wrap">
              <Field label="Nome da chave" hint='Para que serve (por exemplo "ERP Protheus").' error={action.fieldErrors.name ?? null}>
                {(id, d) => <input id={id} aria-describedby={d} required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />}
              </Field>
              <Field label="Expira em (opcional)" hint="Sem data, não expira: revogue quando não for mais usada." error={action.fieldErrors.expiresAt ?? null}>
                {(id, d) => <input id={id} aria-describedby={d} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
              </Field>
              <button type="submit" className="button primary" disabled={action.busy}>
                Criar chave
              </button>
            </div>
          </form>
        </>
      )}
    </Card>
  );
}
