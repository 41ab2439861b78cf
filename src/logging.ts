import pino, { type Logger } from 'pino';

/** Paths can carry secrets (/invite/<token>, ?token=…): log the shape of a URL, never its secrets. */
export function redactUrl(url: string): string {
  const [pathname = ''] = url.split('?');
  return (
    pathname.replace(/^\/(invite|reset-password|reset|setup)\/[^/]+/, '/$1/[redacted]') +
    (url.includes('?') ? '?[…]' : '')
  );
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    serializers: {
      req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? ''),
        ip: req.ip,
      }),
    },
  });
}
