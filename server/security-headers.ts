import { secureHeaders } from 'hono/secure-headers';

/** The model APIs the app calls straight from the browser with the person's own keys. */
export const providerOrigins = [
  'https://api.anthropic.com',
  'https://api.openai.com',
  'https://generativelanguage.googleapis.com',
];

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
      connectSrc: ["'self'", ...providerOrigins, ...(options.extraConnectSrc ?? [])],
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
