import { describe, expect, test } from 'vitest';
import { ProjectUrls } from '../../../sandbox/preview/project-urls.ts';

/** URLs named after their files' rewritten text, so a test can read what each one holds. */
function makeUrls(files: Record<string, string>) {
  const made = new Map<string, string>();
  const urls = new ProjectUrls(new Map(Object.entries(files)), (text) => {
    const url = `blob:test/${made.size + 1}`;
    made.set(url, text);
    return url;
  });
  const textOf = (path: string) => made.get(urls.urlOf(path) ?? '');
  return { urls, textOf };
}

describe('ProjectUrls', () => {
  test("points a module's relative imports at its dependencies' URLs, depth first", () => {
    const { urls, textOf } = makeUrls({
      'src/app.js': `import { a } from './a.js';\nimport b from "../lib/b";\nimport 'react';\nconst s = "import x from './a.js'";\nconst later = () => import('./a.js');\n`,
      'src/a.js': `export * from './nested/index.js';\nexport const a = 1;\n`,
      'src/nested/index.js': 'export const deep = 2;\n',
      'lib/b.js': 'export default 3;\n',
    });
    const app = textOf('src/app.js') ?? '';
    const a = urls.urlOf('src/a.js') ?? '';
    const b = urls.urlOf('lib/b.js') ?? '';
    expect(app).toContain(`import { a } from '${a}';`);
    expect(app).toContain(`import b from "${b}";`);
    expect(app).toContain("import 'react';");
    // Text that only looks like an import is left alone; a dynamic import is rewritten.
    expect(app).toContain(`const s = "import x from './a.js'";`);
    expect(app).toContain(`import(${JSON.stringify(a)})`);
    expect(textOf('src/a.js')).toContain(`export * from '${urls.urlOf('src/nested/index.js')}'`);
    expect(urls.pathOf(a)).toBe('src/a.js');
    expect(urls.problems).toEqual([]);
  });

  test('an import cycle is reported, and each file still gets a URL', () => {
    const { urls } = makeUrls({ 'a.js': "import './b.js';\n", 'b.js': "import './a.js';\n" });
    expect(urls.urlOf('a.js')).toBeDefined();
    expect(urls.urlOf('b.js')).toBeDefined();
    expect(urls.problems.join(' ')).toContain('import each other');
  });

  test("points a stylesheet's url() and @import at the files' URLs, keeping outside ones", () => {
    const { urls, textOf } = makeUrls({
      'css/site.css': `@import 'base.css';\nbody { background: url(../img/bg.svg) }\n.x { background: url("https://cdn.test/x.png") }\n.y { background: url('missing.png') }\n`,
      'css/base.css': 'h1 { color: red }\n',
      'img/bg.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    });
    const css = textOf('css/site.css') ?? '';
    expect(css).toContain(`@import "${urls.urlOf('css/base.css')}"`);
    expect(css).toContain(`url("${urls.urlOf('img/bg.svg')}")`);
    expect(css).toContain('url("https://cdn.test/x.png")');
    expect(css).toContain("url('missing.png')");
  });

  test('a module that does not parse is served as it is, for the browser to report', () => {
    const { textOf } = makeUrls({ 'bad.js': 'import { from ;;; (' });
    expect(textOf('bad.js')).toBe('import { from ;;; (');
  });
});
