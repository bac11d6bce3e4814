import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { type HighlightNode, parseHighlight } from './highlight-tree.ts';

// Only the languages the agents and templates generate: the rest of highlight.js stays out of the bundle.
const grammars = new Map([
  ['python', python],
  ['javascript', javascript],
  ['typescript', typescript],
  ['xml', xml],
  ['css', css],
  ['json', json],
  ['markdown', markdown],
  ['bash', bash],
  ['yaml', yaml],
  ['sql', sql],
]);
for (const [name, grammar] of grammars) hljs.registerLanguage(name, grammar);

// The engine's language names (worker/artifacts/language.ts) that map to another grammar.
// A file's language is model text: it is looked up in Maps only, never handed to
// highlight.js's own tables (plain objects, where "constructor" is a function) unchecked.
const aliases = new Map([
  ['tsx', 'typescript'],
  ['jsx', 'javascript'],
  ['html', 'xml'],
  ['shell', 'bash'],
]);

/** Past this size colours are not worth the time; the text shows plain. */
const highlightLimit = 300_000;

/** The grammar used for a file of this language, or undefined for plain text. */
export function grammarFor(language: string): string | undefined {
  const name = aliases.get(language) ?? language;
  return grammars.has(name) ? name : undefined;
}

/** A file's text as a tree of highlighted spans and text, ready to render without markup. */
export function highlightCode(text: string, language: string): HighlightNode[] {
  const grammar = grammarFor(language);
  if (!grammar || text.length > highlightLimit) return [text];
  try {
    return parseHighlight(hljs.highlight(text, { language: grammar, ignoreIllegals: true }).value);
  } catch {
    return [text];
  }
}
