import { expect, test } from 'vitest';
import {
  buildContext,
  ContextCache,
  type ContextFile,
  renderContext,
  renderedContextOf,
} from '../../../worker/orchestrator/context.ts';
import { mulberry32 } from '../../../worker/router/sampler.ts';
import { randomFiles, randomText } from '../agents/random-input.ts';

const encoded = (text: string) => new TextEncoder().encode(text).length;

/** The rendered context, trimmed and counted the plain way. */
const plainShown = (text: string) => {
  const shown = text.trimEnd();
  return {
    text: shown,
    utf8Bytes: encoded(shown),
    startsLow: /^[\udc00-\udfff]/.test(shown),
    endsHigh: /[\ud800-\udbff]$/.test(shown),
  };
};

test('property: the rendered context is renderContext of buildContext, and what a prompt shows of it is counted exactly', () => {
  const warm = new ContextCache();
  for (let seed = 1; seed <= 400; seed++) {
    const { files, budgetTokens, focus } = randomFiles(mulberry32(seed));
    const fresh = new ContextCache();
    const expected = renderContext(buildContext(files, { budgetTokens, focus, cache: fresh }), fresh);
    // Once with blocks made for the call, once with blocks (and the last sort) kept from other seeds.
    for (const cache of [new ContextCache(), warm]) {
      const rendered = renderedContextOf(files, { budgetTokens, focus, cache });
      expect(rendered.text, `seed ${seed}`).toBe(expected);
      expect(rendered.shown, `seed ${seed}`).toEqual(plainShown(expected));
    }
  }
});

test('a context that ends in listed paths is trimmed and counted to the last path, a lone surrogate at its end included', () => {
  const files: ContextFile[] = ['a \u3000', 'b\t', 'c\ud83d'].map((path) => ({
    path,
    language: 'text',
    content: 'x'.repeat(4000),
    direct: false,
  }));
  // Room to list the three, not to summarise one: the context ends with the last path's line.
  const rendered = renderedContextOf(files, { budgetTokens: 110, focus: [], cache: new ContextCache() });
  expect(rendered.text.endsWith('- a \u3000\n- b\t\n- c\ud83d\n')).toBe(true);
  expect(rendered.shown).toEqual(plainShown(rendered.text));
  expect(rendered.shown.endsHigh).toBe(true);
  expect(renderedContextOf([], { budgetTokens: 100, focus: [], cache: new ContextCache() })).toEqual({
    text: '',
    shown: plainShown(''),
  });
});

/** A file of `size` characters whose text says which version of it this is. */
function sized(random: () => number, path: string, size: number, direct: boolean): ContextFile {
  const head = `# ${path} v${Math.floor(random() * 1e6)}\n`;
  return { path, language: 'python', content: (head + randomText(random, size)).slice(0, size), direct };
}

test('property: with the last sort kept, files come out in the order a fresh sort gives, as the set of files changes', () => {
  const random = mulberry32(41);
  const cache = new ContextCache();
  let files: ContextFile[] = [];
  for (let step = 0; step < 300; step++) {
    const change = random();
    const size = () => 20 + Math.floor(random() * 12) * 10; // few sizes, so ties on size are common
    if (change < 0.4 || files.length === 0) {
      files.push(sized(random, `src/m${Math.floor(random() * 80)}.py`, size(), random() < 0.3));
    } else if (change < 0.6) {
      const at = Math.floor(random() * files.length);
      const old = files[at] as ContextFile;
      files[at] = sized(random, old.path, size(), old.direct);
    } else if (change < 0.7) {
      files.splice(Math.floor(random() * files.length), 1);
    } else if (change < 0.8) {
      files = files.filter(() => random() < 0.7); // a role that receives fewer files
    } else if (change < 0.9) {
      files.push({ ...(files[Math.floor(random() * files.length)] as ContextFile) }); // the same path twice
    } else {
      files.reverse();
    }
    const options = {
      budgetTokens: Math.floor(random() * 3000),
      focus: files.filter(() => random() < 0.1).map((file) => file.path.slice(4)),
    };
    const fresh = new ContextCache();
    expect(buildContext(files, { ...options, cache }), `step ${step}`).toEqual(
      buildContext(files, { ...options, cache: fresh }),
    );
    expect(renderedContextOf(files, { ...options, cache }).text).toBe(
      renderContext(buildContext(files, { ...options, cache: fresh }), fresh),
    );
  }
});
