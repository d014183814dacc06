import nodemailer from 'nodemailer';
import { errorText, mapWithConcurrency, type ChannelAdapter, type OutgoingMessage, type SendOutcome } from './channel.ts';

/**
 * E-mail over SMTP (nodemailer), over a pool of connections kept open between batches. The
 * Message-ID carries the action id, so a receiver can de-duplicate.
 */
export function smtpChannel(options: { url: string; from: string; connections?: number }): ChannelAdapter & { close(): void } {
  const connections = options.connections ?? 8;
  const transport = nodemailer.createTransport({ url: options.url, pool: true, maxConnections: connections, maxMessages: Infinity });
  const sendOne = async (message: OutgoingMessage): Promise<SendOutcome> => {
    try {
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${message.actionId}@recupera>`,
        headers: { 'X-Recupera-Action': message.actionId },
      });
      return { status: 'sent', providerId: info.messageId };
    } catch (error) {
      return smtpFailure(error);
    }
  };
  return {
    channel: 'email',
    send: (messages) => mapWithConcurrency(messages, connections * 4, sendOne),
    close: () => transport.close(),
  };
}

/** An SMTP reply is a definite answer (4xx: try later; 5xx: refused); no connection: nothing was sent; anything else may have arrived. */
export function smtpFailure(error: unknown): SendOutcome {
  const { responseCode, code } = error as { responseCode?: number; code?: string };
  if (typeof responseCode === 'number') return { status: 'failed', error: errorText(error), retryable: responseCode < 500 };
  if (code === 'ECONNECTION' || code === 'EDNS') return { status: 'failed', error: errorText(error), retryable: true };
  return { status: 'unknown', error: errorText(error) };
}
