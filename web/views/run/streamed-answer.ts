import { Allow, parse } from 'partial-json';
import { languageOf } from '../../../worker/query/index.ts';

/** A file an agent is writing, as far as its answer has streamed. */
export interface StreamedFile {
  path: string;
  /** The file's language (as the answer names it, else from its name), for highlighting. */
  language: string;
  content: string;
  /** False for the file still being written: the last one, while the answer is open. */
  complete: boolean;
}

/** What an answer streamed so far reads as. */
export type StreamedAnswer =
  /** A builder's answer: the files it has begun, in order. */
  | { kind: 'files'; files: StreamedFile[]; notes: string | undefined }
  /** Any other JSON answer (a plan, a review), pretty-printed as far as it goes. */
  | { kind: 'json'; text: string }
  /** Not JSON (yet): shown as it is. */
  | { kind: 'text'; text: string };

const own = (value: object, key: string): unknown => (Object.hasOwn(value, key) ? (value as never)[key] : undefined);
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Reads an answer's JSON while it streams, with partial-json (which completes what is
 * open: a string cut mid-way, an array not yet closed), so the files show as they are
 * written instead of as escaped JSON. Leading prose or a ```json fence is skipped.
 * Fields are read with Object.hasOwn: the answer is model text, and a key such as
 * "__proto__" must not reach past the parsed value.
 * @example streamedAnswer('{"files":[{"path":"a.py","content":"print(1') // files: [{ path: 'a.py', content: 'print(1', complete: false }]
 */
export function streamedAnswer(text: string): StreamedAnswer {
  const start = text.indexOf('{');
  if (start < 0) return { kind: 'text', text };
  let value: unknown;
  try {
    value = parse(text.slice(start), Allow.ALL);
  } catch {
    return { kind: 'text', text };
  }
  if (!isObject(value)) return { kind: 'text', text };
  const files = own(value, 'files');
  if (!Array.isArray(files)) return { kind: 'json', text: JSON.stringify(value, null, 2) };
  const closed = isClosed(text.slice(start));
  const entries = files.filter(isObject);
  const streamed: StreamedFile[] = [];
  entries.forEach((entry, index) => {
    const path = own(entry, 'path');
    if (typeof path !== 'string' || path === '') return;
    const content = own(entry, 'content');
    const language = own(entry, 'language');
    streamed.push({
      path,
      language: typeof language === 'string' && language !== '' ? language : languageOf(path),
      content: typeof content === 'string' ? content : '',
      complete: closed || index < entries.length - 1,
    });
  });
  const notes = own(value, 'notes');
  return { kind: 'files', files: streamed, notes: typeof notes === 'string' ? notes : undefined };
}

/** Whether the JSON object that starts the text is whole (a fence or prose may follow it). */
function isClosed(json: string): boolean {
  const end = json.lastIndexOf('}');
  if (end < 0) return false;
  try {
    JSON.parse(json.slice(0, end + 1));
    return true;
  } catch {
    return false;
  }
}
