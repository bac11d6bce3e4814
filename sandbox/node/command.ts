/**
 * What the project says runs its tests: package.json's `test` script. A `node --test …`
 * script (also through c8, tsx or `npm run`) is run here, with its file arguments; another
 * test runner (jest, vitest, mocha…) is a package the sandbox does not have, so the run
 * is not runnable and says so. With no script, `node --test` is what runs.
 */
import { projectRoot, type Vfs } from './vfs.ts';

export interface TestCommand {
  /** The command a developer runs to rerun the suite. */
  command: string;
  /** File, directory or glob arguments of `node --test`. */
  args: string[];
  /** The test runner the script needs and the sandbox lacks. */
  blockedBy?: string | undefined;
}

const otherRunners = [
  'jest',
  'vitest',
  'mocha',
  'ava',
  'tap',
  'jasmine',
  'playwright',
  'cypress',
  'karma',
  'uvu',
  'tape',
  'bun',
  'deno',
];
const flagsWithValue = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-timeout',
  '--test-name-pattern',
  '--test-skip-pattern',
  '--env-file',
  '--conditions',
  '-C',
]);

function scripts(vfs: Vfs): Map<string, string> {
  try {
    const manifest: unknown = JSON.parse(vfs.readText(`${projectRoot}/package.json`));
    const found =
      typeof manifest === 'object' && manifest !== null ? (manifest as { scripts?: unknown }).scripts : undefined;
    const result = new Map<string, string>();
    if (typeof found !== 'object' || found === null) return result;
    for (const [name, value] of Object.entries(found)) if (typeof value === 'string') result.set(name, value);
    return result;
  } catch {
    return new Map();
  }
}

function words(script: string): string[] {
  return [...script.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** Reads how the project runs its tests. */
export function testCommand(vfs: Vfs): TestCommand {
  const all = scripts(vfs);
  let script = all.get('test');
  if (script === undefined || /no test specified/.test(script)) return { command: 'node --test', args: [] };
  const viaNpm = /^\s*npm\s+(?:run(?:-script)?\s+)?([\w:.-]+)\s*$/.exec(script);
  const target = viaNpm?.[1];
  if (target !== undefined) script = all.get(target) ?? script;
  const command = script.trim();
  for (const part of command.split(/&&|\|\||;/)) {
    const tokens = words(part);
    const nodeAt = tokens.findIndex((token) => token === 'node' || token === 'tsx' || token.endsWith('/node'));
    if (nodeAt !== -1 && tokens.includes('--test')) {
      const args: string[] = [];
      for (let index = nodeAt + 1; index < tokens.length; index += 1) {
        const token = tokens[index] ?? '';
        if (token.startsWith('-')) {
          if (flagsWithValue.has(token)) index += 1;
          continue;
        }
        args.push(token);
      }
      return { command, args };
    }
  }
  for (const token of words(command)) {
    const name = token.replace(/^npx$/, '');
    if (otherRunners.includes(name)) return { command, args: [], blockedBy: name };
  }
  return { command: 'node --test', args: [] };
}
