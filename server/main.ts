/**
 * Starts the Orchestra server: `PORT` (default 8787, 0 for any free port), `HOST` (default
 * 127.0.0.1). Sync stores in SQLite under `ORCHESTRA_DATA_DIR` (default `data/`), or in
 * Postgres when `DATABASE_URL` is set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ownOriginsFor, proxyOptionsFromEnv } from './proxy/proxy-config.ts';
import { openStoreFromEnv } from './sync/open-store.ts';
import { syncLimitsFromEnv } from './sync/sync-options.ts';

const repoRoot = join(import.meta.dirname, '..');
const distDir = process.env['ORCHESTRA_DIST'] ?? join(repoRoot, 'dist');
const port = Number(process.env['PORT'] ?? 8787);
const hostname = process.env['HOST'] ?? '127.0.0.1';
const extraConnectSrc = (process.env['ORCHESTRA_CONNECT_SRC'] ?? '').split(/\s+/).filter(Boolean);

if (!existsSync(join(distDir, 'index.html'))) {
  process.stderr.write(`No built app in ${distDir}. Run \`npm run build\` first (\`npm start\` does it for you).\n`);
  process.exit(1);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a whole number from 0 to 65535, not "${process.env['PORT']}".\n`);
  process.exit(1);
}

const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const syncStore = await openStoreFromEnv(process.env, join(repoRoot, 'data'));
// Filled in once the port is known (PORT=0 picks one); the proxy reads it at each request.
const ownOrigins: string[] = [];
const app = createApp({
  distDir,
  version,
  extraConnectSrc,
  proxy: { ...proxyOptionsFromEnv(process.env), ownOrigins },
  sync: { store: syncStore, limits: syncLimitsFromEnv(process.env) },
});
const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  ownOrigins.push(...ownOriginsFor({ hostname, port: info.port, env: process.env }));
  process.stdout.write(`Orchestra is serving http://${hostname}:${info.port} (sync: ${syncStore.kind})\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => void syncStore.close().finally(() => process.exit(0))));
}
