import type { ProjectTemplate } from '../project-template.ts';

const store = `/** An in-memory store of items with ids; swap for a database when the service grows. */
export function createStore() {
  const items = new Map();
  let nextId = 1;
  return {
    list: () => [...items.values()],
    get: (id) => items.get(id),
    create(fields) {
      const item = { id: String(nextId++), title: fields.title, done: Boolean(fields.done) };
      items.set(item.id, item);
      return item;
    },
    update(id, fields) {
      const item = items.get(id);
      if (!item) return undefined;
      const updated = { ...item, ...fields, id };
      items.set(id, updated);
      return updated;
    },
    remove: (id) => items.delete(id),
  };
}

/** The reason an item body is invalid, or undefined when it is fine. */
export function validateItem(body, partial = false) {
  if (typeof body !== 'object' || body === null) return 'The body must be a JSON object.';
  if (!partial || 'title' in body) {
    if (typeof body.title !== 'string' || body.title.trim() === '') return 'title must be a non-empty string.';
    if (body.title.length > 200) return 'title must be at most 200 characters.';
  }
  if ('done' in body && typeof body.done !== 'boolean') return 'done must be true or false.';
  return undefined;
}
`;

const server = `import { createServer } from 'node:http';
import { createStore, validateItem } from './store.js';

const maxBody = 64 * 1024;

/** The HTTP service: JSON CRUD on /items, health on /health. */
export function createApp(store = createStore()) {
  return createServer(async (request, response) => {
    const send = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = /^\\/items(?:\\/([^/]+))?$/.exec(url.pathname);
      if (url.pathname === '/health') return send(200, { status: 'ok' });
      if (!match) return send(404, { error: 'Not found' });
      const id = match[1];
      if (request.method === 'GET' && !id) return send(200, store.list());
      if (request.method === 'GET') {
        const item = store.get(id);
        return item ? send(200, item) : send(404, { error: 'No such item' });
      }
      if (request.method === 'DELETE' && id) return store.remove(id) ? send(204) : send(404, { error: 'No such item' });
      if ((request.method === 'POST' && !id) || (request.method === 'PATCH' && id)) {
        const body = await readJson(request);
        const problem = validateItem(body, request.method === 'PATCH');
        if (problem) return send(400, { error: problem });
        if (request.method === 'POST') return send(201, store.create(body));
        const updated = store.update(id, body);
        return updated ? send(200, updated) : send(404, { error: 'No such item' });
      }
      return send(405, { error: 'Method not allowed' });
    } catch (error) {
      return send(error.status ?? 500, { error: error.status ? error.message : 'Internal error' });
    }
  });
}

async function readJson(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > maxBody) throw Object.assign(new Error('Body too large'), { status: 413 });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('The body is not valid JSON.'), { status: 400 });
  }
}

if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file://').href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, () => process.stdout.write(\`Listening on http://localhost:\${port}\\n\`));
}
`;

const tests = `import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/server.js';

let server;
let base;
before(async () => {
  server = createApp();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = \`http://127.0.0.1:\${server.address().port}\`;
});
after(() => server.close());

const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('health answers ok', async () => {
  const response = await fetch(\`\${base}/health\`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('items can be created, read, updated and deleted', async () => {
  const created = await fetch(\`\${base}/items\`, json('POST', { title: 'Write tests' }));
  assert.equal(created.status, 201);
  const item = await created.json();
  assert.deepEqual(item, { id: item.id, title: 'Write tests', done: false });
  const patched = await fetch(\`\${base}/items/\${item.id}\`, json('PATCH', { done: true }));
  assert.equal((await patched.json()).done, true);
  assert.equal((await (await fetch(\`\${base}/items\`)).json()).length, 1);
  assert.equal((await fetch(\`\${base}/items/\${item.id}\`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(\`\${base}/items/\${item.id}\`)).status, 404);
});

test('invalid bodies are refused with 400 and a reason', async () => {
  const empty = await fetch(\`\${base}/items\`, json('POST', { title: '' }));
  assert.equal(empty.status, 400);
  assert.match((await empty.json()).error, /title/);
  const broken = await fetch(\`\${base}/items\`, { method: 'POST', body: '{not json' });
  assert.equal(broken.status, 400);
});
`;

/** A small JSON HTTP service on Node's own http module, with its tests (`npm test`). */
export const apiService: ProjectTemplate = {
  id: 'api-service',
  title: 'API service',
  language: 'javascript',
  keywords: ['api', 'service', 'server', 'backend', 'rest', 'endpoint', 'http', 'crud'],
  stack: ['Node.js', 'JavaScript'],
  languages: ['javascript'],
  files: (name) => [
    {
      path: 'package.json',
      language: 'json',
      content: `${JSON.stringify(
        {
          name,
          version: '0.1.0',
          private: true,
          type: 'module',
          scripts: { start: 'node src/server.js', test: 'node --test' },
          engines: { node: '>=20' },
        },
        null,
        2,
      )}\n`,
    },
    { path: 'src/store.js', language: 'javascript', content: store },
    { path: 'src/server.js', language: 'javascript', content: server },
    { path: 'test/server.test.js', language: 'javascript', content: tests },
    {
      path: 'README.md',
      language: 'markdown',
      content: `# ${name}\n\nA JSON API for items: \`GET/POST /items\`, \`GET/PATCH/DELETE /items/:id\`, \`GET /health\`.\n\n- \`npm start\` — serves on PORT (default 3000)\n- \`npm test\` — runs the tests (Node 20+, no dependencies)\n\nBuilt by Orchestra's Template provider (no AI).\n`,
    },
  ],
};
