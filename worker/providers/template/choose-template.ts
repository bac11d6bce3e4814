import type { ProjectTemplate, TemplateLanguage } from './project-template.ts';
import { apiService } from './templates/api-service.ts';
import { dataPipeline } from './templates/data-pipeline.ts';
import { pythonCli } from './templates/python-cli.ts';
import { webApp } from './templates/web-app.ts';

export const templates: readonly ProjectTemplate[] = [webApp, apiService, dataPipeline, pythonCli];

/** Words that name a language (or its usual tools): the first thing a starter must match. */
const languageWords: ReadonlyMap<string, TemplateLanguage> = new Map([
  ['python', 'python'],
  ['py', 'python'],
  ['pip', 'python'],
  ['pytest', 'python'],
  ['django', 'python'],
  ['flask', 'python'],
  ['fastapi', 'python'],
  ['pandas', 'python'],
  ['javascript', 'javascript'],
  ['js', 'javascript'],
  ['node', 'javascript'],
  ['nodejs', 'javascript'],
  ['typescript', 'javascript'],
  ['ts', 'javascript'],
  ['npm', 'javascript'],
  ['react', 'javascript'],
  ['vue', 'javascript'],
  ['svelte', 'javascript'],
]);

/** Languages a description may ask for that no template is written in. */
const otherLanguages: ReadonlyMap<string, string> = new Map([
  ['rust', 'Rust'],
  ['golang', 'Go'],
  ['java', 'Java'],
  ['kotlin', 'Kotlin'],
  ['swift', 'Swift'],
  ['ruby', 'Ruby'],
  ['php', 'PHP'],
  ['c#', 'C#'],
  ['csharp', 'C#'],
  ['c++', 'C++'],
  ['cpp', 'C++'],
  ['elixir', 'Elixir'],
  ['haskell', 'Haskell'],
]);

const languageNames: ReadonlyMap<TemplateLanguage, string> = new Map([
  ['python', 'Python'],
  ['javascript', 'JavaScript'],
]);

/** Which template a description gets, and why, in words for the person. */
export interface TemplateChoice {
  template: ProjectTemplate;
  /** Why this one: "your description mentions Python and a command-line tool". */
  reason: string;
}

/**
 * The template closest to a description: its language first (a Python description gets
 * a Python starter), then the kind of project its words point to; an explicit
 * `template:<id>` model or mention wins over both, and a web app is the default.
 * @example chooseTemplateFor('a Python weather CLI').template.id // "python-cli"
 */
export function chooseTemplateFor(description: string, model = ''): TemplateChoice {
  const explicit = templates.find(
    (entry) => model === `template:${entry.id}` || description.includes(`template:${entry.id}`),
  );
  if (explicit) return { template: explicit, reason: `the ${explicit.title} template was asked for` };

  const words = description.toLowerCase().match(/[a-z][a-z0-9+#]*/g) ?? [];
  const wordSet = new Set(words);
  const language = words.map((word) => languageWords.get(word)).find((found) => found !== undefined);
  const other = words.map((word) => otherLanguages.get(word)).find((found) => found !== undefined);
  const candidates = language ? templates.filter((entry) => entry.language === language) : templates;

  let best: ProjectTemplate | undefined;
  let bestHits: string[] = [];
  for (const entry of candidates) {
    const hits = entry.keywords.filter((keyword) => wordSet.has(keyword));
    if (hits.length > bestHits.length) {
      best = entry;
      bestHits = hits;
    }
  }
  const chosen = best ?? candidates[0] ?? webApp;
  const mentions = [
    ...(language ? [languageNames.get(language) ?? language] : []),
    ...bestHits.slice(0, 2).map((hit) => `“${hit}”`),
  ];
  const because =
    mentions.length > 0
      ? `your description mentions ${mentions.join(' and ')}`
      : 'nothing in the description points to another one';
  const reason = other && !language ? `no template is written in ${other}, and ${because}` : because;
  return { template: chosen, reason };
}
