import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/**
 * The benchmark's local mail server, in its own process: accepts every message, counts the
 * distinct Message-IDs, prints its port on start and its counts when asked (a line on stdin).
 */
const ids = new Set<string>();
let messages = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 256,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      messages++;
      const id = /^Message-ID:\s*(.*)$/im.exec(head)?.[1]?.trim();
      if (id) ids.add(id);
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.server.address() as AddressInfo).port })}\n`));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (line.trim() === 'reset') {
    ids.clear();
    messages = 0;
  }
  process.stdout.write(`${JSON.stringify({ messages, distinct: ids.size })}\n`);
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
