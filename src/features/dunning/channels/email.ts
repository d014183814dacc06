import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutgoingMessage } from './channel.ts';

/** E-mail over SMTP (nodemailer). The Message-ID carries the action id, so a receiver can de-duplicate. */
export function smtpChannel(options: { url: string; from: string }): ChannelAdapter & { close(): void } {
  const transport = nodemailer.createTransport(options.url);
  return {
    channel: 'email',
    async send(message: OutgoingMessage) {
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${message.actionId}@recupera>`,
        headers: { 'X-Recupera-Action': message.actionId },
      });
      return { providerId: info.messageId };
    },
    close: () => transport.close(),
  };
}
