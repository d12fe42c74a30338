/**
 * Who may talk to the browser host: a random per-run token (in the printed URL, then in a
 * cookie, as Jupyter does), a Host header naming this server (so a DNS-rebound name is
 * refused), and for WebSockets an Origin of this server (so another site's page cannot
 * connect with the user's cookie).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A fresh token: 32 random bytes, hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Compares in constant time, so response timing says nothing about how much of a guess was right. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An address as it appears in a URL or a Host header: IPv6 in brackets, lower case, IPv6 compressed. */
export function urlHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return isIP(bare) === 6 ? new URL(`http://[${bare}]/`).hostname : bare;
}

/** Whether `host` is reachable only from this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = urlHost(host);
  if (name === 'localhost') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '[::1]' || /^\[::ffff:(127\.|7f)/.test(name);
}

const isWildcardHost = (host: string): boolean => ['0.0.0.0', '[::]'].includes(urlHost(host));

/** Every address of this machine's interfaces, as URL hosts. */
function interfaceHosts(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .map((address) => urlHost(address.address.replace(/%.*$/, '')));
}

/** The cookie carries the port: cookies are shared by every port of a host, and two servers may run. */
export const cookieName = (port: number): string => `shm-inspector-token-${port}`;

function readCookie(header: string | undefined, name: string): string | null {
  for (const pair of (header ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0 && pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return null;
}

/** The `token` query parameter of a request target, or null when it has none. */
export function queryToken(target: string): string | null {
  const query = target.indexOf('?');
  return query < 0 ? null : new URLSearchParams(target.slice(query + 1)).get('token');
}

export class AccessGuard {
  readonly token = newToken();
  readonly cookieName: string;
  /** Accepted Host header values, lower case. */
  private readonly hosts: Set<string>;

  constructor(boundHost: string, port: number) {
    this.cookieName = cookieName(port);
    const names = [urlHost(boundHost)];
    if (isLoopbackHost(boundHost) || isWildcardHost(boundHost)) names.push('localhost', '127.0.0.1', '[::1]');
    // A wildcard bind is reached by one of the interfaces' addresses; a DNS name needs --host NAME.
    if (isWildcardHost(boundHost)) names.push(...interfaceHosts());
    const withPort = names.map((name) => `${name}:${port}`);
    // Browsers leave out the default port.
    this.hosts = new Set(port === 80 ? [...withPort, ...names] : withPort);
  }

  /** Whether the Host header names this server: a rebound DNS name does not. */
  hostAllowed(request: IncomingMessage): boolean {
    const host = request.headers.host;
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  /** Whether the request target carries the right token. */
  queryTokenValid(target: string): boolean {
    const token = queryToken(target);
    return token !== null && tokensEqual(token, this.token);
  }

  cookieTokenValid(request: IncomingMessage): boolean {
    const token = readCookie(request.headers.cookie, this.cookieName);
    return token !== null && tokensEqual(token, this.token);
  }

  /** The cookie that stands for the token from now on: never readable by scripts, never sent cross-site. */
  setCookieHeader(): string {
    return `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /**
   * Why a WebSocket upgrade is refused, or null to accept it. Browsers send Origin with
   * every WebSocket handshake; a client without one (a script, a test) is not a page
   * and still needs the token.
   */
  upgradeRefusal(request: IncomingMessage): string | null {
    if (!this.hostAllowed(request)) return 'unexpected Host header';
    const origin = request.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${request.headers.host?.toLowerCase()}`) {
      return 'foreign Origin';
    }
    const target = request.url ?? '';
    if (queryToken(target) !== null ? !this.queryTokenValid(target) : !this.cookieTokenValid(request)) {
      return 'missing or wrong token';
    }
    return null;
  }
}
