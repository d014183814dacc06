import { AppError } from '../shared/errors.ts';

/** Counts bytes as they stream and stops an upload above the limit. */
export async function* limited(stream: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new AppError('payload_too_large', `O arquivo excede o limite de ${Math.round(maxBytes / 1048576)} MB.`);
    yield chunk;
  }
}
