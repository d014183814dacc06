import { auditRoutes } from '../features/audit/audit.routes.ts';
import { balanceRoutes } from '../features/balances/balances.routes.ts';
import { authRoutes } from '../features/auth/auth.routes.ts';
import { creditorRoutes } from '../features/creditors/creditors.routes.ts';
import { dashboardRoutes } from '../features/dashboard/dashboard.routes.ts';
import { debtorRoutes } from '../features/debtors/debtors.routes.ts';
import { debtRoutes } from '../features/debts/debts.routes.ts';
import { dossierRoutes } from '../features/dunning/dossier.routes.ts';
import { dunningRoutes } from '../features/dunning/dunning.routes.ts';
import { escalationRoutes } from '../features/escalation/escalation.routes.ts';
import { paymentRoutes } from '../features/payments/payments.routes.ts';
import { webhookRoutes } from '../features/dunning/webhooks.routes.ts';
import { outboundWebhookRoutes } from '../features/webhooks/outbound-webhooks.routes.ts';
import { importRoutes } from '../features/imports/imports.routes.ts';
import { negotiationRoutes } from '../features/negotiation/negotiation.routes.ts';
import { portalRoutes } from '../features/portal/portal.routes.ts';
import { privacyRoutes } from '../features/privacy/privacy.routes.ts';
import { portfolioRoutes } from '../features/portfolios/portfolios.routes.ts';
import { userRoutes } from '../features/users/users.routes.ts';
import { scoringRoutes } from '../features/scoring/scoring.routes.ts';
import { workspaceRoutes } from '../features/workspace/workspace.routes.ts';
import { remittanceRoutes } from '../features/remittance/remittance.routes.ts';
import { enrichmentRoutes } from '../features/enrichment/enrichment.routes.ts';
import { erpRoutes } from '../features/erp/erp.routes.ts';
import { apiKeyRoutes } from '../features/auth/api-keys.ts';
import type { ApiContext, App } from './context.ts';

/** Every feature's routes; the cross-tenant test walks all of them through the OpenAPI document. */
export async function registerRoutes(app: App, context: ApiContext): Promise<void> {
  for (const register of [authRoutes, creditorRoutes, portfolioRoutes, debtorRoutes, debtRoutes, balanceRoutes, importRoutes, dunningRoutes, dossierRoutes, negotiationRoutes, paymentRoutes, escalationRoutes, scoringRoutes, workspaceRoutes, webhookRoutes, outboundWebhookRoutes, userRoutes, auditRoutes, portalRoutes, privacyRoutes, dashboardRoutes, enrichmentRoutes, remittanceRoutes, erpRoutes, apiKeyRoutes]) {
    await register(app, context);
  }
}
