import { expect, test } from './harness/fixtures.ts';
import { watchProblems } from './harness/problems.ts';

test('every view renders with no console error and no CSP violation, under a strict CSP', async ({
  server,
  profile,
}) => {
  const { page } = profile;
  const problems = await watchProblems(page);
  const response = await page.goto(server.url);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');

  await expect.poll(() => page.getByTestId('engine-status').textContent()).toBe('Engine ready');
  const links = await page.locator('nav a').evaluateAll((anchors) =>
    anchors.map((anchor) => ({
      title: anchor.textContent ?? '',
      path: new URL((anchor as HTMLAnchorElement).href).pathname,
    })),
  );
  expect(links.map((link) => link.title)).toEqual([
    'Projects',
    'New project',
    'Live run',
    'Artifacts',
    'Replay',
    'Router & costs',
    'Data',
    'Settings',
  ]);

  for (const link of links) {
    // Through the app's own navigation, then as a fresh load of the deep link.
    await page.locator('nav a', { hasText: link.title }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(link.title);
    await page.goto(`${server.url}${link.path}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(link.title);
    expect(await page.locator('nav a.active').textContent()).toBe(link.title);
  }
  await page.goto(`${server.url}/no/such/view`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');

  expect(await problems.list()).toEqual([]);

  // The watcher itself sees a violation: an injected inline script is refused and reported.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
  });
  await expect.poll(async () => (await problems.list()).some((problem) => problem.includes('script-src'))).toBe(true);
  expect(await page.evaluate(() => 'injected' in window)).toBe(false);
});

test('a view that fails shows a friendly message, and "Reset this view" recovers it', async ({ server, profile }) => {
  const { page, context } = profile;
  // The engine's script fails to load, as after a broken deploy.
  await context.route('**/assets/engine-*.js', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.goto(`${server.url}/data`);

  const alert = page.getByRole('alert');
  await expect.poll(() => alert.locator('h1').textContent()).toBe('Data ran into a problem');
  expect(await alert.textContent()).toContain('Your projects and data are safe');
  expect(await page.getByTestId('engine-status').textContent()).toBe('Engine unavailable');
  // The rest of the app still works.
  expect(await page.locator('nav a').count()).toBe(8);

  await context.unroute('**/assets/engine-*.js');
  await page.getByRole('button', { name: 'Reset this view' }).click();
  await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('Ready');
  expect(await page.getByRole('alert').count()).toBe(0);
});
