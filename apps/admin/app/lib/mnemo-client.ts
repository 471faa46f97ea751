// Every HTTP call the dashboard makes to the Mnemo server, in one place, so a route change
// touches one file. Works on the Next server (base = MNEMO_SERVER_URL) and in the browser
// (base = /api/mnemo, proxied by app/api/mnemo/[...path]/route.ts).

import type { AdminInfo, KeyCountView, KeyInfoView, KeyView, RateLimitCheckResult, RateLimitPolicy, RateLimitPolicyView, ScanView, SessionView } from '@mnemo/contracts';
import { base64UrlOfText, bytesOfBase64, showBase64, utf8TextOf } from './key-bytes';
import type { ShownBytes } from './key-bytes';

/**
 * `text` as one URL path segment, for names the API takes as text (policies). A name `.` or `..`
 * cannot be one: URL parsing (the browser's, then the server's fetch) resolves it as a dot
 * segment, encoded or not, and `/v1/admin/ratelimit/policies/..` would address another route.
 * Such a name is refused here (400, as the API refuses it). Keys do not need this: they travel
 * as base64 (keyPath).
 */
export function pathSegment(text: string, field = 'params.name'): string {
  if (text === '.' || text === '..') {
    throw new MnemoHttpError(400, 'VALIDATION_ERROR', `the name '${text}' cannot be part of a URL path`, field);
  }
  return encodeURIComponent(text);
}

/** The /v1/keys route of a key by its exact bytes: `/v1/keys/<base64url>[/suffix]?encoding=base64` (key-bytes.ts). */
export function keyPath(key: string, suffix = ''): string {
  return `/v1/keys/${base64UrlOfText(key)}${suffix}?encoding=base64`;
}

/** An HTTP API error answer ({ error: { code, message, field? } }), or status 0 when unreachable. */
export class MnemoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MnemoHttpError';
  }
}

/** An error as the operator reads it: the field first, once (the server's messages mostly start with it). */
export function errorText(error: unknown): string {
  if (!(error instanceof MnemoHttpError)) return error instanceof Error ? error.message : String(error);
  return error.field && !error.message.startsWith(`${error.field}:`) ? `${error.field}: ${error.message}` : error.message;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface KeySummary {
  key: string;
  type: 'string' | 'hash' | null;
  /** Remaining TTL in ms, null if none. */
  ttlMs: number | null;
  size: number | null;
}

export interface ScanPage {
  cursor: string;
  keys: KeySummary[];
  /** Keys the scan found that have no text name (not UTF-8) or that the key routes refuse (longer than max-key-length). */
  unlisted: number;
}

export interface KeyValue extends KeySummary {
  /** Strings: the bytes as stored, as text or hex (key-bytes.ts), the first MAX_SHOWN_VALUE_BYTES. */
  value: ShownBytes | null;
  /** Hashes: the first MAX_SHOWN_FIELDS [field, value] pairs, shown the same way. */
  fields: Array<[ShownBytes, ShownBytes]> | null;
  /** Hashes: how many fields there are in all. */
  fieldCount: number;
}

/** What the key page shows of a value: a string's first 64 KB, a hash's first 500 fields of 4 KB at most each. */
export const MAX_SHOWN_VALUE_BYTES = 64 * 1024;
export const MAX_SHOWN_FIELDS = 500;
const MAX_SHOWN_FIELD_BYTES = 4 * 1024;

type Fetch = typeof fetch;

/**
 * A thin typed wrapper over the HTTP API. Each method resolves with the decoded body, or rejects
 * with MnemoHttpError (status 0 and code UNREACHABLE when the server cannot be reached).
 */
export class MnemoClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
    // Wrapped: the browser's fetch throws "Illegal invocation" when called as a method of another object.
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {}

  /** GET /v1/admin/info: INFO-like sections (server, memory, stats, keyspace, persistence, …). */
  info(): Promise<AdminInfo> {
    return this.request('GET', '/v1/admin/info');
  }

  /** GET /v1/admin/config?pattern=: effective config, name → text value. */
  configGet(pattern = '*'): Promise<Record<string, string>> {
    return this.request('GET', `/v1/admin/config?${new URLSearchParams({ pattern })}`);
  }

  /** GET /v1/keys?pattern=&cursor=&count=&encoding=base64: one SCAN step; `keys` are base64 of each key's bytes. */
  scan(params: { pattern: string; cursor: string; count: number }): Promise<ScanView> {
    const query = new URLSearchParams({ pattern: params.pattern, cursor: params.cursor, count: String(params.count), encoding: 'base64' });
    return this.request('GET', `/v1/keys?${query}`);
  }

  /**
   * A page of keys matching `pattern` with each key's type, TTL and size. SCAN with a MATCH can
   * return few or no keys per step (it filters after scanning `count` slots), so this keeps
   * stepping, doubling `count` from `want` up to 1000, until it has `want` keys, the scan is
   * complete (cursor "0"), or `maxSteps` steps were made; `cursor` is where the next page
   * starts. Example: 10,000 keys, 3 matching "user:e2e:*", want 50 → steps of 50, 100, …, 800,
   * then 1000s, one page of 3 keys, cursor "0". With "*" the first step usually fills the page.
   * Info comes from GET /v1/keys/:key/info per key, in parallel; keys that vanish in between
   * are left out, and keys whose bytes are not UTF-8 (no text name) are counted in `unlisted`.
   */
  async scanKeys(params: { pattern: string; cursor: string; want: number; maxSteps?: number }): Promise<ScanPage> {
    const names: string[] = [];
    let cursor = params.cursor;
    for (let step = 0, count = params.want; step < (params.maxSteps ?? 30); step++, count = Math.min(count * 2, 1000)) {
      const page = await this.scan({ pattern: params.pattern, cursor, count });
      names.push(...page.keys);
      cursor = String(page.cursor);
      if (cursor === '0' || names.length >= params.want) break;
    }
    let unlisted = 0;
    const texts: string[] = [];
    for (const name of new Set(names)) {
      const text = utf8TextOf(bytesOfBase64(name));
      if (text === null) unlisted++;
      else texts.push(text);
    }
    const infos = await Promise.all(
      texts.map((key) =>
        this.keyInfo(key).then((info) => ({ key, info })).catch((error: unknown) => {
          if (error instanceof MnemoHttpError && error.status === 404) return null; // gone since the scan
          // A key written over the Redis protocol may be longer than the HTTP API takes.
          if (error instanceof MnemoHttpError && (error.status === 400 || error.status === 414)) {
            unlisted++;
            return null;
          }
          throw error;
        }),
      ),
    );
    return {
      cursor,
      keys: infos.filter((found) => found !== null).map(({ key, info }) => ({ key, type: info.type, ttlMs: info.ttlMs, size: info.memory })),
      unlisted,
    };
  }

  /** GET /v1/admin/keys/count?pattern=: the keys matching `pattern`, counted server side by one whole SCAN. */
  countKeys(pattern: string): Promise<KeyCountView> {
    return this.request('GET', `/v1/admin/keys/count?${new URLSearchParams({ pattern })}`);
  }

  /** GET /v1/keys/:key/info: type, TTL, estimated memory, encoding, …; 404 when missing. */
  keyInfo(key: string): Promise<KeyInfoView> {
    return this.request('GET', keyPath(key, '/info'));
  }

  /** GET /v1/keys/:key (value) and its info; MnemoHttpError 404 when missing. */
  async getKey(key: string): Promise<KeyValue> {
    const [view, info] = await Promise.all([this.request<KeyView>('GET', keyPath(key)), this.keyInfo(key)]);
    return {
      key,
      type: view.type,
      ttlMs: view.ttlMs,
      size: info.memory,
      value: typeof view.value === 'string' ? showBase64(view.value, MAX_SHOWN_VALUE_BYTES) : null,
      fields:
        typeof view.value === 'object'
          ? Object.entries(view.value)
              .slice(0, MAX_SHOWN_FIELDS)
              .map(([field, value]) => [showBase64(field, MAX_SHOWN_FIELD_BYTES), showBase64(value, MAX_SHOWN_FIELD_BYTES)])
          : null,
      fieldCount: typeof view.value === 'object' ? Object.keys(view.value).length : 0,
    };
  }

  /** PUT /v1/keys/:key/ttl: sets (ttlMs > 0) or clears (null) a key's TTL. */
  setTtl(key: string, ttlMs: number | null): Promise<Json> {
    return this.request('PUT', keyPath(key, '/ttl'), { ttlMs });
  }

  /** GET /v1/sessions?userId=: the live sessions of one user, oldest first. */
  userSessions(userId: string): Promise<{ sessions: SessionView[] }> {
    return this.request('GET', `/v1/sessions?${new URLSearchParams({ userId })}`);
  }

  /** DELETE /v1/sessions/:id (404 when there was no such session). */
  async destroySession(id: string): Promise<void> {
    await this.request('DELETE', `/v1/sessions/${pathSegment(id, 'params.id')}`);
  }

  /** DELETE /v1/sessions?userId=: log the user out everywhere. */
  destroyUserSessions(userId: string): Promise<{ destroyed: number }> {
    return this.request('DELETE', `/v1/sessions?${new URLSearchParams({ userId })}`);
  }

  /** GET /v1/admin/ratelimit/policies: every policy with its counters. */
  policies(): Promise<{ policies: RateLimitPolicyView[] }> {
    return this.request('GET', '/v1/admin/ratelimit/policies');
  }

  /**
   * PUT /v1/admin/ratelimit/policies/:name, conditionally: `etag` null creates only (If-None-Match:
   * *), an etag replaces only that version (If-Match); either way 412 when someone came first.
   */
  putPolicy(policy: RateLimitPolicy, etag: string | null): Promise<RateLimitPolicyView> {
    const { name, ...body } = policy;
    const condition: Record<string, string> = etag === null ? { 'if-none-match': '*' } : { 'if-match': etag };
    return this.request('PUT', `/v1/admin/ratelimit/policies/${pathSegment(name)}`, body, condition);
  }

  /** POST /v1/ratelimit/peek: a key's current decision under a policy, consuming nothing. */
  peekLimit(policy: string, key: string, cost = 1): Promise<RateLimitCheckResult> {
    return this.request('POST', '/v1/ratelimit/peek', { policy, key, cost });
  }

  /** POST /v1/ratelimit/reset: forgets a key's state, so it is unblocked at once. */
  resetLimit(policy: string, key: string): Promise<{ reset: boolean }> {
    return this.request('POST', '/v1/ratelimit/reset', { policy, key });
  }

  private async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (error) {
      throw new MnemoHttpError(0, 'UNREACHABLE', `Mnemo server unreachable at ${this.base}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { error: { code: 'BAD_RESPONSE', message: text.slice(0, 200) } };
      }
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
      throw new MnemoHttpError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.field);
    }
    return parsed as T;
  }
}
