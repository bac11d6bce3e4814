import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** The model APIs the app calls straight from the browser with the person's own keys. */
export const providerOrigins = [
  'https://api.anthropic.com',
  'https://api.openai.com',
  'https://generativelanguage.googleapis.com',
];

/**
 * The npm registry the engine downloads a project's packages from, with the person's
 * consent for a run (never the generated code: its frame has no network). Another
 * registry is allowed through ORCHESTRA_CONNECT_SRC.
 */
export const packageRegistryOrigins = ['https://registry.npmjs.org'];

export interface SecurityOptions {
  /** More origins the app may call, e.g. a self-hosted OpenAI-compatible endpoint. */
  extraConnectSrc?: string[];
}

/**
 * One policy for every response. No inline script or style anywhere; the app, its
 * worker and its service worker come from this origin only; nothing may frame it.
 */
export function securityHeaders(options: SecurityOptions = {}) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", ...providerOrigins, ...packageRegistryOrigins, ...(options.extraConnectSrc ?? [])],
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      frameSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    permissionsPolicy: {
      camera: [],
      microphone: [],
      geolocation: [],
      payment: [],
      usb: [],
    },
  });
}

/**
 * The code-running frame (`/sandbox/*.html`) is the one page the app frames, and the one
 * whose own policy (a `<meta>` in the page, allowing its inline script by hash) must apply
 * instead of the app's. Its header policy adds what a `<meta>` cannot: the `sandbox`
 * directive (an opaque origin even if someone opens the URL directly) and who may frame
 * it. Generated code runs there with no network (`connect-src 'none'`).
 */
export function sandboxFrameHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const path = new URL(c.req.url).pathname;
    if (!path.startsWith('/sandbox/') || !path.endsWith('.html')) return;
    c.res.headers.set(
      'Content-Security-Policy',
      "sandbox allow-scripts; frame-ancestors 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'",
    );
    c.res.headers.delete('X-Frame-Options');
  };
}
