import { rateOf } from './rates.ts';

/**
 * Effectiveness of the dunning schedule's steps and channels (docs/dashboard.md): what went out,
 * what arrived, what failed, and how many of the debtors reached paid or accepted an agreement
 * within CONVERSION_WINDOW_DAYS of the message.
 */
export const CONVERSION_WINDOW_DAYS = 7;

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail', sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Ligação', letter: 'Carta', task: 'Tarefa', bureau: 'Negativação', protest: 'Protesto', legal: 'Jurídico',
};

export interface EffectivenessCounts {
  sent: number;
  delivered: number;
  failed: number;
  debtorsReached: number;
  debtorsConverted: number;
}

/**
 * Channels whose providers confirm delivery (SMS and WhatsApp status callbacks, the dialer's answered
 * calls). E-mail through SMTP and printed letters have no receipt: they are sent, never "delivered".
 */
export const CHANNELS_WITH_RECEIPTS: ReadonlySet<string> = new Set(['sms', 'whatsapp', 'voice']);

export interface Effectiveness extends EffectivenessCounts {
  /** debtorsConverted ÷ debtorsReached. */
  conversionRate: string | null;
  /** delivered ÷ sent; null for a channel without delivery receipts. */
  deliveryRate: string | null;
  hasReceipts: boolean;
}

export function effectivenessOf(counts: EffectivenessCounts, channel: string): Effectiveness {
  if (counts.debtorsConverted > counts.debtorsReached) throw new RangeError('mais devedores convertidos que alcançados');
  const hasReceipts = CHANNELS_WITH_RECEIPTS.has(channel);
  return { ...counts, conversionRate: rateOf(counts.debtorsConverted, counts.debtorsReached), deliveryRate: hasReceipts ? rateOf(counts.delivered, counts.sent) : null, hasReceipts };
}

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
