import hljs from 'highlight.js';
import { describe, expect, test } from 'vitest';
import { highlightName, languageOf } from '../../../worker/artifacts/language.ts';

describe('languageOf', () => {
  const cases: [string, string][] = [
    ['main.py', 'python'],
    ['src/app.js', 'javascript'],
    ['src/index.ts', 'typescript'],
    ['src/App.tsx', 'tsx'],
    ['src/Button.JSX', 'jsx'],
    ['index.html', 'html'],
    ['styles/site.css', 'css'],
    ['package.json', 'json'],
    ['README.md', 'markdown'],
    ['.github/workflows/ci.yml', 'yaml'],
    ['config.yaml', 'yaml'],
    ['pyproject.toml', 'toml'],
    ['scripts/run.sh', 'shell'],
    ['db/schema.sql', 'sql'],
    ['cmd/main.go', 'go'],
    ['src/lib.rs', 'rust'],
    ['src/Main.java', 'java'],
    ['Dockerfile', 'dockerfile'],
    ['Makefile', 'makefile'],
    ['.gitignore', 'text'],
    ['LICENSE', 'text'],
    ['notes.txt', 'text'],
    ['data.unknownext', 'text'],
    ['archive.tar.gz', 'text'],
  ];

  test.each(cases)('%s is %s', (path, language) => {
    expect(languageOf(path)).toBe(language);
  });
});

describe('highlightName', () => {
  test('maps to highlight.js names', () => {
    expect(highlightName('tsx')).toBe('typescript');
    expect(highlightName('html')).toBe('xml');
    expect(highlightName('shell')).toBe('bash');
    expect(highlightName('text')).toBe('plaintext');
    expect(highlightName('python')).toBe('python');
  });

  test('every language languageOf can return is one highlight.js knows', () => {
    const names = [
      'a.py',
      'a.js',
      'a.ts',
      'a.tsx',
      'a.jsx',
      'a.html',
      'a.svg',
      'a.css',
      'a.scss',
      'a.less',
      'a.json',
      'a.md',
      'a.yml',
      'a.toml',
      'a.ini',
      'a.sh',
      'a.ps1',
      'a.sql',
      'a.go',
      'a.rs',
      'a.java',
      'a.kt',
      'a.c',
      'a.cpp',
      'a.cs',
      'a.php',
      'a.rb',
      'a.swift',
      'a.dart',
      'a.lua',
      'a.graphql',
      'a.txt',
      'Dockerfile',
      'Makefile',
      'Gemfile',
      '.env',
      'unknown',
    ];
    for (const name of names) {
      const language = highlightName(languageOf(name));
      expect(hljs.getLanguage(language), `${name} → ${language}`).toBeDefined();
    }
  });
});
