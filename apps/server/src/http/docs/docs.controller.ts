// GET /docs: Swagger UI (assets from swagger-ui-dist) over /docs/openapi.json.

import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { notFound } from '../common/http-error';
import { buildOpenApi } from './openapi';

/** A Map, not an object literal: /docs/assets/__proto__ must not find Object.prototype (it did: a 500). */
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
]);

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Mnemo HTTP API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#ui' });</script>
<noscript>The API description is at <a href="/docs/openapi.json">/docs/openapi.json</a>.</noscript>
</body></html>`;

@Controller('docs')
export class DocsController {
  private readonly document = buildOpenApi();
  private readonly assetCache = new Map<string, Buffer>();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }

  /** Swagger UI's own files, read once from the swagger-ui-dist package. */
  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const type = ASSETS.get(file);
    if (!type) throw notFound(`asset '${file}'`, 'params.file');
    let content = this.assetCache.get(file);
    if (!content) {
      const directory = path.dirname(require.resolve('swagger-ui-dist/package.json'));
      content = readFileSync(path.join(directory, file));
      this.assetCache.set(file, content);
    }
    void reply.header('Content-Type', type).header('Cache-Control', 'public, max-age=3600').send(content);
  }
}
