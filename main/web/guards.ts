// Who may talk to the browser-mode server. Browser mode listens on loopback, but loopback
// is not private: any local process, and any web page the user visits (through the
// browser), can send it requests. So every API request must carry the session token the
// server printed, its Host must be our loopback address (defeats DNS rebinding, where a
// foreign name resolves to 127.0.0.1), and its Origin, when the browser sends one, must be
// our own (refuses cross-site requests before any work is done).
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh session token: 32 random bytes, URL-safe. */
export function createToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Compares a presented token with the session token in constant time. Both sides are
 * hashed first so that timingSafeEqual gets equal lengths and the length of the real
 * token leaks nothing either.
 */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null || presented === '') return false;
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * The token a request presents: `Authorization: Bearer <token>`, or — only where the
 * caller allows it, i.e. for EventSource, which cannot set headers — `?token=` in the URL.
 */
export function presentedToken(req: IncomingMessage, url: URL, allowQuery: boolean): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : null;
  }
  return allowQuery ? url.searchParams.get('token') : null;
}

/** The Host headers we answer to: our port on 127.0.0.1 or localhost, nothing else. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && allowedHosts(port).includes(host.toLowerCase());
}

/**
 * No Origin header (same-origin GETs, non-browser clients) is fine — the token still
 * guards the API. A present Origin must be the origin this request was addressed to;
 * "null" (sandboxed frames, file://) and any other site are refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (typeof host !== 'string') return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}
