/**
 * Prompt caching on the wire: the adapters mark what may be cached (Anthropic
 * `cache_control` breakpoints, OpenAI `prompt_cache_key`), the simulator's cache model
 * answers as each provider would, and the adapters read the cached-token fields back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProviderRequest } from '../../../worker/providers/contract/provider-request.ts';
import type { RemoteProviderId } from '../../../worker/providers/contract/provider-id.ts';
import type { Usage } from '../../../worker/providers/contract/usage.ts';
import { withCacheBreakpoints } from '../../../worker/providers/anthropic/cache-breakpoints.ts';
import { CacheLedger } from '../../../worker/providers/anthropic/cache-ledger.ts';
import { createAdapter } from '../../../worker/providers/create-adapter.ts';
import { PromptCaches } from '../../sim/prompt-cache.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { collect } from './collect.ts';

const clock = { now: 1_000_000 };
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ promptCache: true, now: () => clock.now });
});
afterAll(() => sim.close());

const system = `You are the Code Generator (role: code-generator).\n${'Write complete, runnable files. '.repeat(200)}`;
const stable = `# Project: Notes\n\n${'A notes service with a small web page and its upstream files. '.repeat(300)}`;

function requestFor(model: string, task: string, key = 'project-1:code-generator'): ProviderRequest {
  return {
    model,
    system,
    messages: [{ role: 'user', content: `${stable}\n\n## Your task: ${task}` }],
    maxOutputTokens: 256,
    cache: { key, stablePrefixChars: stable.length },
  };
}

async function usageOf(provider: RemoteProviderId, request: ProviderRequest): Promise<Usage | undefined> {
  const adapter = createAdapter({ provider, apiKey: 'sk-test-cache', baseUrl: sim.baseUrl(provider) });
  sim.enqueue(provider, { kind: 'text', text: 'done' });
  const parts = await collect(adapter.stream(request, new AbortController().signal));
  const usage = parts.find((part) => part.type === 'usage');
  return usage?.type === 'usage' ? usage.usage : undefined;
}

describe.each([
  ['anthropic', 'claude-sonnet-4-5'],
  ['openai', 'gpt-5-mini'],
  ['gemini', 'gemini-2.5-flash'],
] as const)('%s', (provider, model) => {
  test('a second task with the same stable prefix reads it from the cache; an expired one does not', async () => {
    clock.now += 3_600_000;
    const first = await usageOf(provider, requestFor(model, 'first'));
    expect(first?.cachedInputTokens).toBe(0);
    const second = await usageOf(provider, requestFor(model, 'second, a different task'));
    const prefixTokens = Math.ceil((system.length + stable.length) / 4);
    expect(second?.cachedInputTokens).toBeGreaterThanOrEqual(prefixTokens - 128);
    // Automatic caches also match what follows the prefix and happens to be the same ("## Your task: ").
    expect(second?.cachedInputTokens).toBeLessThanOrEqual(prefixTokens + 8);
    expect((second?.cachedInputTokens ?? 0) / (second?.inputTokens ?? 1)).toBeGreaterThan(0.9);
    if (provider === 'anthropic') expect(first?.cacheWriteTokens).toBe(prefixTokens);
    clock.now += 6 * 60_000;
    expect((await usageOf(provider, requestFor(model, 'third, after the cache expired')))?.cachedInputTokens).toBe(0);
  });
});

test('OpenAI: the cache key is sent, and prompts under another key do not share a cache', async () => {
  clock.now += 3_600_000;
  await usageOf('openai', requestFor('gpt-5-mini', 'first', 'project-1:ui-designer'));
  expect((sim.requests.at(-1)?.body as { prompt_cache_key?: string }).prompt_cache_key).toBe('project-1:ui-designer');
  const other = await usageOf('openai', requestFor('gpt-5-mini', 'second', 'project-2:ui-designer'));
  expect(other?.cachedInputTokens).toBe(0);
});

test('Anthropic: breakpoints after the system prompt and the stable prefix, only where long enough', () => {
  const marked = withCacheBreakpoints(requestFor('claude-sonnet-4-5', 'a task'));
  expect(marked.system).toEqual([{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }]);
  expect(marked.messages[0]?.content).toEqual([
    { type: 'text', text: stable, cache_control: { type: 'ephemeral' } },
    { type: 'text', text: '\n\n## Your task: a task' },
  ]);
  const short = withCacheBreakpoints({
    model: 'claude-haiku-4-5',
    system: 'Be terse.',
    messages: [{ role: 'user', content: 'Short project.\n\nTask.' }],
    maxOutputTokens: 10,
    cache: { key: 'k', stablePrefixChars: 14 },
  });
  // Under 1,024 tokens a breakpoint caches nothing: none is sent.
  expect(short).toEqual({ system: 'Be terse.', messages: [{ role: 'user', content: 'Short project.\n\nTask.' }] });
});

test('Anthropic: a stable prefix that grew by a file still reads what the shorter one cached, at a block boundary', async () => {
  clock.now += 3_600_000;
  const file = (name: string) => `#### ${name} (whole, 40 lines)\n${'print("a line of the file")\n'.repeat(40)}\n`;
  const project = `# Project: Notes\n\n${'A notes service with a small web page. '.repeat(120)}\n\n## Upstream files from the team\n\n`;
  const ask = (files: string[], task: string): ProviderRequest => {
    const prefix = project + files.join('');
    const ends = [project.length];
    let at = project.length;
    for (const text of files) ends.push((at += text.length));
    return {
      model: 'claude-opus-4-1',
      system,
      messages: [{ role: 'user', content: `${prefix}\n\n## Your task: ${task}` }],
      maxOutputTokens: 256,
      cache: { key: 'p:code-generator', stablePrefixChars: prefix.length, blockEnds: ends.slice(0, -1) },
    };
  };
  const shorter = ask([file('a.py'), file('b.py')], 'first');
  const marked = withCacheBreakpoints(shorter);
  const blocks = marked.messages[0]?.content as { text: string; cache_control?: unknown }[];
  expect(blocks.map((block) => block.text).join('')).toBe(shorter.messages[0]?.content);
  expect(blocks.filter((block) => block.cache_control).length).toBe(1);
  expect(blocks.length).toBe(4);
  await usageOf('anthropic', shorter);
  const grown = await usageOf('anthropic', ask([file('a.py'), file('b.py'), file('c.py')], 'second'));
  const shorterTokens = Math.ceil((system.length + project.length + 2 * file('a.py').length) / 4);
  expect(grown?.cachedInputTokens).toBe(shorterTokens);
  expect(grown?.cacheWriteTokens).toBe(
    Math.ceil((system.length + project.length + 3 * file('a.py').length) / 4) - shorterTokens,
  );
});

/**
 * A prompt as the agents lay it out: the project and the files (the last one's trailing
 * blank line trimmed), a blank line, then the task; blocks end before each heading.
 */
function laidOut(fileCount: number, task: string): ProviderRequest {
  const project = `# Project: Stock\n\n${'An inventory service with a search page. '.repeat(60)}\n\n## Upstream files from the team\n\n`;
  let stable = project;
  for (let at = 0; at < fileCount; at++) {
    stable += `#### src/part_${at}.py (whole, 6 lines)\n\`\`\`python\n${`print("part ${at}")\n`.repeat(6)}\`\`\`\n\n`;
  }
  stable = stable.trimEnd();
  const blockEnds: number[] = [];
  for (let at = stable.indexOf('\n#'); at !== -1; at = stable.indexOf('\n#', at + 1)) blockEnds.push(at + 1);
  return {
    model: 'claude-sonnet-4-5',
    system,
    messages: [{ role: 'user', content: `${stable}\n\n## Your task: ${task}` }],
    maxOutputTokens: 256,
    cache: { key: 'p:code-generator', stablePrefixChars: stable.length, blockEnds },
  };
}

const cachedTokensOf = (request: ProviderRequest) =>
  Math.ceil((system.length + (request.messages[0]?.content.indexOf('## Your task') ?? 0)) / 4);

test('Anthropic: the breakpoint sits after the blank line, where a later prompt with more files has a boundary', async () => {
  clock.now += 3_600_000;
  const shorter = laidOut(3, 'first');
  await usageOf('anthropic', shorter);
  const grown = await usageOf('anthropic', laidOut(4, 'second'));
  // Everything the first call sent before its task, the blank line included, is read back.
  expect(grown?.cachedInputTokens).toBe(cachedTokensOf(shorter));
  expect(grown?.cacheWriteTokens).toBe(cachedTokensOf(laidOut(4, 'second')) - cachedTokensOf(shorter));
});

test('Anthropic: a prefix that grew by 45 files (eight tasks finished in between) still reads the shorter one', async () => {
  clock.now += 3_600_000;
  const shorter = laidOut(5, 'first');
  await usageOf('anthropic', shorter);
  const grownRequest = laidOut(50, 'second');
  const marked = withCacheBreakpoints(grownRequest);
  const blocks = marked.messages[0]?.content as { text: string; cache_control?: unknown }[];
  // Nothing lost or added, and never more than four breakpoints.
  expect(blocks.map((block) => block.text).join('')).toBe(grownRequest.messages[0]?.content);
  const systemMarks = Array.isArray(marked.system) ? marked.system.filter((block) => block.cache_control).length : 0;
  expect(systemMarks + blocks.filter((block) => block.cache_control).length).toBeLessThanOrEqual(4);
  const grown = await usageOf('anthropic', grownRequest);
  expect(grown?.cachedInputTokens).toBe(cachedTokensOf(shorter));
  expect(grown?.cacheWriteTokens).toBe(cachedTokensOf(grownRequest) - cachedTokensOf(shorter));
});

test('Anthropic: a prefix no later call reads is sent unmarked, unless it can read what an earlier call marked', async () => {
  clock.now += 3_600_000;
  const ledger = new CacheLedger(() => clock.now);
  const adapter = createAdapter(
    { provider: 'anthropic', apiKey: 'sk-test-cache', baseUrl: sim.baseUrl('anthropic') },
    { cacheLedger: ledger },
  );
  const send = async (request: ProviderRequest) => {
    sim.enqueue('anthropic', { kind: 'text', text: 'done' });
    const parts = await collect(adapter.stream(request, new AbortController().signal));
    const body = sim.requests.at(-1)?.body as { system?: unknown; messages?: { content?: unknown }[] };
    const usage = parts.find((part) => part.type === 'usage');
    return {
      marked: JSON.stringify(body).includes('cache_control'),
      usage: usage?.type === 'usage' ? usage.usage : undefined,
    };
  };
  const last = (model: string, task: string): ProviderRequest => {
    const request = requestFor(model, task, 'project-1:debugger');
    return { ...request, cache: { ...request.cache!, readLater: false } };
  };
  const prefixTokens = Math.ceil((system.length + stable.length) / 4);

  // The only call of its key: a write would cost a quarter more and nothing would read it.
  const alone = await send(last('claude-sonnet-4-5', 'the only review'));
  expect(alone.marked).toBe(false);
  expect(alone.usage).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: 0 });

  // A call that later ones will read writes; the last of them still marks, to read it.
  const first = await send(requestFor('claude-sonnet-4-5', 'first of two', 'project-1:debugger'));
  expect(first.usage?.cacheWriteTokens).toBe(prefixTokens);
  const second = await send(last('claude-sonnet-4-5', 'second of two'));
  expect(second.marked).toBe(true);
  expect(second.usage).toMatchObject({ cachedInputTokens: prefixTokens, cacheWriteTokens: 0 });

  // Nothing of that key on another model, or once the entry has lapsed: unmarked again.
  expect((await send(last('claude-opus-4-1', 'on another model'))).marked).toBe(false);
  clock.now += 5 * 60_000 + 1;
  expect((await send(last('claude-sonnet-4-5', 'after five minutes'))).marked).toBe(false);
});

test('Anthropic: on Haiku 4.5 no breakpoint goes under its 4,096-token minimum, where it would cache nothing', () => {
  // The system prompt alone is about 1,600 tokens: enough on Sonnet 4.5, not on Haiku 4.5.
  const sonnet = withCacheBreakpoints(requestFor('claude-sonnet-4-5', 'a task'));
  expect(Array.isArray(sonnet.system)).toBe(true);
  const haiku = withCacheBreakpoints(requestFor('claude-haiku-4-5-20251001', 'a task'));
  expect(haiku.system).toBe(system);
  expect(haiku.messages[0]?.content).toEqual([
    { type: 'text', text: stable, cache_control: { type: 'ephemeral' } },
    { type: 'text', text: '\n\n## Your task: a task' },
  ]);
});

test('simulator, Anthropic: Haiku 4.5 caches from 4,096 tokens, and a prefix is readable only once the answer that wrote it has begun', () => {
  const caches = new PromptCaches(() => clock.now);
  const bodyOf = (model: string, repeat: number) => ({
    model,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'x'.repeat(repeat * 4), cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'The task.' },
        ],
      },
    ],
  });
  expect(caches.usageFor('anthropic', bodyOf('claude-haiku-4-5', 3000)).usage.cacheWriteTokens).toBe(0);
  expect(caches.usageFor('anthropic', bodyOf('claude-sonnet-4-5', 3000)).usage.cacheWriteTokens).toBe(3000);

  const first = caches.usageFor('anthropic', bodyOf('claude-haiku-4-5', 5000));
  expect(first.usage).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: 5000 });
  // Sent while the first is still reading its prompt: it writes the same prefix again.
  const together = caches.usageFor('anthropic', bodyOf('claude-haiku-4-5', 5000));
  expect(together.usage).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: 5000 });
  first.begun();
  const after = caches.usageFor('anthropic', bodyOf('claude-haiku-4-5', 5000));
  expect(after.usage).toMatchObject({ cachedInputTokens: 5000, cacheWriteTokens: 0 });
});

test('Anthropic: a request sent while another of its prefix is still being read waits for that answer to begin, then reads it', async () => {
  clock.now += 3_600_000;
  const ledger = new CacheLedger(() => clock.now);
  const connection = { provider: 'anthropic', apiKey: 'sk-test-cache', baseUrl: sim.baseUrl('anthropic') } as const;
  const prefixTokens = Math.ceil((system.length + stable.length) / 4);
  // Both answers take a while to begin, as a model reading thousands of tokens does.
  sim.enqueue(
    'anthropic',
    { kind: 'text', text: 'first', firstTokenMs: 300 },
    { kind: 'text', text: 'second', firstTokenMs: 300 },
  );
  const usageIn = async (request: ProviderRequest) => {
    const parts = await collect(
      createAdapter(connection, { cacheLedger: ledger }).stream(request, new AbortController().signal),
    );
    const usage = parts.find((part) => part.type === 'usage');
    return usage?.type === 'usage' ? usage.usage : undefined;
  };
  const [first, second] = await Promise.all([
    usageIn(requestFor('claude-sonnet-4-5', 'one of a wave', 'project-1:ui-designer')),
    usageIn(requestFor('claude-sonnet-4-5', 'another of the wave', 'project-1:ui-designer')),
  ]);
  expect(first).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: prefixTokens });
  expect(second).toMatchObject({ cachedInputTokens: prefixTokens, cacheWriteTokens: 0 });
});

test('Anthropic: a request whose stream fails before its answer begins lets the ones waiting on it go at once', async () => {
  clock.now += 3_600_000;
  // A wait far longer than the test may take: only the failed stream letting go ends it.
  const ledger = new CacheLedger(() => clock.now, 600_000);
  const connection = { provider: 'anthropic', apiKey: 'sk-test-cache', baseUrl: sim.baseUrl('anthropic') } as const;
  sim.enqueue('anthropic', { kind: 'malformed' }, { kind: 'text', text: 'done' });
  await collect(
    createAdapter(connection, { cacheLedger: ledger }).stream(
      requestFor('claude-sonnet-4-5', 'fails'),
      new AbortController().signal,
    ),
  );
  const parts = await collect(
    createAdapter(connection, { cacheLedger: ledger }).stream(
      requestFor('claude-sonnet-4-5', 'after it'),
      new AbortController().signal,
    ),
  );
  expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
}, 15_000);

test('Anthropic: the wait for another answer to begin is bounded: a request behind one that hangs still goes out', async () => {
  clock.now += 3_600_000;
  const ledger = new CacheLedger(() => clock.now, 50);
  const connection = { provider: 'anthropic', apiKey: 'sk-test-cache', baseUrl: sim.baseUrl('anthropic') } as const;
  sim.enqueue('anthropic', { kind: 'hang', after: 'request' }, { kind: 'text', text: 'done' });
  const stuck = new AbortController();
  const hanging = collect(
    createAdapter(connection, { cacheLedger: ledger }).stream(requestFor('claude-sonnet-4-5', 'hangs'), stuck.signal),
  );
  // The hanging request is on the wire (the simulator holds it) before the second is sent.
  await expect.poll(() => sim.requests.filter((request) => request.provider === 'anthropic').length).toBeGreaterThan(0);
  const parts = await collect(
    createAdapter(connection, { cacheLedger: ledger }).stream(
      requestFor('claude-sonnet-4-5', 'behind it'),
      new AbortController().signal,
    ),
  );
  expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  stuck.abort();
  await hanging;
});
