import { NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from '../session.tsx';

interface NavItem {
  to: string;
  label: string;
  permission: string;
  /** The agency's own configuration: not shown to a creditor viewer (read-only portal: Painel, Devedores, Acordos, Repasses). */
  agencyOnly?: boolean;
}

/** The back office's menu: each item shows only to the roles that may use it. */
const NAV: NavItem[] = [
  { to: '/', label: 'Painel', permission: 'dashboard.read' },
  { to: '/fila', label: 'Minha fila', permission: 'queue.work' },
  { to: '/devedores', label: 'Devedores', permission: 'debtors.read' },
  { to: '/acordos', label: 'Acordos', permission: 'debts.read' },
  { to: '/importacoes', label: 'Carteiras e importações', permission: 'portfolios.read', agencyOnly: true },
  { to: '/reguas', label: 'Réguas', permission: 'schedules.read', agencyOnly: true },
  { to: '/modelos', label: 'Modelos de mensagem', permission: 'schedules.read', agencyOnly: true },
  { to: '/politicas', label: 'Políticas de negociação', permission: 'policies.read', agencyOnly: true },
  { to: '/repasses', label: 'Repasses', permission: 'remittance.read' },
  { to: '/integracoes/webhooks', label: 'Integrações → Webhooks', permission: 'webhooks.read', agencyOnly: true },
  { to: '/integracoes/erp', label: 'Integrações → ERP', permission: 'erp.sync', agencyOnly: true },
  { to: '/integracoes/enriquecimento', label: 'Integrações → Enriquecimento', permission: 'enrichment.read', agencyOnly: true },
  { to: '/supervisao', label: 'Supervisão', permission: 'supervision.read' },
  { to: '/privacidade', label: 'Privacidade (LGPD)', permission: 'privacy.read', agencyOnly: true },
];

export function visibleNav(permissions: string[], creditorViewer = false): NavItem[] {
  return NAV.filter((item) => permissions.includes(item.permission) && !(creditorViewer && item.agencyOnly));
}

export function Shell() {
  const { me, logout } = useSession();
  const navigate = useNavigate();
  if (!me) return null;
  return (
    <div className="shell">
      <a href="#conteudo" className="skip-link">
        Pular para o conteúdo
      </a>
      <header className="topbar">
        <span className="brand" aria-label="Recupera">
          <img src="/favicon.svg" alt="" width={28} height={28} /> Recupera
        </span>
        <span className="tenant">{me.tenantName}</span>
        <span className="who">
          {me.name} · <span className="muted-on-dark">{me.roleLabel}</span>
        </span>
        <button
          type="button"
          className="button ghost"
          onClick={async () => {
            await logout();
            navigate('/entrar');
          }}
        >
          Sair
        </button>
      </header>
      <div className="body">
        <nav aria-label="Menu principal" className="sidenav">
          <ul>
            {visibleNav(me.permissions, me.creditorId !== null).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
            <li>
              <a href={`/portal/${me.tenantSlug}`} target="_blank" rel="noreferrer">
                Portal do devedor ↗
              </a>
            </li>
            <li>
              <a href="/docs" target="_blank" rel="noreferrer">
                API ↗
              </a>
            </li>
          </ul>
        </nav>
        <main id="conteudo" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
