// Routes of /v1/keys: the raw keyspace (no prefix). Get/put/delete a key with a TTL, its type,
// TTL and metadata, and SCAN with a pattern and a cursor. Keys and values travel as text (the
// engine stores their UTF-8 bytes) or, with ?encoding=base64, as base64 of their exact bytes
// (key-encoding.ts).

import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { bytesFromText } from '@mnemo/engine';
import type { Bytes, Clock } from '@mnemo/engine';
import { KEY_TYPES, KeyTtlSchema, PutKeySchema, queryInt } from '@mnemo/contracts';
import type { KeyInfoView, KeyView, PutKey, ScanView } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { KeyspaceService } from '../../core/keyspace.service';
import { MNEMO_CONFIG } from '../../core/tokens';
import { ApiKeyGuard } from '../common/auth.guard';
import { HttpApiError, notFound } from '../common/http-error';
import { checkValueSize } from '../common/keys';
import { HTTP_CLOCK } from '../common/tokens';
import { commitWrite } from '../common/write-gate';
import { ZodPipe } from '../common/zod-validation.pipe';
import { decodeKey, decodeValue, encodeBytes, KeyEncodingParam, KeyRouteQuery } from './key-encoding';
import type { KeyEncoding } from './key-encoding';

const CURSOR = /^\d{1,20}$/;

const ScanQuery = z
  .object({
    cursor: z
      .string()
      .regex(CURSOR, 'must be a cursor returned by a previous scan (start with 0)')
      // zod runs this after a failed regex too, so it only judges what the regex let through.
      .refine((cursor) => !CURSOR.test(cursor) || BigInt(cursor) < 2n ** 64n, 'must be a cursor returned by a previous scan (at most 2^64 - 1)')
      .default('0'),
    pattern: z.string().min(1).max(1024).optional(),
    count: queryInt(1, 1000).default(100),
    type: z.enum(KEY_TYPES).optional(),
    encoding: KeyEncodingParam,
  })
  .strict();

/** Validates the query of a single-key route; `.encoding` is how its key and values travel. */
const keyQuery = () => new ZodPipe(KeyRouteQuery, 'query');
type KeyQuery = z.infer<typeof KeyRouteQuery>;

@Controller('v1/keys')
@UseGuards(ApiKeyGuard)
export class KeysController {
  constructor(
    private readonly keyspace: KeyspaceService,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    @Inject(HTTP_CLOCK) private readonly clock: Clock,
  ) {}

  /** One SCAN step: `{ cursor, keys }`; cursor "0" in the answer means the scan is complete. */
  @Get()
  scan(@Query(new ZodPipe(ScanQuery, 'query')) query: z.infer<typeof ScanQuery>): ScanView {
    const result = this.keyspace.engine.scan(query.cursor, {
      match: query.pattern === undefined ? undefined : bytesFromText(query.pattern),
      count: query.count,
      type: query.type,
    });
    return { cursor: result.cursor, keys: result.keys.map((key) => encodeBytes(key, query.encoding)) };
  }

  @Get(':key')
  get(@Param('key') keyText: string, @Query(keyQuery()) { encoding }: KeyQuery): KeyView {
    const key = this.key(keyText, encoding);
    const info = this.keyspace.engine.keyInfo(key);
    if (!info) throw notFound(`key '${keyText}'`, 'params.key');
    let value: KeyView['value'];
    if (info.type === 'hash') {
      const flat = this.keyspace.engine.hgetall(key) ?? [];
      // No prototype, so a field named __proto__ is data. In text mode two fields that are not
      // UTF-8 can read as the same text (both U+FFFD): the last one is shown; base64 is exact.
      const fields: Record<string, string> = Object.create(null);
      for (let i = 0; i + 1 < flat.length; i += 2) fields[encodeBytes(flat[i], encoding)] = encodeBytes(flat[i + 1], encoding);
      value = fields;
    } else {
      value = encodeBytes(this.keyspace.engine.get(key) ?? '', encoding);
    }
    return { key: encodeBytes(key, encoding), type: info.type, value, ttlMs: this.ttl(info.expiresAt) };
  }

  /** Sets a string value (replacing any type); 412 when nx/xx is not met. */
  @Put(':key')
  async put(@Param('key') keyText: string, @Query(keyQuery()) { encoding }: KeyQuery, @Body(new ZodPipe(PutKeySchema)) body: PutKey): Promise<KeyView> {
    const key = this.key(keyText, encoding);
    const value = checkValueSize(this.config, decodeValue(body.value, encoding, 'body.value'), 'body.value');
    const stored = await commitWrite(this.keyspace, () =>
      this.keyspace.engine.set(key, value, {
        expiresAt: body.ttlMs === undefined ? null : this.clock.now() + body.ttlMs,
        nx: body.nx,
        xx: body.xx,
      }),
    );
    if (!stored) {
      throw new HttpApiError(412, 'PRECONDITION_FAILED', body.nx ? `body.nx: key '${keyText}' already exists` : `body.xx: key '${keyText}' does not exist`, body.nx ? 'body.nx' : 'body.xx');
    }
    return { key: encodeBytes(key, encoding), type: 'string', value: encodeBytes(value, encoding), ttlMs: body.ttlMs ?? null };
  }

  /** 204 when deleted, 404 when missing. */
  @Delete(':key')
  @HttpCode(204)
  async remove(@Param('key') keyText: string, @Query(keyQuery()) { encoding }: KeyQuery): Promise<void> {
    const key = this.key(keyText, encoding);
    const deleted = await commitWrite(this.keyspace, () => this.keyspace.engine.del([key]));
    if (deleted === 0) throw notFound(`key '${keyText}'`, 'params.key');
  }

  @Get(':key/type')
  type(@Param('key') keyText: string, @Query(keyQuery()) { encoding }: KeyQuery): { key: string; type: string } {
    const key = this.key(keyText, encoding);
    return { key: encodeBytes(key, encoding), type: this.info(key, keyText).type };
  }

  /** Remaining TTL in ms, null when the key never expires. */
  @Get(':key/ttl')
  getTtl(@Param('key') keyText: string, @Query(keyQuery()) { encoding }: KeyQuery): { key: string; ttlMs: number | null } {
    const key = this.key(keyText, encoding);
    return { key: encodeBytes(key, encoding), ttlMs: this.ttl(this.info(key, keyText).expiresAt) };
  }

  /** Sets the TTL (ms) or removes it (null). */
  @Put(':key/ttl')
  async setTtl(
    @Param('key') keyText: string,
    @Query(keyQuery()) { encoding }: KeyQuery,
    @Body(new ZodPipe(KeyTtlSchema)) body: z.infer<typeof KeyTtlSchema>,
  ): Promise<{ key: string; ttlMs: number | null }> {
    const key = this.key(keyText, encoding);
    const changed = await commitWrite(this.keyspace, () =>
      body.ttlMs === null
        ? this.keyspace.engine.execute(['PERSIST', key])
        : this.keyspace.engine.execute(['PEXPIREAT', key, String(this.clock.now() + body.ttlMs)]),
    );
    if (changed === 0 && !this.keyspace.engine.keyInfo(key)) throw notFound(`key '${keyText}'`, 'params.key');
    return { key: encodeBytes(key, encoding), ttlMs: body.ttlMs };
  }

  /** Type, TTL, estimated memory, encoding, length, idle time and LFU counter. */
  @Get(':key/info')
  keyInfo(@Param('key') keyText: string, @Query(keyQuery()) { encoding }: KeyQuery): KeyInfoView {
    const key = this.key(keyText, encoding);
    const info = this.info(key, keyText);
    return {
      key: encodeBytes(key, encoding),
      type: info.type,
      ttlMs: this.ttl(info.expiresAt),
      expiresAt: info.expiresAt,
      memory: info.memory,
      encoding: info.encoding,
      length: info.length,
      idleSeconds: info.idleSeconds,
      freq: info.freq,
    };
  }

  private key(keyText: string, encoding: KeyEncoding): Bytes {
    return decodeKey(this.config, keyText, encoding, 'params.key');
  }

  /** The key's metadata; 404 naming the key as the caller wrote it when it is missing. */
  private info(key: Bytes, keyText: string) {
    const info = this.keyspace.engine.keyInfo(key);
    if (!info) throw notFound(`key '${keyText}'`, 'params.key');
    return info;
  }

  private ttl(expiresAt: number | null): number | null {
    return expiresAt === null ? null : Math.max(0, expiresAt - this.clock.now());
  }
}
