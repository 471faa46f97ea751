// Guards of the HTTP API: data endpoints (API keys when configured, readiness) and admin
// endpoints (the admin bearer token). Missing credentials answer 401, wrong ones 403.

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpErrorCode } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { KeyspaceService } from '../../core/keyspace.service';
import { MNEMO_CONFIG } from '../../core/tokens';
import { HttpApiError } from './http-error';

interface RequestHeaders {
  headers: Record<string, string | string[] | undefined>;
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * The presented credential: `Authorization: Bearer x` or, for API keys, `X-API-Key: x`; null when
 * there is none (401). An Authorization header of another scheme (Basic, added by a proxy) or a
 * Bearer with no token presents nothing, so an X-API-Key beside it still counts.
 */
export function presentedCredential(request: RequestHeaders, allowApiKeyHeader: boolean): string | null {
  const authorization = request.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer\s+(\S.*)$/i.exec(authorization.trim()) : null;
  if (bearer) return bearer[1];
  const apiKey = allowApiKeyHeader ? request.headers['x-api-key'] : undefined;
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : null;
}

/** Compares in constant time against every accepted secret (digests, so lengths never leak). */
function matches(candidate: string, accepted: Buffer[]): boolean {
  const presented = digest(candidate);
  let ok = false;
  for (const secret of accepted) ok = timingSafeEqual(presented, secret) || ok;
  return ok;
}

function unauthorized(message: string): HttpApiError {
  return new HttpApiError(401, HttpErrorCode.unauthorized, message, undefined, { 'WWW-Authenticate': 'Bearer realm="mnemo"' });
}

/**
 * Data endpoints: 503 LOADING while recovering; when api-keys is set, a key from it or the admin
 * token (operators and the dashboard act on data too) is required (401 if none presented, 403 if
 * neither). Open when api-keys is empty.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    private readonly keyspace: KeyspaceService,
  ) {
    this.keys = config['api-keys']
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean)
      .map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    this.authorize(context.switchToHttp().getRequest<RequestHeaders>());
    return true;
  }

  /** The guard's check on a raw request (also used by routes registered on Fastify directly). */
  authorize(request: RequestHeaders): void {
    if (!this.keyspace.ready) throw new HttpApiError(503, 'LOADING', 'Mnemo is loading the dataset in memory', undefined, { 'Retry-After': '1' });
    if (this.keys.length === 0) return;
    const credential = presentedCredential(request, true);
    if (credential === null) throw unauthorized('an API key is required (Authorization: Bearer <key> or X-API-Key)');
    // The admin token is read at request time: bootstrap may generate it after the guard is built.
    const adminToken = this.config['admin-token'];
    const accepted = adminToken ? [...this.keys, digest(adminToken)] : this.keys;
    if (!matches(credential, accepted)) throw new HttpApiError(403, HttpErrorCode.forbidden, 'the API key is not valid');
  }
}

/** Admin endpoints: `Authorization: Bearer <admin-token>` always (401 missing, 403 wrong). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(MNEMO_CONFIG) private readonly config: MnemoConfig) {}

  canActivate(context: ExecutionContext): boolean {
    // Read at request time: bootstrap fills in a generated token after the modules are built.
    const token = this.config['admin-token'];
    const credential = presentedCredential(context.switchToHttp().getRequest<RequestHeaders>(), false);
    if (credential === null) throw unauthorized('the admin token is required (Authorization: Bearer <token>)');
    if (!token || !matches(credential, [digest(token)])) throw new HttpApiError(403, HttpErrorCode.forbidden, 'the admin token is not valid');
    return true;
  }
}
