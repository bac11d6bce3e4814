import { ensureBuild } from '../../server/build/ensure-build.ts';
import { assertChromium } from './harness/browser.ts';

/** Before any e2e test: Chromium is there and dist/ is built from the current sources. */
export default function setup(): void {
  assertChromium();
  ensureBuild((line) => process.stdout.write(line));
}
