// Routes of /v1/sessions: create, get (optionally rolling), replace/merge with optimistic
// versions, touch, destroy, and list/destroy all sessions of a user. Every route on one session
// honours If-Match (412 when the session is at another version).

import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CreateSessionSchema, KeyText, QueryBool, SessionIdParam, TouchSessionSchema, UpdateSessionSchema } from '@mnemo/contracts';
import type { CreateSession, SessionView, UpdateSession } from '@mnemo/contracts';
import { ApiKeyGuard } from '../common/auth.guard';
import { validationError } from '../common/http-error';
import { ZodPipe } from '../common/zod-validation.pipe';
import { SessionsService } from './sessions.service';

const GetQuery = z.object({ rolling: QueryBool.default('false') }).strict();
const UserQuery = z.object({ userId: KeyText }).strict();

/** `If-Match: "3"`, `W/"3"` or `3` -> 3; absent or `*` (any version) -> undefined; anything else -> 400. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) throw validationError('headers.if-match', 'must be a session version such as "3"');
  return Number(match[1]);
}

function withEtag(reply: FastifyReply, session: SessionView): SessionView {
  reply.header('ETag', `"${session.version}"`);
  return session;
}

@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** 201 with the new session (id, expiresAt, version 1). */
  @Post()
  @HttpCode(201)
  async create(@Body(new ZodPipe(CreateSessionSchema)) body: CreateSession, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionView> {
    return withEtag(reply, await this.sessions.create(body));
  }

  /** The live sessions of `?userId=`, oldest first. */
  @Get()
  async list(@Query(new ZodPipe(UserQuery, 'query')) query: z.infer<typeof UserQuery>): Promise<{ sessions: SessionView[] }> {
    return { sessions: await this.sessions.listUser(query.userId) };
  }

  /** Log out everywhere: destroys every session of `?userId=`. */
  @Delete()
  destroyUser(@Query(new ZodPipe(UserQuery, 'query')) query: z.infer<typeof UserQuery>): Promise<{ destroyed: number }> {
    return this.sessions.destroyUser(query.userId);
  }

  /** ?rolling=true also restarts the session's TTL. */
  @Get(':id')
  async get(
    @Param('id', new ZodPipe(SessionIdParam, 'params.id')) id: string,
    @Query(new ZodPipe(GetQuery, 'query')) query: z.infer<typeof GetQuery>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    return withEtag(reply, await this.sessions.get(id, query.rolling, parseIfMatch(ifMatch)));
  }

  /** Replaces the data. */
  @Put(':id')
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
