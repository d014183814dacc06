import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** PostgreSQL server; when absent or empty, the embedded PGlite database under DATA_DIR is used. */
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Hours a login session lasts. */
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Seed the demo agency on the first start of an empty database. */
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Upload size limit for imports through the API, in megabytes. */
  MAX_UPLOAD_MB: z.coerce.number().positive().default(1024),
  /** Public address of this server: links in messages (the debtor's page). */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /** SMTP server for e-mail (smtp://user:pass@host:port or smtps://…); without it e-mails are not dispatched. */
  SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** Sender of collection e-mails. */
  MAIL_FROM: z.string().default('Recupera <cobranca@recupera.invalid>'),
  /** SMS through Twilio's Messaging API (or any gateway speaking it); all three set to enable. */
  TWILIO_API_URL: z.string().url().default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: optional,
  TWILIO_AUTH_TOKEN: optional,
  /** Sender number (E.164) or Messaging Service SID (MG…). */
  TWILIO_FROM: optional,
  /** WhatsApp through Meta's Cloud API; phone number id and access token to send, app secret to accept receipts. */
  WHATSAPP_API_URL: z.string().url().default('https://graph.facebook.com/v21.0'),
  WHATSAPP_PHONE_NUMBER_ID: optional,
  WHATSAPP_ACCESS_TOKEN: optional,
  WHATSAPP_APP_SECRET: optional,
  /** The token Meta sends back when the webhook is registered (GET /api/webhooks/whatsapp). */
  WHATSAPP_VERIFY_TOKEN: optional,
  /** Folder where batches of letters for the print house are written (default DATA_DIR/cartas). */
  LETTERS_DIR: optional,
  /** A dialer's webhook for the calls of the schedule (without it, calls wait in the collectors' queue). */
  DIALER_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** Shared secret that signs requests to and from the dialer. */
  DIALER_SECRET: optional,
  /** A PSP speaking the Banco Central's PIX API (cob/cobv, OAuth2 client credentials); without it PIX charges are static BR Codes. */
  PIX_PSP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  PIX_PSP_CLIENT_ID: optional,
  PIX_PSP_CLIENT_SECRET: optional,
  /** A credit bureau speaking the adapter's JSON protocol (docs/escalation.md); without it listings wait as "requested". */
  BUREAU_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  BUREAU_API_KEY: optional,
  /** The bureau's name on listings (serasa, spc, boavista…). */
  BUREAU_NAME: z.string().default('serasa'),
  // ── Enrichment (part A of issue 9, docs/enrichment.md) ──
  /** BrasilAPI or a service speaking its format (CNPJ and CEP); unset: the demo's own stand-in when SEED_DEMO, else https://brasilapi.com.br. */
  ENRICHMENT_BRASILAPI_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** Milliseconds a provider has to answer one lookup. */
  ENRICHMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  /** Days a provider's answer is served from the cache (free), and hours for a "not found". */
  ENRICHMENT_CACHE_TTL_DAYS: z.coerce.number().positive().default(30),
  ENRICHMENT_NOT_FOUND_TTL_HOURS: z.coerce.number().positive().default(24),
  /** What a CNPJ lookup at the provider costs, in centavos (the public BrasilAPI is free; a paid provider's price goes here). */
  ENRICHMENT_BRASILAPI_COST_CENTS: z.coerce.number().int().min(0).default(10),
  /** What a CEP lookup costs, in centavos. */
  ENRICHMENT_BRASILAPI_CEP_COST_CENTS: z.coerce.number().int().min(0).default(0),
  /** Each tenant's daily budget for paid lookups (centavos and number), unless the tenant has its own (PUT /api/enrichment/budget). */
  ENRICHMENT_DAILY_BUDGET_CENTS: z.coerce.number().int().min(0).default(5000),
  ENRICHMENT_DAILY_MAX_LOOKUPS: z.coerce.number().int().min(0).default(500),
  /** Login attempts allowed per minute and client address. */
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(10),
  // ── Debtor portal (docs/portal.md). A CPF is no secret and the second factor — a birth date —
  // has only some 30,000 likely values, so the limits below, counted in the database (they hold
  // across processes), are what keeps anyone from guessing a person's date or walking through CPFs.
  /** Minutes a portal session lasts without use: it shows personal and financial data, often on a shared phone. */
  PORTAL_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  /** Hours a portal session lasts at most, however active. */
  PORTAL_SESSION_MAX_HOURS: z.coerce.number().positive().default(4),
  /** The window of the portal's attempt counters, in minutes. */
  PORTAL_RATE_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** Failed identifications and code requests per document in the window before 429: 5 per 15 min lets a person mistype, and an attacker ~20 guesses an hour. */
  PORTAL_MAX_ATTEMPTS_PER_DOCUMENT: z.coerce.number().int().positive().default(5),
  /** The same per day (24 h): caps a slow attack on one person's birth date at 20 guesses a day (years for the whole range of dates). */
  PORTAL_MAX_ATTEMPTS_PER_DOCUMENT_PER_DAY: z.coerce.number().int().positive().default(20),
  /** Identification attempts per client address in the window, whatever the document: stops walking through CPFs from one address. */
  PORTAL_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().positive().default(20),
  /** Privacy requests (LGPD form) per client address in the window: the form is public, it must not become a spam gate. */
  PORTAL_MAX_PRIVACY_REQUESTS_PER_IP: z.coerce.number().int().positive().default(5),
  /** Minutes a one-time code is valid, and the wrong tries it survives: 5 tries of a 6-digit code is a 1 in 200,000 chance. */
  PORTAL_CODE_TTL_MINUTES: z.coerce.number().int().positive().default(10),
  PORTAL_CODE_MAX_TRIES: z.coerce.number().int().positive().default(5),
  /** Show prescribed debts in the portal (a passive listing the debtor asks for); off by default: STJ REsp 2.088.100, Tema 1.264 pending. */
  PORTAL_SHOW_PRESCRIBED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  // ── ERP sync (docs/erp-sync.md; part C of issue 9)
  /** Folder sources read only inside this directory: a source must not make the server read its own files. */
  ERP_FOLDER_ROOT: z.string().default('./data/erp'),
  /** Allow pull URLs on private, loopback and link-local addresses (an ERP inside the agency's network; demo, tests). */
  ERP_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Milliseconds an ERP has to answer a pull. */
  ERP_PULL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  // ── LGPD requests (part E of issue 9, docs/privacy.md)
  /** Years personal data are kept after a debt is settled or prescribed, then anonymized by the daily job: PRODUCT.md sets 5–10 (LGPD art. 16; CC arts. 205 e 206). */
  PRIVACY_RETENTION_YEARS: z.coerce.number().int().min(5).max(10).default(5),
  // ── Outbound webhooks (docs/webhooks.md; part B of issue 9)
  /** Attempts per delivery before it is marked failed (retries after 1 min, 5 min, 30 min, 2 h, 6 h, then every 24 h). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  /** Milliseconds a receiver has to answer one delivery. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Allow subscription URLs on private, loopback and link-local addresses (SSRF guard off): demo, tests, a receiver inside the agency's network. */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export type Config = z.infer<typeof schema> & { pgliteDir: string; lettersDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('config', `Variável de ambiente ${issue.path.join('.')} inválida: ${issue.message}`, {
      field: String(issue.path[0]),
    });
  }
  return { ...parsed.data, pgliteDir: path.join(parsed.data.DATA_DIR, 'pglite'), lettersDir: parsed.data.LETTERS_DIR ?? path.join(parsed.data.DATA_DIR, 'cartas') };
}
