/**
 * Issue 20, point 6: an answer streaming in reads as the files being written — path,
 * language and the text so far — at every cut of the stream, never as escaped JSON.
 */
import { expect, test } from 'vitest';
import { streamedAnswer } from '../../../web/views/run/streamed-answer.ts';
import { files } from '../../sim/team-answers.ts';

const answer = JSON.stringify({
  files: [
    { path: 'notes.py', language: 'python', content: '"""A tiny notes store."""\n\n_notes = []\n' },
    { path: 'web/app.js', content: "console.log('hi');\n" },
  ],
  notes: 'Two files.',
});

test('every prefix of a streamed answer shows the files begun so far, as text, the last one growing', () => {
  let seen = 0;
  for (let cut = 1; cut <= answer.length; cut++) {
    const read = streamedAnswer(answer.slice(0, cut));
    if (read.kind !== 'files') continue;
    seen++;
    expect(read.files.length).toBeLessThanOrEqual(2);
    for (const file of read.files) {
      // Text is unescaped: the quotes and newlines the file has, never \" or \n.
      expect(file.content).not.toContain('\\n');
      expect(file.content).not.toContain('\\"');
    }
    const first = read.files[0];
    if (first) expect('"""A tiny notes store."""\n\n_notes = []\n'.startsWith(first.content)).toBe(true);
    const last = read.files.at(-1);
    if (last && cut < answer.length) expect(read.files.slice(0, -1).every((file) => file.complete)).toBe(true);
  }
  expect(seen).toBeGreaterThan(answer.length / 2);

  const whole = streamedAnswer(answer);
  expect(whole).toEqual({
    kind: 'files',
    notes: 'Two files.',
    files: [
      { path: 'notes.py', language: 'python', content: '"""A tiny notes store."""\n\n_notes = []\n', complete: true },
      // No language given: it comes from the name.
      { path: 'web/app.js', language: 'javascript', content: "console.log('hi');\n", complete: true },
    ],
  });
});

test('mid-file, the file being written is marked as such', () => {
  const cut = answer.indexOf('_notes');
  const read = streamedAnswer(answer.slice(0, cut));
  expect(read.kind).toBe('files');
  if (read.kind !== 'files') return;
  expect(read.files).toEqual([
    { path: 'notes.py', language: 'python', content: '"""A tiny notes store."""\n\n', complete: false },
  ]);
});

test('a fence or prose before the JSON is skipped; other answers show as JSON; text stays text', () => {
  const fenced = streamedAnswer('Here you go:\n```json\n' + JSON.stringify(files.ui) + '\n```');
  expect(fenced.kind === 'files' && fenced.files.map((file) => [file.path, file.complete])).toEqual([
    ['index.html', true],
    ['app.js', true],
    ['styles.css', true],
  ]);
  const review = streamedAnswer('{"verdict":"pass","summary":"Looks go');
  expect(review).toEqual({ kind: 'json', text: JSON.stringify({ verdict: 'pass', summary: 'Looks go' }, null, 2) });
  expect(streamedAnswer('Thinking about it')).toEqual({ kind: 'text', text: 'Thinking about it' });
});

test('model-chosen keys cannot reach past the parsed value', () => {
  const hostile = streamedAnswer('{"__proto__":{"files":[{"path":"evil.js","content":"x"}]},"notes":"n"}');
  expect(hostile.kind === 'files' ? hostile.files : []).toEqual([]);
  const weird = streamedAnswer('{"files":[{"path":"constructor","content":"x"},{"path":7},null,"a"]}');
  expect(weird.kind === 'files' && weird.files.map((file) => file.path)).toEqual(['constructor']);
});
