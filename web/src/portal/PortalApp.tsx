import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, NavLink, Route, Routes, useParams } from 'react-router';
import { api, ApiError } from '../api.ts';
import { ErrorBox, Field, Loading } from '../components/ui.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { DebtsPage } from './DebtsPage.tsx';
import { EducationPage } from './EducationPage.tsx';
import { PrivacyPage } from './PrivacyPage.tsx';
import type { PortalInfo, PortalMe } from './types.ts';

/** The debtor's portal: public, mobile first, one agency per address (/portal/{agência}). */
export function PortalApp() {
  return (
    <Routes>
      <Route path=":tenant/*" element={<PortalShell />} />
      <Route path="*" element={<main className="portal" id="conteudo"><h1>Portal do devedor</h1><p>Use o endereço completo recebido na mensagem (por exemplo /portal/nome-da-assessoria).</p></main>} />
    </Routes>
  );
}

function PortalShell() {
  const { tenant = '' } = useParams();
  const info = useLoad(() => api.get<PortalInfo>(`/api/portal/${tenant}`), [tenant]);
  const [sessionTick, setSessionTick] = useState(0);
  const me = useLoad(
    () =>
      api.get<PortalMe>(`/api/portal/${tenant}/me`).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }),
    [tenant, sessionTick],
  );
  const base = `/portal/${tenant}`;
  const refresh = () => setSessionTick((t) => t + 1);
  if (info.error) return <main className="portal" id="conteudo"><ErrorBox error={info.error} /></main>;
  if (!info.data) return <main className="portal" id="conteudo"><Loading /></main>;

  const logout = async () => {
    await api.delete(`/api/portal/${tenant}/session`).catch(() => undefined);
    refresh();
  };

  return (
    <div className="portal">
      <a href="#conteudo" className="skip-link">Pular para o conteúdo</a>
      <header className="portal-top">
        <span className="brand">{info.data.name}</span>
        <nav aria-label="Portal">
          <ul>
            <li><NavLink to={base} end>Meus débitos</NavLink></li>
            <li><NavLink to={`${base}/dicas`}>Dicas financeiras</NavLink></li>
            <li><NavLink to={`${base}/privacidade`}>Privacidade</NavLink></li>
            {me.data && <li><button type="button" className="link-button" onClick={logout}>Sair</button></li>}
          </ul>
        </nav>
      </header>
      <main id="conteudo" tabIndex={-1}>
        <Routes>
          <Route index element={me.loading && !me.data ? <Loading /> : me.data ? <DebtsPage tenant={tenant} me={me.data} onChange={me.reload} /> : <Identify tenant={tenant} info={info.data} onIdentified={refresh} />} />
          <Route path="dicas" element={<EducationPage />} />
          <Route path="privacidade" element={<PrivacyPage tenant={tenant} info={info.data} />} />
        </Routes>
        <ErrorBox error={me.error} />
      </main>
      <footer>
        <p>
          {info.data.name}
          {info.data.document ? ` · CNPJ ${info.data.document}` : ''}
          {info.data.phone ? ` · ${info.data.phone}` : ''}
          {info.data.email ? ` · ${info.data.email}` : ''}
        </p>
        <p>
          Cobrança feita em nome dos credores identificados em cada título. <Link to={`${base}/privacidade`}>Aviso de privacidade e seus direitos (LGPD)</Link>.
        </p>
      </footer>
    </div>
  );
}

/** Identification: CPF/CNPJ plus the birth date, or plus a one-time code sent to a contact we already have. */
function Identify({ tenant, info, onIdentified }: { tenant: string; info: PortalInfo; onIdentified: () => void }) {
  const [document, setDocument] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<'birth' | 'code'>('birth');
  const [codeSent, setCodeSent] = useState<string | null>(null);
  const action = useAction();
  const digits = document.replace(/\D/g, '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await api.post(`/api/portal/${tenant}/session`, mode === 'birth' ? { document: digits, birthDate } : { document: digits, code: code.trim() });
      onIdentified();
    });
  };
  const sendCode = (channel: 'email' | 'sms') =>
    action.run(async () => {
      const answer = await api.post<{ message: string }>(`/api/portal/${tenant}/codes`, { document: digits, channel });
      setCodeSent(answer.message);
    });

  return (
    <section aria-labelledby="identificacao">
      <h1 id="identificacao">Consulte e negocie seus débitos</h1>
      <p>Veja o que está em aberto, com o credor e o cálculo de cada valor, e escolha a melhor forma de pagar — com desconto, à vista ou parcelado.</p>
      <form onSubmit={submit} className="card">
        <Field label="CPF ou CNPJ">
          {(id) => <input id={id} inputMode="numeric" autoComplete="off" required value={document} onChange={(e) => setDocument(e.target.value)} placeholder="000.000.000-00" />}
        </Field>
        <fieldset>
          <legend>Como confirmar que é você</legend>
          <label className="check"><input type="radio" name="fator" checked={mode === 'birth'} onChange={() => setMode("birth")} /> com a data de nascimento</label>
          <label className="check"><input type="radio" name="fator" checked={mode === 'code'} onChange={() => setMode("code")} /> com um código por e-mail ou SMS</label>
        </fieldset>
        {mode === 'birth' ? (
          <Field label="Data de nascimento">{(id) => <input id={id} type="date" required value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />}</Field>
        ) : (
          <>
            <div className="actions">
              {info.identification.codeChannels.length === 0 && <p className="muted">O envio de códigos não está disponível; use a data de nascimento.</p>}
              {info.identification.codeChannels.map((c) => (
                <button key={c} type="button" className="button" disabled={digits.length < 11 || action.busy} onClick={() => sendCode(c)}>
                  Enviar código por {c === 'email' ? 'e-mail' : 'SMS'}
                </button>
              ))}
            </div>
            {codeSent && <p role="status" className="success">{codeSent}</p>}
            <Field label="Código recebido (6 dígitos)">{(id) => <input id={id} inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" value={code} onChange={(e) => setCode(e.target.value)} />}</Field>
          </>
        )}
        <ErrorBox error={action.error} />
        <button type="submit" className="button primary" disabled={action.busy}>Entrar</button>
      </form>
      <p className="muted small">Por segurança, depois de algumas tentativas sem sucesso o acesso fica bloqueado por alguns minutos.</p>
    </section>
  );
}

export function PortalCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
