// Routes of /v1/counters/:key: integer counters stored as `counter:<key>` strings (INCRBY
// semantics, 64-bit signed), with an optional TTL. A missing counter reads as 0.

import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { parseInt64, wrongType } from '@mnemo/engine';
import type { Bytes, Clock } from '@mnemo/engine';
import { CounterStepSchema } from '@mnemo/contracts';
import type { CounterStep } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { KeyspaceService } from '../../core/keyspace.service';
import { MNEMO_CONFIG } from '../../core/tokens';
import { ApiKeyGuard } from '../common/auth.guard';
import { HttpApiError, namingField } from '../common/http-error';
import { keyBytes } from '../common/keys';
import { HTTP_CLOCK } from '../common/tokens';
import { commitWrite } from '../common/write-gate';
import { ZodPipe } from '../common/zod-validation.pipe';

export const COUNTER_PREFIX = 'counter:';

/** A counter's value; outside the safe-integer range it is sent as a decimal string. */
export interface CounterReply {
  key: string;
  value: number | string;
  ttlMs: number | null;
}

function jsonInteger(value: number | bigint | string): number | string {
  const big = BigInt(value);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
}

/**
 * Runs an engine call on the counter's key; the engine's refusals (WRONGTYPE: a hash there; ERR:
 * not an integer, or the step would overflow) name the key they are about.
 */
function aboutTheKey<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw namingField(error, 'params.key', ['WRONGTYPE', 'ERR']);
  }
}

@Controller('v1/counters')
@UseGuards(ApiKeyGuard)
export class CountersController {
  constructor(
    private readonly keyspace: KeyspaceService,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    @Inject(HTTP_CLOCK) private readonly clock: Clock,
  ) {}

  /** Current value (0 if missing) and TTL. */
  @Get(':key')
  get(@Param('key') keyText: string): CounterReply {
    const key = keyBytes(this.config, keyText, 'params.key', COUNTER_PREFIX);
    const value = aboutTheKey(() => this.keyspace.engine.get(key));
    // What INCR takes (Redis's string2ll: "7", not "007" or "-0"; 64-bit), so a value GET reads is one incr can step.
    const counter = value === null ? 0 : parseInt64(value);
    if (counter === null) {
      throw new HttpApiError(409, 'NOT_AN_INTEGER', `params.key: '${keyText}' holds a value that is not a 64-bit integer`, 'params.key');
    }
    return { key: keyText, value: jsonInteger(counter), ttlMs: this.ttlOf(key) };
  }

  /** Adds `by` (default 1); body optional. */
  @Post(':key/incr')
  @HttpCode(200)
  incr(@Param('key') keyText: string, @Body(new ZodPipe(CounterStepSchema)) body: CounterStep): Promise<CounterReply> {
    return this.step(keyText, body.by, body);
  }

  /** Subtracts `by` (default 1); body optional. */
  @Post(':key/decr')
  @HttpCode(200)
  decr(@Param('key') keyText: string, @Body(new ZodPipe(CounterStepSchema)) body: CounterStep): Promise<CounterReply> {
    return this.step(keyText, -body.by, body);
  }

  /** Resets the counter (deletes it, so it reads 0); a hash there is not a counter: 409 WRONGTYPE, kept. */
  @Delete(':key')
  async reset(@Param('key') keyText: string): Promise<{ reset: boolean }> {
    const key = keyBytes(this.config, keyText, 'params.key', COUNTER_PREFIX);
    const reset = await commitWrite(this.keyspace, () => {
      const engine = this.keyspace.engine;
      if (engine.keyInfo(key)?.type === 'hash') throw namingField(wrongType(), 'params.key', ['WRONGTYPE']);
      return engine.del([key]) > 0;
    });
    return { reset };
  }

  private async step(keyText: string, delta: number, body: CounterStep): Promise<CounterReply> {
    const key = keyBytes(this.config, keyText, 'params.key', COUNTER_PREFIX);
    const value = await commitWrite(this.keyspace, () => {
      const engine = this.keyspace.engine;
      const next = aboutTheKey(() => engine.incrBy(key, delta));
      if (body.ttlMs !== undefined && (body.ttlMode === 'always' || engine.keyInfo(key)?.expiresAt === null)) {
        engine.execute(['PEXPIREAT', key, String(this.clock.now() + body.ttlMs)]);
      }
      return next;
    });
    return { key: keyText, value: jsonInteger(value), ttlMs: this.ttlOf(key) };
  }

  private ttlOf(key: Bytes): number | null {
    const expiresAt = this.keyspace.engine.keyInfo(key)?.expiresAt ?? null;
    return expiresAt === null ? null : Math.max(0, expiresAt - this.clock.now());
  }
}
