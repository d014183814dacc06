import pino, { type Logger, type DestinationStream } from 'pino';
import { maskDeep, maskPersonalData } from './personal-data.ts';

/**
 * pino with personal data masked in every message and field. Known sensitive keys are removed
 * outright; any other string is scanned for CPF/CNPJ, e-mail and phone patterns.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['password', '*.password', 'req.headers.authorization', 'req.headers.cookie', 'token', '*.token'],
        censor: '[removido]',
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPersonalData(arg) : maskDeep(arg)));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: maskPersonalData((req.url ?? '').replace(/(\/api\/webhooks\/pix\/)[^/?]+/, '$1***')), id: req.id }),
        err: (err: Error) => {
          const serialized = pino.stdSerializers.err(err);
          return { ...serialized, message: maskPersonalData(serialized.message ?? ''), stack: maskPersonalData(serialized.stack ?? '') };
        },
      },
    },
    destination,
  );
}
