/**
 * A local stand-in for the Bot Framework token service's public half, for authentication tests.
 *
 * Teams signs every request to a bot with a JWT; the bot checks it against the keys published at
 * the channel's OpenID metadata document (https://login.botframework.com/v1/.well-known/openidconfiguration
 * in the public cloud). This serves the same two documents on 127.0.0.1 from a freshly generated RSA
 * key pair, so tests can point the bot at it (ToBotFromChannelOpenIdMetadataUrl) and sign tokens the
 * real botframework-connector validator accepts or refuses, with no network and no secrets.
 *
 * Shapes follow the real service: the metadata names `jwks_uri`, and each key carries `kid`, `n`,
 * `e` and `endorsements` (the channel ids the key may sign for, which the validator enforces).
 */
import http from 'node:http';
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

/** The issuer Bot Framework channel tokens carry in the public cloud (AuthenticationConstants.ToBotFromChannelTokenIssuer). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface ChannelClaims {
  iss: string;
  /** The bot's app id. */
  aud: string;
  /** Must equal the activity's serviceUrl. */
  serviceurl: string;
  /** Seconds since the epoch. */
  nbf: number;
  exp: number;
  iat?: number;
  [extra: string]: unknown;
}

export interface SignOptions {
  /** `trusted` (default) signs with the published key; `untrusted` with a key nobody published. */
  key?: 'trusted' | 'untrusted';
  /** Header kid; defaults to the published key's. */
  kid?: string;
  algorithm?: 'RS256' | 'RS384' | 'RS512';
}

export interface JwtIssuer {
  /** The OpenID metadata document's URL. */
  readonly metadataUrl: string;
  readonly kid: string;
  /** Requests served so far, by path, so a test can tell whether the validator fetched the keys. */
  readonly served: readonly string[];
  /** Claims a channel token for `appId` and `serviceUrl` would carry, valid for an hour from now. */
  claims(appId: string, serviceUrl: string, overrides?: Partial<ChannelClaims>): ChannelClaims;
  sign(claims: Partial<ChannelClaims>, opts?: SignOptions): string;
  /** An unsigned token (`alg: none`) with the published kid: a forgery that skips the signature. */
  unsigned(claims: Partial<ChannelClaims>): string;
  /**
   * An HMAC token whose secret is the published *public* key: the classic algorithm-confusion
   * forgery, which works against validators that let the token choose the algorithm.
   */
  hmacWithPublicKey(claims: Partial<ChannelClaims>): string;
  stop(): Promise<void>;
}

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function rsaPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export async function startJwtIssuer(opts: { endorsements?: string[] } = {}): Promise<JwtIssuer> {
  const trusted = rsaPair();
  const untrusted = rsaPair();
  const kid = `test-${randomUUID()}`;
  const jwk = trusted.publicKey.export({ format: 'jwk' }) as { n: string; e: string; kty: string };
  const served: string[] = [];

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://issuer.invalid').pathname;
    served.push(path);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let body: unknown;
    if (path === '/v1/.well-known/openidconfiguration') {
      body = {
        issuer: BOT_FRAMEWORK_ISSUER,
        authorization_endpoint: `${base}/v1/.well-known/authorize`,
        jwks_uri: `${base}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      };
    } else if (path === '/v1/.well-known/keys') {
      body = { keys: [{ kty: jwk.kty, use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: opts.endorsements ?? ['msteams'] }] };
    }
    const payload = body === undefined ? '{"error":"not found"}' : JSON.stringify(body);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const publicPem = trusted.publicKey.export({ type: 'spki', format: 'pem' }) as string;

  return {
    metadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
    kid,
    get served() {
      return served;
    },
    claims(appId, serviceUrl, overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      return { iss: BOT_FRAMEWORK_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...overrides };
    },
    sign(claims, o = {}) {
      const key = (o.key ?? 'trusted') === 'trusted' ? trusted.privateKey : untrusted.privateKey;
      // The claims carry their own iat/nbf/exp, so jsonwebtoken must not add or check any.
      return jwt.sign(claims, key, { algorithm: o.algorithm ?? 'RS256', keyid: o.kid ?? kid, noTimestamp: true });
    },
    unsigned(claims) {
      return `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(claims)}.`;
    },
    hmacWithPublicKey(claims) {
      const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(claims)}`;
      return `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
