import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Shell, visibleNav } from './components/Shell.tsx';
import { Loading } from './components/ui.tsx';
import { AgreementsPage } from './pages/Agreements.tsx';
import { CasePage } from './pages/Case.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { DebtorsPage } from './pages/Debtors.tsx';
import { EnrichmentPage } from './pages/Enrichment.tsx';
import { ErpPage } from './pages/Erp.tsx';
import { ImportsPage } from './pages/Imports.tsx';
import { LoginPage } from './pages/Login.tsx';
import { PoliciesPage } from './pages/Policies.tsx';
import { PrivacyPage } from './pages/Privacy.tsx';
import { QueuePage } from './pages/Queue.tsx';
import { RemittancePage, StatementPage } from './pages/Remittance.tsx';
import { WebhooksPage } from './pages/Webhooks.tsx';
import { SchedulesPage } from './pages/Schedules.tsx';
import { SupervisionPage } from './pages/Supervision.tsx';
import { TemplatesPage } from './pages/Templates.tsx';
import { PortalApp } from './portal/PortalApp.tsx';
import { SessionProvider, useSession } from './session.tsx';
import './styles.css';

function RequireSession() {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/entrar" replace state={{ from: location.pathname + location.search }} />;
  return <Shell />;
}

/** The role's first screen: the dashboard for managers, the queue for collectors. */
function Home() {
  const { me } = useSession();
  if (me?.permissions.includes('dashboard.read')) return <DashboardPage />;
  const first = visibleNav(me?.permissions ?? [])[0];
  return <Navigate to={first?.to ?? '/devedores'} replace />;
}

function BackOffice() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/entrar" element={<LoginPage />} />
        <Route element={<RequireSession />}>
          <Route index element={<Home />} />
          <Route path="fila" element={<QueuePage />} />
          <Route path="devedores" element={<DebtorsPage />} />
          <Route path="devedores/:debtorId" element={<CasePage />} />
          <Route path="acordos" element={<AgreementsPage />} />
          <Route path="importacoes" element={<ImportsPage />} />
          <Route path="reguas" element={<SchedulesPage />} />
          <Route path="modelos" element={<TemplatesPage />} />
          <Route path="politicas" element={<PoliciesPage />} />
          <Route path="supervisao" element={<SupervisionPage />} />
          <Route path="repasses" element={<RemittancePage />} />
          <Route path="repasses/:statementId" element={<StatementPage />} />
          <Route path="integracoes/webhooks" element={<WebhooksPage />} />
          <Route path="integracoes/erp" element={<ErpPage />} />
          <Route path="integracoes/enriquecimento" element={<EnrichmentPage />} />
          <Route path="privacidade" element={<PrivacyPage />} />
          <Route path="*" element={<p>Página não encontrada.</p>} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <Routes>
        <Route path="/portal/*" element={<PortalApp />} />
        <Route path="/*" element={<BackOffice />} />
      </Routes>
    </BrowserRouter>
  </StrictMode>,
);
