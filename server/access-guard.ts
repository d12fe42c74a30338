/**
 * Who may talk to the browser host: a random per-run token, a Host header naming this
 * server (so a DNS-rebound name is refused), and an Origin of this server (so another
 * site's page cannot connect). The API is the WebSocket only, and its handshake must
 * present the token as a subprotocol (protocol/websocket-messages.ts). The token is never
 * a cookie: browsers send a host's cookies to every port of it, so any other local server
 * would receive it. The printed URL carries it in its fragment, which is never sent; the
 * page keeps it in sessionStorage, which is scoped to the origin (scheme, host and port).
 * Static files are public build output and need no token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { TOKEN_PROTOCOL_PREFIX, WEBSOCKET_PROTOCOL } from '../protocol/websocket-messages';

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

/** The subprotocols a handshake offers (`Sec-WebSocket-Protocol`, comma-separated). */
export function offeredProtocols(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** The token a handshake presents as a subprotocol, or null unless it presents exactly one. */
export function presentedToken(request: IncomingMessage): string | null {
  const tokens = offeredProtocols(request).filter((protocol) => protocol.startsWith(TOKEN_PROTOCOL_PREFIX));
  return tokens.length === 1 ? (tokens[0] ?? '').slice(TOKEN_PROTOCOL_PREFIX.length) : null;
}

export class AccessGuard {
  readonly token = newToken();
  /** Accepted Host header values, lower case. */
  private readonly hosts: Set<string>;

  constructor(boundHost: string, port: number) {
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
    if (!offeredProtocols(request).includes(WEBSOCKET_PROTOCOL))
      return `the ${WEBSOCKET_PROTOCOL} subprotocol is not offered`;
    const token = presentedToken(request);
    if (token === null || !tokensEqual(token, this.token)) return 'missing or wrong token';
    return null;
  }
}
