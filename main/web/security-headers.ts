// Security headers on every browser-mode response. The Content-Security-Policy is the one
// renderer/index.html declares in its <meta> tag, read from the built index.html so the
// two can never drift apart, plus what a <meta> CSP cannot express (frame-ancestors).
export function cspFromIndexHtml(html: string, file: string): string {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!match) throw new Error(`${file} has no Content-Security-Policy <meta> tag; browser mode will not serve a renderer without one`);
  return match[1].replace(/\s+/g, ' ').trim();
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': `${csp}; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
