/**
 * Stack traces in the project's terms: V8 frames of modules evaluated under
 * `file:///project/…` are rewritten to project paths with the source's line and column
 * (TypeScript included, through sucrase's source map), frames of the sandbox itself are
 * dropped, and the failure's location is the deepest frame in a project file.
 */
import type { CheckLocation } from '../../worker/checks/contract.ts';
import { projectRoot } from './vfs.ts';

const projectUrl = `file://${projectRoot}/`;
const frameUrl = /(file:\/\/\/[^\s()]*?):(\d+):(\d+)/;

/** Maps a module's generated position to its source's; undefined for unknown URLs. */
export type PositionMapper = (
  url: string,
  line: number,
  column: number,
) => { line: number; column: number } | undefined;

export interface ProjectStack {
  /** The stack with project frames only, in project paths ("at f (src/a.js:3:7)"). */
  stack: string | undefined;
  location: CheckLocation | undefined;
}

/** A project-relative path from an absolute one, or undefined outside the project. */
export function projectPath(absolute: string): string | undefined {
  return absolute.startsWith(`${projectRoot}/`) ? absolute.slice(projectRoot.length + 1) : undefined;
}

/** Rewrites a V8 stack string; `message` lines before the first frame are dropped. */
export function projectStack(stack: string | undefined, map: PositionMapper): ProjectStack {
  if (!stack) return { stack: undefined, location: undefined };
  const frames: string[] = [];
  let location: CheckLocation | undefined;
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const match = frameUrl.exec(line);
    if (!match) continue;
    const url = match[1] ?? '';
    if (!url.startsWith(projectUrl)) continue;
    const generatedLine = Number(match[2]);
    const generatedColumn = Number(match[3]);
    const mapped = map(url, generatedLine, generatedColumn);
    if (!mapped) continue;
    const path = decodeURIComponent(url.slice(projectUrl.length));
    const where = `${path}:${mapped.line}:${mapped.column}`;
    frames.push(line.replace(match[0], where).replace(/^\s+/, '    '));
    if (!location && !path.includes('node_modules/')) location = { path, line: mapped.line, column: mapped.column };
  }
  return { stack: frames.length > 0 ? frames.join('\n') : undefined, location };
}
