/**
 * POSIX path operations (Node's own path.posix, as the path-browserify package ships it).
 * Its `resolve` falls back to `process.cwd()` for relative paths: callers here always pass
 * an absolute path first.
 */
import pathBrowserify from 'path-browserify/index.js';

const posix = pathBrowserify.posix;
export default posix;
