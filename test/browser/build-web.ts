import { build } from 'vite';

/** The browser tests drive the web app as built for production: build it once before they run. */
export default async function buildWebApp(): Promise<void> {
  await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
