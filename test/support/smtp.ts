import { startLocalSmtp } from '../../src/features/dunning/channels/local-smtp.ts';

export interface ReceivedMail {
  messageId: string;
  to: string;
  raw: string;
}

/** A real SMTP server, in process, on a free port: what it receives is what a debtor's mailbox would. */
export async function startSmtpServer(): Promise<{ url: string; received: ReceivedMail[]; close: () => Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = await startLocalSmtp((message, recipients) => {
    const raw = message.toString('utf8');
    received.push({ messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '', to: recipients.join(','), raw });
  });
  return { ...server, received };
}

/** A body as the debtor reads it (nodemailer sends accented text as quoted-printable). */
export function quotedPrintable(raw: string): string {
  const text = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}
