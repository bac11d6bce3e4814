import { expect, test } from 'vitest';
import { measure } from '../../../worker/budget/utf8-length.ts';
import { sentUtf8Bytes } from '../../../worker/orchestrator/calls/metered-call.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { randomText } from '../agents/random-input.ts';

const encoded = (text: string) => new TextEncoder().encode(text).length;

test('property: what a call sends is counted as the system prompt, the messages one per line and the format, exactly', () => {
  const random = mulberry32(5);
  const formats = [
    { type: 'json', name: 'orchestra_files', schema: { type: 'object', description: 'naïve — 😀' } },
    { type: 'text' },
    'plain',
    null,
  ];
  for (let run = 0; run < 1000; run++) {
    const system = random() < 0.1 ? '' : randomText(random, Math.floor(random() * 300));
    const contents = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      random() < 0.2 ? (random() < 0.5 ? '\ude00' : '\ud83d') : randomText(random, Math.floor(random() * 400)),
    );
    const format = formats[Math.floor(random() * formats.length)];
    const sent = system + contents.join('\n') + JSON.stringify(format ?? '');
    expect(sentUtf8Bytes(system, contents.map(measure), format), `run ${run}`).toBe(encoded(sent));
  }
  // A system prompt ending in a high surrogate and a prompt starting with a low one make a pair.
  expect(sentUtf8Bytes('x\ud83d', [measure('\ude00')], 'f')).toBe(encoded('x😀"f"'));
});
