// Process-wide counters that adapters bump and the stats stream reads (RESP clients, rate limits).

import { Injectable } from '@nestjs/common';

/**
 * Plain mutable counters, shared by injection. `respClients` is a gauge (inc on connect, dec on
 * close); `rateLimitAllowed` / `rateLimitDenied` only ever grow (readers take per-second deltas).
 * Bumping is a field increment: safe to do on any hot path.
 */
@Injectable()
export class ServerCounters {
  respClients = 0;
  rateLimitAllowed = 0;
  rateLimitDenied = 0;
}
