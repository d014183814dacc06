import fs from 'node:fs';
import path from 'node:path';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { PgliteDatabase } from '../../store/pglite-database.ts';
import { migrate } from '../../store/migrate.ts';
import { SeededRandom } from '../../domain/random.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { seedShippedSeries } from '../indices/shipped-series.ts';
import { startLocalSmtp } from './channels/local-smtp.ts';
import { smtpChannel } from './channels/email.ts';
import { collectorQueueChannel } from './channels/collector-queue.ts';
import { letterBatchChannel } from './channels/letters.ts';
import { mailboxChannel } from './channels/mailbox.ts';
import { recordReceipt } from './receipts.ts';
import { runDaily } from './daily-run.ts';
import { dispatchDue } from './dispatch.ts';

/**
 * `recupera simulate --days 90`: the demo agency in a throw-away embedded database, its régua
 * run day by day — the daily run at dawn, dispatch at 10:00 in Brasília into a local mailbox (a
 * real SMTP server for e-mail, files for SMS and WhatsApp, the print house's PDF batches of
 * letters under cartas/, calls as tasks whose results a simulated dialer reports) — with
 * seeded debtor responses (some pay, some dispute, some ask not to be contacted on a channel).
 * The demo comes with six months of history before `from`; the report counts only the simulated days.
 * Nothing touches the agency's own database.
 */
export interface SimulationOptions {
  days: number;
  from: IsoDate;
  out: string;
  seed?: string;
  onDay?: (day: IsoDate, index: number, sent: number) => void;
}

export interface SimulationReport {
  from: IsoDate;
  to: IsoDate;
  byStep: Array<{ step: string; channel: string; status: string; n: number }>;
  /** The most frequent reasons of blocked and failed actions. */
  failures: Array<{ reason: string; n: number }>;
  paidDebtors: number;
  disputes: number;
  optOuts: number;
  mailbox: string;
  emails: number;
  calls: { answered: number; unanswered: number };
}

/** The actions of the simulated days ($1 = from): planned by them, or planned by the demo's history and sent in them. */
const SIMULATED = `(run_date >= $1::date or exists (select 1 from deliveries d where d.tenant_id = actions.tenant_id and d.action_id = actions.id and d.attempted_at >= ($1::date - interval '1 day')
  and (d.attempted_at at time zone 'America/Sao_Paulo')::date >= $1::date))`;

export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const rnd = new SeededRandom(options.seed ?? 'simulacao');
  const mailbox = path.resolve(options.out, 'caixa-postal');
  fs.rmSync(mailbox, { recursive: true, force: true });
  fs.mkdirSync(mailbox, { recursive: true });
  let day = options.from;
  let emails = 0;
  const smtp = await startLocalSmtp((message) => fs.writeFileSync(path.join(mailbox, `${day}-email-${String(++emails).padStart(5, '0')}.eml`), message));
  const db = await PgliteDatabase.open(null);
  const email = smtpChannel({ url: smtp.url, from: 'Assessoria Recupera Demonstração <cobranca@demo.recupera.test>' });
  const clock = () => new Date(`${day}T13:00:00Z`);
  const channels = [
    email, mailboxChannel('sms', mailbox, clock), mailboxChannel('whatsapp', mailbox, clock),
    letterBatchChannel({ dir: path.join(mailbox, 'cartas'), sender: 'Assessoria Recupera Demonstração' }),
    collectorQueueChannel(db, 'voice'), collectorQueueChannel(db, 'task'),
  ];
  const calls = { answered: 0, unanswered: 0 };
  const answered = new Set<string>();
  let paidDebtors = 0;
  let disputes = 0;
  let optOuts = 0;
  try {
    await migrate(db);
    await seedShippedSeries(db);
    await seedDemo(db, { asOf: options.from });
    for (let i = 0; i < options.days; i++) {
      day = addDays(options.from, i);
      await runDaily(db, { asOf: day });
      // Months after the last published index are itemized with the last known value (marked provisional).
      const summary = await dispatchDue(db, { now: clock(), channels, publicUrl: 'http://localhost:3000', balancePolicy: { maxProvisionalMonths: 36 } });
      // The dialer reports today's calls: some answered, most not.
      const openCalls = await db.system(async ({ sql }) => (await sql.query<{ id: string }>(`select id from collector_tasks where kind = 'call' and status = 'open' order by id`)).rows);
      for (const call of openCalls) {
        const picked = rnd.next() < 0.35;
        calls[picked ? 'answered' : 'unanswered']++;
        await recordReceipt(db, { channel: 'voice', providerId: call.id, status: picked ? 'delivered' : 'undelivered', providerStatus: picked ? 'answered' : 'no_answer', at: clock() });
      }
      // Responses of the people who heard from us today.
      const sentToday = await db.system(async ({ sql }) =>
        (await sql.query<{ id: string; debtor_id: string; channel: string }>(`select id, debtor_id, channel from actions where status = 'sent' and ${SIMULATED} order by id`, [options.from])).rows.filter((a) => !answered.has(a.id)),
      );
      for (const a of sentToday) answered.add(a.id);
      const reached = [...new Map(sentToday.map((a) => [a.debtor_id, a])).values()];
      await db.system(async ({ sql }) => {
        for (const { debtor_id: debtorId, channel } of reached) {
          const roll = rnd.next();
          if (roll < 0.05) {
            await sql.query(`update debts set status = 'paid', status_changed_at = now() where debtor_id = $1 and status = 'open'`, [debtorId]);
            await sql.query(`insert into events (tenant_id, debtor_id, type, actor_kind, data) select tenant_id, id, 'simulation.paid', 'debtor', '{}' from debtors where id = $1`, [debtorId]);
            paidDebtors++;
          } else if (roll < 0.06) {
            await sql.query(`update debts set disputed_at = now() where debtor_id = $1 and status = 'open'`, [debtorId]);
            disputes++;
          } else if (roll < 0.07) {
            await sql.query(`update contact_points set opted_out_channels = array_append(opted_out_channels, $2) where debtor_id = $1 and not $2 = any(opted_out_channels)`, [debtorId, channel]);
            optOuts++;
          }
        }
      });
      options.onDay?.(day, i, summary.sent);
    }
    const byStep = await db.system(async ({ sql }) =>
      (await sql.query<{ step: string; channel: string; status: string; n: number }>(
        `select step_id as step, channel, status, count(*)::int as n from actions where ${SIMULATED} group by 1, 2, 3 order by 1, 3`,
        [options.from],
      )).rows,
    );
    const failures = await db.system(async ({ sql }) =>
      (await sql.query<{ reason: string; n: number }>(`select case when status = 'failed' then reason else rule end as reason, count(*)::int as n from actions where status in ('failed', 'blocked') and ${SIMULATED} group by 1 order by 2 desc limit 5`, [options.from])).rows,
    );
    return { from: options.from, to: day, byStep, failures, paidDebtors, disputes, optOuts, mailbox, emails, calls };
  } finally {
    email.close();
    await db.close();
    await smtp.close();
  }
}
