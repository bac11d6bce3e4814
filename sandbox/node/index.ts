/**
 * The JavaScript/TypeScript check runtime: runs a project's `node:test` suites in the
 * sandbox's worker (or under Node, in unit tests) without Node's built-ins, from its
 * files in memory. See README.md in this folder for what it supports.
 */
import type { CheckRuntimeModule } from '../../worker/checks/contract.ts';
import { runChecks } from './run.ts';

export { lockDownGlobal } from './lockdown.ts';

const runtime: CheckRuntimeModule = {
  name: 'node',
  run: (request, _assets, emit) => runChecks(request, emit),
};

export default runtime;
