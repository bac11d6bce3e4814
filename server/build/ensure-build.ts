import { spawnSync } from 'node:child_process';
import { isBuildFresh, repoRoot, writeBuildStamp } from './build-stamp.ts';

/** Builds the app unless `dist/` already matches the sources. */
export function ensureBuild(log: (line: string) => void): void {
  if (isBuildFresh()) return;
  log('Building the app (sources changed since the last build)…\n');
  // Always a production build: run from Vitest, NODE_ENV is `test`, and Vite would then
  // resolve libraries' development builds (Solid's dev build, for one).
  const result = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error('The build failed; see the messages above.');
  writeBuildStamp();
}
