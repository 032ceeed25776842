/**
 * The Content-Security-Policy of a file that came from outside and is served from the desk's
 * origin (an email's attachment, a caller's recording): no script, no plug-in, no request, and
 * an opaque origin of its own, so even a file a browser renders can reach nothing of the desk.
 * The app's security headers keep a route's own policy (src/app.tsx).
 */
export const SANDBOX_CSP = "sandbox; default-src 'none'";
