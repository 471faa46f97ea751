// The session API's service: validates sizes and keys against the config, runs SessionStore
// operations under the durability contract and maps outcomes to HTTP errors.

import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@mnemo/engine';
import { HttpErrorCode } from '@mnemo/contracts';
import type { CreateSession, SessionView, UpdateSession } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { KeyspaceService } from '../../core/keyspace.service';
import { MNEMO_CONFIG } from '../../core/tokens';
import { HttpApiError, namingField, notFound } from '../common/http-error';
import { checkValueSize, keyBytes } from '../common/keys';
import { HTTP_CLOCK } from '../common/tokens';
import { commitWrite } from '../common/write-gate';
import { mergePatch } from './merge-patch';
import { dataBytes, SessionStore, USER_INDEX_PREFIX } from './session-store';

function versionConflict(status: 409 | 412, field: string, current: number, expected: string): HttpApiError {
  return new HttpApiError(status, HttpErrorCode.versionConflict, `${field}: session is at version ${current}, not ${expected}`, field);
}

/** What an If-Match list asked for, for its 412: `"2" or "3"`, or why weak tags alone never match. */
function ifMatchText(versions: readonly number[]): string {
  if (versions.length === 0) return 'a strong tag: If-Match compares strongly, and a weak tag (W/"...") matches no version';
  return versions.map((version) => `"${version}"`).join(' or ');
}

/** A session:<id> key that does not hold a session (rewritten over RESP): 409 WRONGTYPE naming params.id. */
function aboutSessionId(error: unknown): never {
  throw namingField(error, 'params.id', ['WRONGTYPE']);
}

/** A user-sessions:<user> key that does not hold an index (rewritten over RESP): 409 WRONGTYPE naming the user id's field. */
function aboutUserId(field: string): (error: unknown) => never {
  return (error) => {
    throw namingField(error, field, ['WRONGTYPE']);
  };
}

@Injectable()
export class SessionsService {
  readonly store: SessionStore;

  constructor(
    private readonly keyspace: KeyspaceService,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    @Inject(HTTP_CLOCK) clock: Clock,
  ) {
    this.store = new SessionStore(keyspace.engine, clock);
  }

  create(body: CreateSession): Promise<SessionView> {
    const dataJson = checkValueSize(this.config, dataBytes(body.data), 'body.data');
    const userId = body.userId === undefined ? null : keyBytes(this.config, body.userId, 'body.userId', '', USER_INDEX_PREFIX);
    const ttlMs = body.ttlMs ?? this.config['session-default-ttl'];
    const maxPerUser = body.maxPerUser ?? this.config['sessions-max-per-user'];
    return commitWrite(this.keyspace, () => this.store.create({ dataJson, ttlMs, userId, maxPerUser })).catch(aboutUserId('body.userId'));
  }

  /** Runs a synchronous read, naming params.id in a WRONGTYPE. */
  private sync<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      return aboutSessionId(error);
    }
  }

  /**
   * RFC 9110 §13.1.1: with `If-Match: "<version>"` the method is performed only if the session is
   * at that version, else 412 naming the header. Called in the same synchronous run as the
   * operation, so nothing can change the session in between. A missing session is left to the
   * operation (404).
   */
  private checkIfMatch(id: string, ifMatch: readonly number[] | undefined): void {
    if (ifMatch === undefined) return;
    const version = this.store.version(id);
    if (version !== null && !ifMatch.includes(version)) throw versionConflict(412, 'headers.if-match', version, ifMatchText(ifMatch));
  }

  async get(id: string, rolling: boolean, ifMatch?: readonly number[]): Promise<SessionView> {
    const read = () => {
      this.checkIfMatch(id, ifMatch);
      return this.store.get(id, rolling);
    };
    const session = rolling ? await commitWrite(this.keyspace, read).catch(aboutSessionId) : this.sync(read);
    if (!session) throw notFound(`session '${id}'`, 'params.id');
    return session;
  }

  /**
   * PUT (replace) or PATCH (merge patch). Both conditions hold when both are given: an If-Match
   * header (412 on mismatch, checked first as a precondition) and the body's expectedVersion
   * (409 on mismatch).
   */
  async update(id: string, mode: 'replace' | 'merge', body: UpdateSession, ifMatch: readonly number[] | undefined): Promise<SessionView> {
    const outcome = await commitWrite(this.keyspace, () => {
      this.checkIfMatch(id, ifMatch);
      return this.store.update(
        id,
        (current) => checkValueSize(this.config, dataBytes(mode === 'replace' ? body.data : mergePatch(current, body.data)), 'body.data'),
        body.expectedVersion,
        body.ttlMs,
      );
    }).catch(aboutSessionId);
    if (outcome.ok) return outcome.value;
    if (outcome.reason === 'not-found') throw notFound(`session '${id}'`, 'params.id');
    throw versionConflict(409, 'body.expectedVersion', outcome.current, String(body.expectedVersion ?? 0));
  }

  async touch(id: string, ttlMs: number | undefined, ifMatch?: readonly number[]): Promise<SessionView> {
    const session = await commitWrite(this.keyspace, () => {
      this.checkIfMatch(id, ifMatch);
      return this.store.touch(id, ttlMs);
    }).catch(aboutSessionId);
    if (!session) throw notFound(`session '${id}'`, 'params.id');
    return session;
  }

  async destroy(id: string, ifMatch?: readonly number[]): Promise<void> {
    const destroyed = await commitWrite(this.keyspace, () => {
      this.checkIfMatch(id, ifMatch);
      return this.store.destroy(id);
    }).catch(aboutSessionId);
    if (!destroyed) throw notFound(`session '${id}'`, 'params.id');
  }

  async listUser(userIdText: string): Promise<SessionView[]> {
    const userId = keyBytes(this.config, userIdText, 'query.userId', '', USER_INDEX_PREFIX);
    return commitWrite(this.keyspace, () => this.store.listUser(userId)).catch(aboutUserId('query.userId'));
  }

  async destroyUser(userIdText: string): Promise<{ destroyed: number }> {
    const userId = keyBytes(this.config, userIdText, 'query.userId', '', USER_INDEX_PREFIX);
    const destroyed = await commitWrite(this.keyspace, () => this.store.destroyUser(userId)).catch(aboutUserId('query.userId'));
    return { destroyed };
  }
}
