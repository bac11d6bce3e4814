/**
 * The language of an artifact, from its name. It labels files in the UI and the export, and
 * picks the highlighter; a wrong guess costs only colours, so extensions are enough and
 * the content is never sniffed.
 */

// Maps, not plain objects: a model names the files, and `{}['constructor']` is a function.
const byExtension: ReadonlyMap<string, string> = tableOf({
  py: 'python',
  pyi: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  jsx: 'jsx',
  html: 'html',
  htm: 'html',
  xml: 'xml',
  svg: 'xml',
  css: 'css',
  scss: 'scss',
  less: 'less',
  json: 'json',
  jsonc: 'json',
  webmanifest: 'json',
  md: 'markdown',
  markdown: 'markdown',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'toml',
  ini: 'ini',
  cfg: 'ini',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  ps1: 'powershell',
  sql: 'sql',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  kts: 'kotlin',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  php: 'php',
  rb: 'ruby',
  swift: 'swift',
  dart: 'dart',
  lua: 'lua',
  graphql: 'graphql',
  gql: 'graphql',
  txt: 'text',
});

// Files known by their whole name rather than an extension.
const byFileName: ReadonlyMap<string, string> = tableOf({
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  gemfile: 'ruby',
  rakefile: 'ruby',
  '.gitignore': 'text',
  '.env': 'shell',
  '.env.example': 'shell',
});

// Where our name is not highlight.js's name for the same grammar. TOML has no grammar of its
// own in highlight.js; its INI grammar covers TOML's tables and key = value lines.
const highlightNames: ReadonlyMap<string, string> = tableOf({
  tsx: 'typescript',
  jsx: 'javascript',
  html: 'xml',
  toml: 'ini',
  shell: 'bash',
  text: 'plaintext',
});

function tableOf(entries: { readonly [name: string]: string }): ReadonlyMap<string, string> {
  return new Map(Object.entries(entries));
}

/**
 * The language of a file from its name; `text` when unknown.
 *
 * @example
 * languageOf('src/App.tsx') // 'tsx'
 * languageOf('Dockerfile')  // 'dockerfile'
 */
export function languageOf(path: string): string {
  const name = (path.split('/').pop() ?? path).toLowerCase();
  const known = byFileName.get(name);
  if (known !== undefined) return known;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'text';
  return byExtension.get(name.slice(dot + 1)) ?? 'text';
}

/**
 * The highlight.js language name for a language from `languageOf`.
 *
 * @example
 * highlightName('tsx') // 'typescript'
 */
export function highlightName(language: string): string {
  return highlightNames.get(language) ?? language;
}
