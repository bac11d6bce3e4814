import { Hono } from 'hono';

export interface HealthInfo {
  version: string;
  startedAt: number;
}

/** `GET /api/health`: whether the server is up, which version, and for how long. */
export function healthRoute(info: HealthInfo) {
  return new Hono().get('/health', (c) =>
    c.json({
      status: 'ok',
      name: 'orchestra',
      version: info.version,
      uptimeSeconds: Math.round((Date.now() - info.startedAt) / 1000),
    }),
  );
}
