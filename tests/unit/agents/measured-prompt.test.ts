import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import type { AgentInput, AgentRole } from '../../../worker/agents/agent-role.ts';
import {
  codeGenerator,
  debuggerAgent,
  projectManager,
  projectManagerChat,
  testWriter,
  uiDesigner,
} from '../../../worker/agents/index.ts';
import { measure } from '../../../worker/budget/utf8-length.ts';
import { buildContext, ContextCache, renderContext, renderedContextOf } from '../../../worker/orchestrator/context.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { randomAgentInput, randomFiles } from './random-input.ts';

const agents: AgentRole<unknown>[] = [
  codeGenerator,
  uiDesigner,
  testWriter,
  debuggerAgent,
  projectManager,
  projectManagerChat,
];
const encoded = (text: string) => new TextEncoder().encode(text).length;

/**
 * For seeds 1 to 150 of `randomAgentInput` and `randomFiles`: a digest of every agent's
 * prompt of the input as it is, and of the input carrying the rendered files, made by the
 * code as it was before prompts were measured (commit 03987e8). Prompts must not change
 * by a single code unit.
 */
const before = [
  'adfcc1216ac1ea9d',
  '471ce9b66e85273e',
  'c30b8bcd80e43c1e',
  '41ee9752e77fdf78',
  '3c7819091c684dc6',
  '4939125deb2b89e7',
  'c949bd3af4b7caa4',
  '15f64f91821f6e6a',
  '157ed9da58b55d92',
  '0e0d4e3638a5cb28',
  '0a278954fa7d621c',
  '0a45f730d9fd98e3',
  '419b4375bf450c09',
  '90b5e42f3d83af84',
  'ce16504fda9af3bf',
  'f3e09a71accd477d',
  '2fea2e4463fdd1e1',
  '8a4ba9d667d2e081',
  'da29c97f0bab3953',
  'fc6a3a3fee5fb3f8',
  '8dc7525f3560e131',
  'e6832b160138c786',
  '8173996079328b5b',
  '5c624aef45f80768',
  'b028d414eda57f02',
  '938214eb46bec90c',
  '85838115e74c6f0d',
  '391a2933ec4a8575',
  'ae5b2d157764eec9',
  '7e0d28e8232d5ecf',
  'fb841015c6a00281',
  '652d052b5322d85d',
  'a08279889965f865',
  'fd429f29cdf162fa',
  'ad908550de66b219',
  'aa1361f3c461e020',
  '8b5225ce358a6f20',
  'ae2a1b14aab4b676',
  'ff6ad1e23f92ef75',
  '2d4d25a4103d8271',
  'e32f9ec5f3b34ebc',
  'e4235cf27b42505c',
  'bb886f60064155ca',
  'ce67b61f1e18c9e6',
  '34cd6a639a622f16',
  'a9d14a683c50d68d',
  'b17d2f126feabc9e',
  '6ff45be88f0b6682',
  'deb992544db0c9e9',
  'd37f109ad214d590',
  'bfe0d6529f0be382',
  '5c92477de6f0f78c',
  'd57dcdea6ec576f5',
  '73f33229a5b2c1a3',
  'cf451b15707b5023',
  '50c4aae98c0b0c34',
  'd84a38533d4419c3',
  '59a17585fbd4637b',
  'ee039d3aa407ed03',
  '4d87a44f1bf0f4cc',
  '74306848b950ba71',
  '90fb16513d476023',
  'ff72db46cba131ad',
  '85c585894739ca9c',
  '7d1c587b7fecf7a0',
  '28d6ddd6e4278fa1',
  '6f43928f53b2a9fd',
  '6167b351570c422d',
  '3e1e2e68c01ab3af',
  '27a252e99bd0dc78',
  '488baa7f90a27300',
  '5277a70bfbd151ee',
  '8e7c077bf4039868',
  '7e5a11dbe1b934fd',
  'cacb3446d81ec588',
  '536a64ba514906bf',
  'a8fc7fc58de0e774',
  '2bec8b9b6d4a9be0',
  'eb451115f118011d',
  'ee6ba77019e4ea2a',
  'd41907b0cbdc33b5',
  'a4c7ea5777a0b8cb',
  '328a56d2649026b2',
  '94d076cf24276583',
  '026107c28f249245',
  '3dedc761fd0e5533',
  'bb70170534d32c98',
  '373306f44b20be8a',
  '68ad30bd74cc75f4',
  '1a1961da066a1b6c',
  'bd11c7e8db831ecd',
  'b571d8ccfe1ae37f',
  'c7f4518a5620594d',
  'e39bf281d5e73336',
  'bbffa8d4242788f5',
  'd0398e585fd85971',
  '9684dd43d393df73',
  'd97f0b03cfc34a71',
  '9d872da88257939d',
  'cec0852cff23cbc7',
  'f87e2cea17207614',
  '4fed89443a8db67f',
  '1e02c607f6913371',
  '162838e082ba3fe7',
  'e6e1b9309e20fe52',
  'c74d9b90add55fc4',
  '7652ce178392b52f',
  '298621d20338ab36',
  '7c2e87c659e714c2',
  'cc917841e5aa0771',
  'ee6b7439ea5d944c',
  'f916613645733302',
  'cb9980984c2cf934',
  'acc2c56c98720280',
  '5cbc0779bc6bf3f6',
  '62979e887774b86e',
  'd409e04caefb69fd',
  '51c626e3a2b35f7b',
  '23db4b221ae1951e',
  '7646d5fdb892cc36',
  'a6c1b0a38a6dc1af',
  'fcad44ee1c0c203f',
  '9d53b4cfe8214df8',
  '45cb49ad349e009a',
  '59a66b5cc52ec08c',
  'a438fce9df5f757c',
  '3d4c32fcdfe6a5c6',
  '43502ccd07677092',
  '8f653a5e037e13dd',
  '4be7c0734a0c3bd5',
  '9ae14a28295c6b30',
  '9aae8fa9a083ce20',
  'e580f71a5baa1e5d',
  '0781e054c317c952',
  '5a93a6c12103ba02',
  'b49c3a609a013281',
  '36c7fdd3d5a7ba37',
  '68669cc8fb66e0c1',
  '39dcf8314786d2d7',
  'f2c804612aaee7a8',
  '04f820adc9f83f8f',
  'afa59af363a7d00b',
  'c861a7b623f60ed0',
  'ba2b70c283a431c6',
  'c435cf68e6d24b85',
  '865cea93514e64e1',
  '383e8b0322d21269',
  'ddfcb652bc7a6c5d',
  'bd7f3cd23efc1e42',
  '0b2353978d393800',
];

/** The first 16 hex digits of the SHA-256 of every prompt, each as its length and its UTF-16 code units. */
function digest(prompts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const prompt of prompts) {
    hash.update(`${prompt.length}:`);
    hash.update(Buffer.from(prompt, 'utf16le'));
  }
  return hash.digest('hex').slice(0, 16);
}

function seeded(seed: number) {
  const random = mulberry32(seed);
  const input = randomAgentInput(random);
  return { input, ...randomFiles(random) };
}

test('prompts are the very texts the code made before they were measured', () => {
  for (let seed = 1; seed <= before.length; seed++) {
    const { input, files, budgetTokens, focus } = seeded(seed);
    const cache = new ContextCache();
    const context = files.length ? renderContext(buildContext(files, { budgetTokens, focus, cache }), cache) : '';
    const rendered = renderedContextOf(files, { budgetTokens, focus, cache: new ContextCache() });
    const withFiles: AgentInput = { ...input, context: rendered.text, measuredContext: rendered.shown };
    const plainPrompts = agents.flatMap((agent) => [agent.prompt(input), agent.prompt({ ...input, context })]);
    const measuredPrompts = agents.flatMap((agent) => [
      agent.measuredPrompt(input).text,
      agent.measuredPrompt(withFiles).text,
    ]);
    expect(digest(plainPrompts), `seed ${seed}`).toBe(before[seed - 1]);
    expect(digest(measuredPrompts), `seed ${seed}`).toBe(before[seed - 1]);
  }
});

test('property: a measured prompt is the prompt, with the UTF-8 length TextEncoder gives it', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { input, files, budgetTokens, focus } = seeded(seed);
    const rendered = renderedContextOf(files, { budgetTokens, focus, cache: new ContextCache() });
    const inputs: AgentInput[] = [
      input,
      { ...input, measuredContext: measure(input.context.trimEnd()) },
      { ...input, context: rendered.text },
      { ...input, context: rendered.text, measuredContext: rendered.shown },
    ];
    for (const agent of agents) {
      for (const [shape, given] of inputs.entries()) {
        const prompt = agent.prompt(given);
        const measured = agent.measuredPrompt(given);
        const where = `seed ${seed}, ${agent.title}, input ${shape}`;
        expect(measured.text, where).toBe(prompt);
        expect(measured.utf8Bytes, where).toBe(encoded(prompt));
        expect(measured.startsLow, where).toBe(/^[\udc00-\udfff]/.test(prompt));
        expect(measured.endsHigh, where).toBe(/[\ud800-\udbff]$/.test(prompt));
      }
      // The measured context changes how the prompt is counted, never what it says.
      expect(agent.prompt(inputs[3] as AgentInput)).toBe(agent.prompt(inputs[2] as AgentInput));
    }
  }
});
