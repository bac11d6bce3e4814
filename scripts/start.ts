/** `npm start`: builds the app if its sources changed, then serves it. */
import { ensureBuild } from './ensure-build.ts';

ensureBuild((line) => process.stdout.write(line));
await import('../server/main.ts');
