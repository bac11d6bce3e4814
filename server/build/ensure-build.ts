import { spawnSync } from 'node:child_process';
import { isBuildFresh, repoRoot, writeBuildStamp } from './build-stamp.ts';

/** Builds the app unless `dist/` already matches the sources. */
export function ensureBuild(log: (line: string) => void): void {
  if (isBuildFresh()) return;
  log('Building the app (sources changed since the last build)…\n');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('The build failed; see the messages above.');
  writeBuildStamp();
}
