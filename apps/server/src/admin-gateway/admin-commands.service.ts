// What admin commands do: live config changes, background snapshot and log rewrite, deleting a
// key. Each returns an ack (never throws), so one dashboard's bad request harms nobody.

import { Injectable } from '@nestjs/common';
import { bytesFromText } from '@mnemo/engine';
import { ADMIN_SETTABLE_OPTIONS } from '@mnemo/contracts';
import type { AdminAck, AdminCommandShapes, DeleteKeyRequest, SetConfigRequest } from '@mnemo/contracts';
import { OPTION_DEFINITIONS } from '../config/options';
import { KeyspaceService } from '../core/keyspace.service';
import { NO_PERSISTENCE } from '../core/persistence-control';
import { ackFromError, errorAck, okAck } from './admin-ack';

type SettableOption = (typeof ADMIN_SETTABLE_OPTIONS)[number];
type Ok<C extends keyof AdminCommandShapes> = AdminCommandShapes[C]['ok'];

function isSettable(name: string): name is SettableOption {
  return (ADMIN_SETTABLE_OPTIONS as readonly string[]).includes(name);
}

/** The value as the engine / persistence take it: sizes in plain bytes ("100mb" -> "104857600"). */
function canonicalValue(parsed: unknown, text: string): string {
  if (typeof parsed === 'number') return String(parsed);
  if (typeof parsed === 'boolean') return parsed ? 'yes' : 'no';
  return typeof parsed === 'string' ? parsed : text.trim();
}

@Injectable()
export class AdminCommandsService {
  constructor(private readonly keyspace: KeyspaceService) {}

  /**
   * CONFIG SET of one live option. Outcomes: ok with the value now in effect; UNKNOWN_OPTION
   * (field 'name') for options that cannot change live; INVALID_VALUE (field = the option) for
   * values its parser refuses or beyond safe integers; UNAVAILABLE for persistence options when
   * persistence is off; LOADING while recovering; the engine's or persistence's own error.
   */
  async setConfig(request: SetConfigRequest): Promise<AdminAck<Ok<'config:set'>>> {
    const { name, value } = request;
    if (!isSettable(name)) {
      return errorAck('UNKNOWN_OPTION', `'${name}' cannot be changed live (one of: ${ADMIN_SETTABLE_OPTIONS.join(', ')})`, 'name');
    }
    let parsed: unknown;
    try {
      parsed = OPTION_DEFINITIONS[name].parse(value, name);
    } catch (error) {
      return ackFromError(error, name);
    }
    if (typeof parsed === 'number' && !Number.isSafeInteger(parsed)) {
      return errorAck('INVALID_VALUE', `option '${name}': '${value}' is too large`, name);
    }
    if (!this.keyspace.ready) return errorAck('LOADING', 'Mnemo is loading the dataset in memory');
    try {
      const engine = this.keyspace.engine;
      const canonical = canonicalValue(parsed, value);
      if (!engine.configSet(name, canonical)) {
        const persistence = this.keyspace.persistence;
        if (persistence === NO_PERSISTENCE) return errorAck('UNAVAILABLE', `persistence is off, '${name}' has no effect`, name);
        if (!(await persistence.configSet(name, canonical))) {
          return errorAck('UNKNOWN_OPTION', `'${name}' is not a live option of this server`, 'name');
        }
      }
      const effective = engine.configGet(name)[0]?.[1] ?? this.keyspace.persistence.configGet(name)[0]?.[1] ?? value;
      return okAck({ name, value: effective });
    } catch (error) {
      return ackFromError(error, name);
    }
  }

  /** BGSAVE: ok once the snapshot started (its end comes on the `persistence` stream). */
  bgsave(): Promise<AdminAck<Ok<'persistence:bgsave'>>> {
    return this.persistenceCommand((persistence) => persistence.bgsave());
  }

  /** BGREWRITEAOF: ok once the rewrite started. */
  rewrite(): Promise<AdminAck<Ok<'persistence:rewrite'>>> {
    return this.persistenceCommand((persistence) => persistence.rewrite());
  }

  /**
   * DEL of one key (text, stored as UTF-8 bytes). Ok with deleted 0 or 1, once the delete is as
   * durable as the fsync policy promises. MISCONF if the log cannot commit, LOADING while recovering.
   */
  async deleteKey(request: DeleteKeyRequest): Promise<AdminAck<Ok<'key:delete'>>> {
    if (!this.keyspace.ready) return errorAck('LOADING', 'Mnemo is loading the dataset in memory');
    const writeError = this.keyspace.durability.writeError();
    if (writeError) return ackFromError(writeError);
    try {
      const engine = this.keyspace.engine;
      const deleted = engine.del([bytesFromText(request.key)]);
      if (deleted > 0) await this.keyspace.durability.waitFor(engine.lastSeq);
      return okAck({ deleted });
    } catch (error) {
      return ackFromError(error, 'key');
    }
  }

  private async persistenceCommand(
    start: (persistence: KeyspaceService['persistence']) => Promise<string>,
  ): Promise<AdminAck<{ message: string }>> {
    const persistence = this.keyspace.persistence;
    if (persistence === NO_PERSISTENCE) return errorAck('UNAVAILABLE', 'persistence is not configured');
    if (!this.keyspace.ready) return errorAck('LOADING', 'Mnemo is loading the dataset in memory');
    try {
      return okAck({ message: await start(persistence) });
    } catch (error) {
      return ackFromError(error);
    }
  }
}
