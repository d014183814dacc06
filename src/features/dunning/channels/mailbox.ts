import fs from 'node:fs';
import path from 'node:path';
import type { ChannelAdapter, OutgoingMessage } from './channel.ts';

/**
 * A local stand-in for a text-message provider (demo and simulation): each message becomes a
 * file in a folder that can be browsed. The real SMS and WhatsApp adapters speak the providers'
 * HTTP APIs; this one only writes.
 */
export function mailboxChannel(channel: 'sms' | 'whatsapp', dir: string, clock: () => Date = () => new Date()): ChannelAdapter {
  fs.mkdirSync(dir, { recursive: true });
  return {
    channel,
    async send(message: OutgoingMessage) {
      const file = path.join(dir, `${clock().toISOString().slice(0, 10)}-${channel}-${message.actionId}.txt`);
      fs.writeFileSync(file, `Para: ${message.to}\nCanal: ${channel}\n\n${message.text}\n`);
      return { providerId: path.basename(file) };
    },
  };
}
