import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived signed links to one stored board pack, for channels and for board members outside the
 * team who cannot use the file in chat.
 *
 * A link is `<base>/board-pack/<payload>.<signature>`: the payload names one snapshot (plan and
 * as-at day) and an expiry; the signature is HMAC-SHA256 over the payload with
 * BOARD_PACK_LINK_SECRET. The bot keeps no list of links and serves no index: without a valid link
 * nothing can be found. Signatures are compared in constant time. The risk, written up in
 * docs/ADMIN.md: anyone holding a link can read that one pack until it expires, so links are bearer
 * tokens and should be shared like the paper pack would be.
 */

export interface PackRef {
  planId: string;
  asAt: string;
}

export type LinkCheck = { ok: true; ref: PackRef; expiresAt: Date } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

const b64url = (buf: Buffer) => buf.toString('base64url');

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload, 'utf8').digest();
}

export function signPackToken(secret: string, ref: PackRef, expiresAt: Date): string {
  const payload = b64url(Buffer.from(JSON.stringify({ p: ref.planId, a: ref.asAt, e: Math.floor(expiresAt.getTime() / 1000) }), 'utf8'));
  return `${payload}.${b64url(sign(secret, payload))}`;
}

export function verifyPackToken(secret: string, token: string, now: Date): LinkCheck {
  const m = /^([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(m[2], 'base64url');
  const expected = sign(secret, m[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  let body: { p?: unknown; a?: unknown; e?: unknown };
  try {
    body = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof body.p !== 'string' || typeof body.a !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(body.a) || typeof body.e !== 'number') return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(body.e * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, ref: { planId: body.p, asAt: body.a }, expiresAt };
}

export interface PackLinks {
  /** A link to one pack, valid for the configured time from `now`. */
  linkFor(ref: PackRef, now: Date): { url: string; expiresAt: Date };
  verify(token: string, now: Date): LinkCheck;
}

export const PACK_ROUTE = '/board-pack';

export function packLinks(opts: { secret: string; baseUrl: string; ttlHours: number }): PackLinks {
  const base = opts.baseUrl.replace(/\/+$/, '');
  return {
    linkFor(ref, now) {
      const expiresAt = new Date(now.getTime() + opts.ttlHours * 3_600_000);
      return { url: `${base}${PACK_ROUTE}/${signPackToken(opts.secret, ref, expiresAt)}`, expiresAt };
    },
    verify: (token, now) => verifyPackToken(opts.secret, token, now),
  };
}
