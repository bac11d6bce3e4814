import type { AgentInput, TaskKind } from '../../../worker/agents/agent-role.ts';
import type { Finding } from '../../../worker/agents/contracts.ts';
import type { ContextFile } from '../../../worker/orchestrator/context.ts';

/*
 * Seeded random agent inputs and upstream files for the property tests of prompts and
 * their UTF-8 counts: mostly ASCII, with Latin-1, BMP and astral characters, lone
 * surrogates (often at the very start or end of a text, where joined texts meet), Unicode
 * white space (which `trim` removes) and backtick runs (which lengthen a fence). Plain
 * data in, plain data out: the same seed gives the same inputs on any version of the code.
 */

type Random = () => number;

const oddities = [
  'é',
  'ß',
  '—',
  '漢',
  '😀',
  '𝄞',
  '\ud83d',
  '\ude00',
  '\ud800',
  '\udc00',
  '\u00ff',
  '\u07ff',
  '\u0800',
  '```',
  '`',
  ' ',
  '\t',
  '\n',
  '\n\n',
  '\u3000',
  '\u00a0',
  '\ufeff',
  '\u2028',
];
const highSurrogates = ['\ud83d', '\ud800', '\udbff'];
const lowSurrogates = ['\ude00', '\udc00', '\udfff'];
const trailingSpace = [' ', '\n', '\t \n', '\u3000', '\u00a0\n', '\ufeff', '\u2029'];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** A text of about `length` code units; its ends are often a lone surrogate or white space. */
export function randomText(random: Random, length: number): string {
  const parts: string[] = [];
  if (random() < 0.25) parts.push(pick(random, lowSurrogates));
  for (let size = 0; size < length;) {
    const part = random() < 0.85 ? 'abcdefgh ij\n.'.charAt(Math.floor(random() * 13)) : pick(random, oddities);
    parts.push(part);
    size += part.length;
  }
  const end = random();
  if (end < 0.25) parts.push(pick(random, highSurrogates));
  else if (end < 0.4) parts.push(pick(random, trailingSpace));
  return parts.join('');
}

const words = (random: Random, count: number, length: number) =>
  Array.from({ length: Math.floor(random() * (count + 1)) }, () =>
    randomText(random, 1 + Math.floor(random() * length)),
  );

function randomFinding(random: Random): Finding {
  return {
    severity: pick(random, ['critical', 'major', 'minor', 'info'] as const),
    file: randomText(random, 1 + Math.floor(random() * 12)),
    line: random() < 0.5 ? null : 1 + Math.floor(random() * 200),
    message: randomText(random, 1 + Math.floor(random() * 60)),
    suggestion: random() < 0.3 ? '' : randomText(random, Math.floor(random() * 40)),
  };
}

/** A context as a caller might hand one over: empty, white space only, or any text. */
function randomContext(random: Random): string {
  const shape = random();
  if (shape < 0.1) return '';
  if (shape < 0.2) return pick(random, trailingSpace) + pick(random, trailingSpace);
  return randomText(random, Math.floor(random() * 3000));
}

/** An agent input with every field random. */
export function randomAgentInput(random: Random): AgentInput {
  const kind = pick(random, ['build', 'fix', 'review', 'scaffold'] as const satisfies readonly TaskKind[]);
  return {
    project: {
      name: randomText(random, 1 + Math.floor(random() * 20)),
      description: random() < 0.1 ? '' : randomText(random, Math.floor(random() * 200)),
      template: random() < 0.6 ? null : randomText(random, 8),
    },
    plan:
      random() < 0.2
        ? null
        : {
            summary: randomText(random, Math.floor(random() * 200)),
            stack: words(random, 3, 12),
            languages: words(random, 3, 8),
          },
    task: {
      id: randomText(random, 1 + Math.floor(random() * 10)),
      title: randomText(random, 1 + Math.floor(random() * 30)),
      instructions: random() < 0.1 ? '  ' : randomText(random, Math.floor(random() * 300)),
      expectedArtifacts: words(random, 3, 16),
      acceptance: words(random, 3, 40),
      kind,
      round: 1 + Math.floor(random() * 3),
    },
    context: randomContext(random),
    findings: Array.from({ length: random() < 0.5 ? 0 : Math.floor(random() * 4) }, () => randomFinding(random)),
    conversation: Array.from({ length: Math.floor(random() * 3) }, () => ({
      from: random() < 0.5 ? ('user' as const) : ('project-manager' as const),
      text: randomText(random, Math.floor(random() * 80)),
    })),
    currentTasks: Array.from({ length: Math.floor(random() * 3) }, () => ({
      id: randomText(random, 6),
      role: pick(random, ['code-generator', 'ui-designer', 'test-writer', 'debugger'] as const),
      title: randomText(random, 12),
      status: pick(random, ['pending', 'running', 'done']),
      instructions: randomText(random, Math.floor(random() * 60)),
    })),
    // Not drawn: the golden prompt digests were made when 12 was the planner's default limit.
    maxPlanTasks: 12,
  };
}

const languages = ['python', 'typescript', 'html', 'css', 'markdown', 'json', 'text'];

/**
 * Upstream files with random paths (some given twice, some ending in white space), texts,
 * languages and dependency marks, and a budget and focus to fit them to.
 */
export function randomFiles(random: Random): {
  files: ContextFile[];
  budgetTokens: number;
  focus: string[];
} {
  const files: ContextFile[] = [];
  const count = Math.floor(random() * 14);
  for (let i = 0; i < count; i++) {
    const again = files.length > 0 && random() < 0.08 ? pick(random, files) : undefined;
    const path =
      again?.path ??
      `${pick(random, ['src/', 'web/', '', './', 'lib\\'])}${randomText(random, 1 + Math.floor(random() * 10))}${pick(random, ['.py', '.ts', '.html', '', ' ', '\u3000'])}`;
    const lines = Array.from({ length: Math.floor(random() * 40) }, () =>
      random() < 0.3 ? `def f${i}_${Math.floor(random() * 99)}(x):` : randomText(random, Math.floor(random() * 70)),
    );
    files.push({
      path,
      language: pick(random, languages),
      content: random() < 0.05 ? '' : lines.join('\n') + (random() < 0.5 ? '\n' : ''),
      direct: random() < 0.4,
    });
  }
  const focus = files
    .filter(() => random() < 0.2)
    .map((file) => (random() < 0.5 ? file.path : (file.path.split('/').pop() ?? '')));
  return { files, budgetTokens: Math.floor(random() * 4000), focus };
}
