import type { Config } from '../../../shared/config.ts';
import type { Database } from '../../../store/database.ts';
import type { ChannelAdapter } from './channel.ts';
import { collectorQueueChannel } from './collector-queue.ts';
import { smtpChannel } from './email.ts';
import { letterBatchChannel } from './letters.ts';
import { twilioSmsChannel } from './sms.ts';
import { whatsappChannel } from './whatsapp.ts';

/**
 * The channels this installation can use: e-mail, SMS and WhatsApp when their providers are
 * configured; letters (files for the print house) and the collectors' queue always. A channel
 * without a provider leaves its actions planned until one is configured — never dropped.
 */
export function channelsFromConfig(db: Database, config: Config): ChannelAdapter[] {
  const base = config.PUBLIC_URL.replace(/\/$/, '');
  const channels: ChannelAdapter[] = [
    letterBatchChannel({ dir: config.lettersDir, sender: config.MAIL_FROM.replace(/\s*<.*>$/, '') }),
    collectorQueueChannel(db, 'voice', config.DIALER_URL && config.DIALER_SECRET ? { url: config.DIALER_URL, secret: config.DIALER_SECRET, callbackUrl: `${base}/api/webhooks/dialer` } : undefined),
    collectorQueueChannel(db, 'task'),
  ];
  if (config.SMTP_URL) channels.push(smtpChannel({ url: config.SMTP_URL, from: config.MAIL_FROM }));
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) {
    channels.push(twilioSmsChannel({ apiUrl: config.TWILIO_API_URL, accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM, statusCallbackUrl: `${base}/api/webhooks/twilio/status` }));
  }
  if (config.WHATSAPP_PHONE_NUMBER_ID && config.WHATSAPP_ACCESS_TOKEN) {
    channels.push(whatsappChannel({ apiUrl: config.WHATSAPP_API_URL, phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID, accessToken: config.WHATSAPP_ACCESS_TOKEN }));
  }
  return channels;
}
