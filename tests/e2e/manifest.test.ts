import { expect, test } from './harness/fixtures.ts';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the manifest is complete, its icons exist at their stated sizes, and Chromium finds the app installable', async ({
  server,
  profile,
}) => {
  const { page, context } = profile;
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);

  const href = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href);
  expect(href).toBe(`${server.url}/manifest.webmanifest`);
  const response = await fetch(href ?? '');
  expect(response.headers.get('content-type')).toContain('application/manifest+json');
  const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };

  expect(manifest).toMatchObject({ name: 'Orchestra', short_name: 'Orchestra', display: 'standalone' });
  const scope = new URL(String(manifest['scope']), href);
  const start = new URL(String(manifest['start_url']), href);
  expect(start.origin).toBe(scope.origin);
  expect(start.pathname.startsWith(scope.pathname)).toBe(true);

  const sizes = new Set<string>();
  for (const icon of manifest.icons) {
    const file = await fetch(new URL(icon.src, href));
    expect(file.status, icon.src).toBe(200);
    expect(file.headers.get('content-type')).toBe(icon.type);
    const { width, height } = pngSize(Buffer.from(await file.arrayBuffer()));
    expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    sizes.add(`${icon.sizes} ${icon.purpose ?? 'any'}`);
  }
  expect([...sizes]).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));

  // Chromium's own verdict, as used for its install prompt.
  const cdp = await context.newCDPSession(page);
  const parsed = (await cdp.send('Page.getAppManifest')) as { errors: { message: string; critical: number }[] };
  expect(parsed.errors).toEqual([]);
  await expect
    .poll(
      async () =>
        ((await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] }).installabilityErrors,
      {
        timeout: 15_000,
      },
    )
    .toEqual([]);
});
