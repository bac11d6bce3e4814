import { runConformanceTests } from '@durable-streams/server-conformance-tests';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  authorizeFetch,
  createTestSpace,
  openTestStore,
  startTestServer,
  storeKinds,
  type TestServer,
} from './harness.ts';

/**
 * The official Durable Streams conformance suite against our server, once per store.
 * It runs through the real app and a real space: every request carries the space's
 * token, as a device's would, and stream paths resolve inside that space.
 */
for (const kind of storeKinds()) {
  describe(`Durable Streams conformance on ${kind}`, () => {
    const config = { baseUrl: '', longPollTimeoutMs: 500 };
    let server: TestServer;
    let dispose: () => Promise<void>;
    let token = '';
    let restore: () => void;

    beforeAll(async () => {
      const opened = await openTestStore(kind);
      dispose = opened.dispose;
      server = await startTestServer(opened.store, {
        longPollMs: 500,
        sseMs: 2_000,
        requestsPerMinute: 1_000_000,
        maxSpaceStreams: 1_000_000,
      });
      const space = await createTestSpace(server.url);
      token = space.token;
      config.baseUrl = space.base;
      restore = authorizeFetch(
        () => server.url,
        () => token,
      );
    });

    afterAll(async () => {
      restore();
      await server.close();
      await dispose();
    });

    runConformanceTests(config);
  });
}
