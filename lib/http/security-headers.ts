/**
 * Headers on every answer: next.config.ts sets them on Next's responses, and the request
 * gate (lib/rate-limit/request-gate.ts), which answers before Next, sets them itself.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  "Cross-Origin-Opener-Policy": "same-origin",
};
