import { defineConfig } from 'vite';
import { type ManifestOptions, VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';
import { pythonAssetsDevPlugin, pythonAssetsPlugin } from './server/build/python-assets.ts';
import { sandboxPlugin } from './server/build/sandbox-plugin.ts';

const manifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'Orchestra',
  short_name: 'Orchestra',
  description: 'Describe a project; a team of AI agents plans and builds it with your own model keys.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'any',
  background_color: '#15151f',
  theme_color: '#4f46e5',
  categories: ['developer', 'productivity'],
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

export default defineConfig({
  root: 'web',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: {
    format: 'es',
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/engine-[hash].js',
        chunkFileNames: 'assets/engine-[name]-[hash].js',
        // Each provider SDK in a chunk of its own, named so the service worker can skip it.
        codeSplitting: {
          groups: [
            { name: 'sdk-anthropic', test: /node_modules[\\/]@anthropic-ai[\\/]/ },
            { name: 'sdk-openai', test: /node_modules[\\/]openai[\\/]/ },
            { name: 'sdk-google', test: /node_modules[\\/]@google[\\/]genai[\\/]/ },
          ],
        },
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173 },
  plugins: [
    solid(),
    sandboxPlugin(),
    pythonAssetsPlugin(),
    pythonAssetsDevPlugin(),
    VitePWA({
      // The person decides when to switch versions: a reload mid-run is their call.
      registerType: 'prompt',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      manifest,
      includeAssets: ['icons/favicon.svg', 'icons/apple-touch-icon.png'],
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Model SDKs are only of use with a network, so they are fetched when first used
        // rather than downloaded by every install (about 1 MB).
        // The code-running frame's runtimes (JS, Python) are large and only of use to whoever
        // runs checks: they are cached when first used, then work offline.
        globIgnores: ['**/engine-sdk-*.js', 'sandbox/runtime-*.js', 'sandbox/python/**'],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname.startsWith('/sandbox/'),
            handler: 'CacheFirst',
            options: { cacheName: 'orchestra-runtimes', expiration: { maxEntries: 64 } },
          },
        ],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
