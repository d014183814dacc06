// A minimal receiver of Recupera's outbound webhooks (docs/webhooks.md), in plain Node (18+):
//   WEBHOOK_SECRET=whsec_… PORT=4000 node examples/webhook-receiver.mjs
// It checks the signature over the raw body and the timestamp, answers 2xx quickly, and
// processes each event id once (deliveries are at least once: retries and replays repeat ids).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) throw new Error('defina WEBHOOK_SECRET com o segredo mostrado na criação da assinatura');
const TOLERANCE_SECONDS = 300;
const processed = new Set(); // in production: a table with a unique key on the event id

function verify(header, rawBody) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  if (Math.abs(Date.now() / 1000 - Number(match[1])) > TOLERANCE_SECONDS) return false; // an old request replayed by someone else
  const expected = createHmac('sha256', secret).update(`${match[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8'); // verify the bytes as received, before any JSON.parse
      if (!verify(req.headers['x-recupera-signature'], raw)) return res.writeHead(401).end();
      const event = JSON.parse(raw);
      if (processed.has(event.id)) {
        console.log(`repetido  ${event.type} ${event.id} (ignorado)`);
        return res.writeHead(200).end();
      }
      processed.add(event.id);
      console.log(`recebido  ${event.type} ${event.id}\n${JSON.stringify(event.data, null, 2)}`);
      res.writeHead(204).end();
    });
  })
  .listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => console.log(`receptor em http://127.0.0.1:${process.env.PORT ?? 4000}/recupera`));
