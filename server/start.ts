/** `npm start`: builds the app if its sources changed, then serves it. */
import { ensureBuild } from './build/ensure-build.ts';

ensureBuild((line) => process.stdout.write(line));
await import('./main.ts');
