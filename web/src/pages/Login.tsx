import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ErrorBox } from '../components/ui.tsx';
import { api } from '../api.ts';
import { useAction, useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';

export function LoginPage() {
  const { me, login } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const health = useLoad(() => api.get<{ demo: boolean }>('/health'), []);
  const demo = health.data?.demo ?? false;
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (me) return <Navigate to={from} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await login(email, password);
      navigate(from, { replace: true });
    });
  };

  return (
    <main className="login" id="conteudo">
      <form onSubmit={submit} className="card login-card" aria-labelledby="login-title">
        <h1 id="login-title">
          <img src="/favicon.svg" alt="" width={32} height={32} /> Recupera
        </h1>
        <p className="muted">Recuperação de crédito e cobrança extrajudicial</p>
        <div className="field">
          <label htmlFor="email">E-mail</label>
          <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">Senha</label>
          <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <ErrorBox error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Entrando…' : 'Entrar'}
        </button>
        {demo && (
          <p className="muted small">
            Demonstração: <code>supervisor@demo.recupera.test</code>, <code>analista@demo.recupera.test</code>, <code>operador@demo.recupera.test</code>… senha{' '}
            <code>recupera-demo</code>.
          </p>
        )}
      </form>
    </main>
  );
}
