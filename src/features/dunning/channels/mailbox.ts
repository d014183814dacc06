import fs from 'node:fs';
import path from 'node:path';
import type { ChannelAdapter } from './channel.ts';

/**
 * A local stand-in for a text-message provider (demo and simulation): each message becomes a
 * file in a folder that can be browsed. The real adapters (sms.ts, whatsapp.ts) speak the
 * providers' HTTP APIs.
 */
export function mailboxChannel(channel: 'sms' | 'whatsapp', dir: string, clock: () => Date = () => new Date()): ChannelAdapter {
  fs.mkdirSync(dir, { recursive: true });
  return {
    channel,
    async send(messages) {
      return messages.map((message) => {
        const file = path.join(dir, `${clock().toISOString().slice(0, 10)}-${channel}-${message.actionId}.txt`);
        fs.writeFileSync(file, `Para: ${message.to}\nCanal: ${channel}\n\n${message.text}\n`);
        return { status: 'sent' as const, providerId: path.basename(file) };
      });
    },
  };
}
