import { afterEach, expect, test } from 'vitest';
import { OutputBus, type OutputMessage } from '../../../worker/orchestrator/output-bus.ts';
import type { OutputUpdate } from '../../../worker/orchestrator/run-api.ts';

const channels: BroadcastChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
});

const delta = (text: string, reset = false): OutputUpdate => ({
  taskId: 'api',
  attempt: 1,
  role: 'code-generator',
  provider: 'openai',
  model: 'gpt-5-mini',
  text,
  reset,
});

/** A bus as an engine makes it, joined to the other tabs by a real BroadcastChannel. */
function tab(name: string): OutputBus {
  const channel = new BroadcastChannel(name);
  channels.push(channel);
  const bus = new OutputBus(10, { post: (message) => channel.postMessage(message) });
  channel.addEventListener('message', (event: MessageEvent<OutputMessage>) => {
    if (event.data.kind === 'output') bus.receive(event.data.projectId, event.data.updates);
  });
  return bus;
}

test('deltas are gathered into one update per call and flushed to this tab’s watchers', async () => {
  const bus = new OutputBus(10);
  const seen: OutputUpdate[][] = [];
  bus.subscribe('p', (updates) => seen.push(updates));
  bus.publish('p', delta('', true));
  bus.publish('p', delta('{"fi'));
  bus.publish('p', delta('les"'));
  bus.publish('other', delta('not mine'));
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(seen).toEqual([[delta('{"files"', true)]]);
});

test('a tab watching a run that another tab drives sees the same output', async () => {
  const name = `orchestra-output-test-${Date.now()}`;
  const writer = tab(name);
  const observer = tab(name);
  const seen: string[] = [];
  observer.subscribe('p', (updates) => seen.push(updates.map((update) => update.text).join('')));
  writer.publish('p', delta('', true));
  writer.publish('p', delta('hello'));
  await expect.poll(() => seen.join('')).toBe('hello');
});
