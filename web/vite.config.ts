import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app (back office and debtor portal), built into web/dist and served by the API server on
 * the same origin (`recupera serve`). `npm run dev:web` serves it with hot reload, proxying the API
 * to a server on :3000.
 */
const api = { target: 'http://localhost:3000', changeOrigin: false };

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/api': api, '/health': api, '/docs': api, '/openapi.json': api } },
});
