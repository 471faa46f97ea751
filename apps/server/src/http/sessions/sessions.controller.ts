// Routes of /v1/sessions: create, get (optionally rolling), replace/merge with optimistic
// versions, touch, destroy, and list/destroy all sessions of a user. Every route on one session
// honours If-Match (412 when the session is at another version).

import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CreateSessionSchema, KeyText, QueryBool, SessionIdParam, TouchSessionSchema, UpdateSessionSchema } from '@mnemo/contracts';
import type { CreateSession, SessionView, UpdateSession } from '@mnemo/contracts';
import { ApiKeyGuard } from '../common/auth.guard';
import { validationError } from '../common/http-error';
import { ZodPipe } from '../common/zod-validation.pipe';
import { SessionsService } from './sessions.service';

const GetQuery = z.object({ rolling: QueryBool.default('false') }).strict();
const UserQuery = z.object({ userId: KeyText }).strict();

/**
 * RFC 9110 §13.1.1: `If-Match: "3"` or a list `"2", "3"` -> the versions it names (a bare 3 is
 * taken as "3"); absent or `*` (any version) -> undefined; anything else -> 400. If-Match
 * compares strongly, so a weak tag (`W/"3"`) is valid but matches no version.
 */
function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = /^\s*(W\/)?"?(\d{1,15})"?\s*$/.exec(tag);
    if (!match) throw validationError('headers.if-match', 'must be session versions such as "3" or "2", "3"');
    if (match[1] === undefined) versions.push(Number(match[2]));
  }
  return versions;
}

function withEtag(reply: FastifyReply, session: SessionView): SessionView {
  reply.header('ETag', `"${session.version}"`);
  return session;
}

/** Session answers hold a user's data: no shared or private cache may keep them (RFC 9111 §5.2.2.5). */
const NO_STORE = 'no-store';

@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** 201 with the new session (id, expiresAt, version 1). */
  @Post()
  @Header('Cache-Control', NO_STORE)
  @HttpCode(201)
  async create(@Body(new ZodPipe(CreateSessionSchema)) body: CreateSession, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionView> {
    return withEtag(reply, await this.sessions.create(body));
  }

  /** The live sessions of `?userId=`, oldest first. */
  @Get()
  @Header('Cache-Control', NO_STORE)
  async list(@Query(new ZodPipe(UserQuery, 'query')) query: z.infer<typeof UserQuery>): Promise<{ sessions: SessionView[] }> {
    return { sessions: await this.sessions.listUser(query.userId) };
  }

  /** Log out everywhere: destroys every session of `?userId=`. */
  @Delete()
  @Header('Cache-Control', NO_STORE)
  destroyUser(@Query(new ZodPipe(UserQuery, 'query')) query: z.infer<typeof UserQuery>): Promise<{ destroyed: number }> {
    return this.sessions.destroyUser(query.userId);
  }

  /** ?rolling=true also restarts the session's TTL (not on HEAD, which changes nothing). */
  @Get(':id')
  @Header('Cache-Control', NO_STORE)
  async get(
    @Param('id', new ZodPipe(SessionIdParam, 'params.id')) id: string,
    @Query(new ZodPipe(GetQuery, 'query')) query: z.infer<typeof GetQuery>,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    const rolling = query.rolling && request.method !== 'HEAD';
    return withEtag(reply, await this.sessions.get(id, rolling, parseIfMatch(ifMatch)));
  }

  /** Replaces the data. */
  @Put(':id')
  @Header('Cache-Control', NO_STORE)
  async replace(
    @Param('id', new ZodPipe(SessionIdParam, 'params.id')) id: string,
    @Body(new ZodPipe(UpdateSessionSchema)) body: UpdateSession,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    return withEtag(reply, await this.sessions.update(id, 'replace', body, parseIfMatch(ifMatch)));
  }

  /** Merges the data (RFC 7386 JSON merge patch: null deletes a field). */
  @Patch(':id')
  @Header('Cache-Control', NO_STORE)
  async merge(
    @Param('id', new ZodPipe(SessionIdParam, 'params.id')) id: string,
    @Body(new ZodPipe(UpdateSessionSchema)) body: UpdateSession,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    return withEtag(reply, await this.sessions.update(id, 'merge', body, parseIfMatch(ifMatch)));
  }

  /** Restarts the TTL (optionally a new ttlMs). */
  @Post(':id/touch')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(200)
  async touch(
    @Param('id', new ZodPipe(SessionIdParam, 'params.id')) id: string,
    @Body(new ZodPipe(TouchSessionSchema)) body: z.infer<typeof TouchSessionSchema>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    return withEtag(reply, await this.sessions.touch(id, body.ttlMs, parseIfMatch(ifMatch)));
  }

  /** 204 when destroyed, 404 when there was no such session. */
  @Delete(':id')
  @HttpCode(204)
  async destroy(@Param('id', new ZodPipe(SessionIdParam, 'params.id')) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.sessions.destroy(id, parseIfMatch(ifMatch));
  }
}
