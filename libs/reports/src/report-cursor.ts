import { createHash, createHmac, timingSafeEqual } from 'crypto';

/** Position after the last entry of a page: the entry's sort key. */
export interface ReportCursorPosition {
  date: string;
  operation: string;
  profile: string;
  credentialType: string;
}

/**
 * Opaque, HMAC-SHA256-signed cursor `base64url(payload).base64url(mac)`. The payload binds the position
 * to a hash of the organisation and the query (zone, dates, profiles), so a cursor that was edited, or that
 * belongs to another query or organisation, is rejected.
 */
export class ReportCursorCodec {
  constructor(private readonly secret: string) {
    if (!secret || secret.length < 32) throw new Error('report cursor secret must be at least 32 characters');
  }

  static queryHash(parts: readonly string[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
  }

  encode(queryHash: string, pos: ReportCursorPosition): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, q: queryHash, d: pos.date, o: pos.operation, p: pos.profile, t: pos.credentialType })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The position, or null when the cursor is malformed, forged, or from another query. */
  decode(queryHash: string, cursor: string): ReportCursorPosition | null {
    if (cursor.length > 1024) return null;
    const [payload, mac, extra] = cursor.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let obj: unknown;
    try {
      obj = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const o = obj as Record<string, unknown>;
    if (o.v !== 1 || o.q !== queryHash) return null;
    if (![o.d, o.o, o.p, o.t].every((x) => typeof x === 'string')) return null;
    return { date: o.d as string, operation: o.o as string, profile: o.p as string, credentialType: o.t as string };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
