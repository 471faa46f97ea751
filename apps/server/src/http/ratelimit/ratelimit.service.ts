// Resolves rate-limit requests (ad hoc, named policy, or envoy-style domain + descriptors) to
// engine state keys and limits, runs them through the RateLimiter with the durability
// contract, and keeps the per-policy and overall decision counters.
//
// State keys (visible over RESP):  ad hoc       ratelimit:<algorithm>/<limit>/<windowMs>[/<burst>]:<key>
//                                  policy       ratelimit-policy:<policy>:<key>
//                                  descriptors  ratelimit-policy:<policy>:<k1>=<v1>|<k2>=<v2>
// An ad-hoc key carries its limit, so two limits on one key ("5 a second and 1000 an hour for
// user:42") keep two states instead of overwriting one another's.

import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@mnemo/engine';
import { burstProblem, HttpErrorCode } from '@mnemo/contracts';
import type { RateLimitBatchResult, RateLimitCheckResult, RateLimitParams, RateLimitPolicy, RateLimitPolicyCounters, RateLimitTarget } from '@mnemo/contracts';
import type { MnemoConfig } from '../../config/options';
import { KeyspaceService } from '../../core/keyspace.service';
import { ServerCounters } from '../../core/server-counters';
import { MNEMO_CONFIG } from '../../core/tokens';
import { HttpApiError, namingField, validationError } from '../common/http-error';
import { keyBytes } from '../common/keys';
import { commitWrite } from '../common/write-gate';
import { HTTP_CLOCK } from '../common/tokens';
import { emptyCounters, isNearLimit, PolicyRegistry } from './policy-registry';
import { RateLimiter } from './rate-limiter';
import type { CheckOutcome, LimitCheck } from './rate-limiter';

export const AD_HOC_PREFIX = 'ratelimit:';
export const POLICY_PREFIX = 'ratelimit-policy:';

/** Totals since start, for /metrics: decisions per policy ('' for ad-hoc checks). */
export type DecisionTotals = Map<string, RateLimitPolicyCounters>;

interface Resolved extends LimitCheck {
  policy?: RateLimitPolicy;
  /** The input that chose the state key (body.key, body.descriptors, params.key): a WRONGTYPE names it. */
  field: string;
}

/**
 * Where an ad-hoc limit keeps its state: the prefix names the limit, with the burst a token
 * bucket (its capacity) or GCRA (its max_burst) actually uses, so `burst` left out and given as
 * its default are one limit.
 *   { key: 'user:42', algorithm: 'fixed-window', limit: 5, windowMs: 1000 } -> ratelimit:fixed-window/5/1000:user:42
 *   { ..., algorithm: 'token-bucket', limit: 10, windowMs: 60000 }         -> ratelimit:token-bucket/10/60000/10:user:42
 */
export function adHocPrefix(params: RateLimitParams): string {
  const { algorithm, limit, windowMs, burst } = params;
  if (algorithm === 'token-bucket') return `${AD_HOC_PREFIX}${algorithm}/${limit}/${windowMs}/${burst ?? limit}:`;
  if (algorithm === 'gcra') return `${AD_HOC_PREFIX}${algorithm}/${limit}/${windowMs}/${burst ?? limit - 1}:`;
  return `${AD_HOC_PREFIX}${algorithm}/${limit}/${windowMs}:`;
}

function checkParams(params: RateLimitParams, field: string): RateLimitParams {
  const problem = burstProblem(params);
  if (problem !== null) throw validationError(`${field}.burst`, problem);
  return params;
}

@Injectable()
export class RateLimitService {
  readonly limiter: RateLimiter;
  readonly totals: DecisionTotals = new Map();

  constructor(
    private readonly keyspace: KeyspaceService,
    @Inject(MNEMO_CONFIG) private readonly config: MnemoConfig,
    @Inject(HTTP_CLOCK) clock: Clock,
    readonly policies: PolicyRegistry,
    private readonly serverCounters: ServerCounters,
  ) {
    this.limiter = new RateLimiter(keyspace.engine, clock);
    // A deleted policy's decision totals go with it (/metrics would keep its series forever).
    policies.onDelete((name) => this.totals.delete(name));
  }

  /** Finds the policy or answers 404 naming the field. */
  policy(name: string, field: string): RateLimitPolicy {
    const policy = this.policies.get(name);
    if (!policy) throw new HttpApiError(404, HttpErrorCode.notFound, `${field}: unknown policy '${name}'`, field);
    return policy;
  }

  /** Turns a validated request into a state key, a limit and a cost (400/404 on bad input). */
  resolve(target: RateLimitTarget, field = 'body'): Resolved {
    if (target.domain !== undefined) {
      const entries = target.descriptors ?? [];
      const policy = this.policies.match(target.domain, entries);
      if (!policy) {
        throw new HttpApiError(404, HttpErrorCode.notFound, `${field}.descriptors: no policy of domain '${target.domain}' matches these descriptors`, `${field}.descriptors`);
      }
      const stateKey = keyBytes(this.config, PolicyRegistry.descriptorKey(policy, entries), `${field}.descriptors`, `${POLICY_PREFIX}${policy.name}:`);
      return { stateKey, params: policy, cost: target.cost, shadow: policy.shadow, policy, field: `${field}.descriptors` };
    }
    if (target.policy !== undefined) {
      const policy = this.policy(target.policy, `${field}.policy`);
      return { stateKey: keyBytes(this.config, PolicyRegistry.namedKey(policy, target.key), `${field}.key`, `${POLICY_PREFIX}${policy.name}:`), params: policy, cost: target.cost, shadow: policy.shadow, policy, field: `${field}.key` };
    }
    const { algorithm, limit, windowMs, burst } = target;
    // The schema's refinement guarantees these for the ad-hoc form.
    if (algorithm === undefined || limit === undefined || windowMs === undefined) throw validationError(`${field}.algorithm`, 'is required for an ad-hoc check');
    const params = checkParams({ algorithm, limit, windowMs, burst }, field);
    return { stateKey: keyBytes(this.config, target.key, `${field}.key`, adHocPrefix(params)), params, cost: target.cost, field: `${field}.key` };
  }

  /** One atomic check; consumes when allowed. */
  async check(target: RateLimitTarget): Promise<RateLimitCheckResult> {
    const resolved = this.resolve(target);
    const outcome = await this.stateWrite([resolved], () => this.limiter.check(resolved));
    return this.report(resolved, outcome);
  }

  /** The gateway form: GET /v1/ratelimit/:policy/:key with cost 1. */
  async checkPolicy(policyName: string, key: string): Promise<{ result: RateLimitCheckResult; policy: RateLimitPolicy }> {
    const resolved = this.resolvePolicy(policyName, key);
    const outcome = await this.stateWrite([resolved], () => this.limiter.check(resolved));
    return { result: this.report(resolved, outcome), policy: resolved.policy };
  }

  /** HEAD on the gateway form: what GET would answer now, consuming and counting nothing. */
  peekPolicy(policyName: string, key: string): { result: RateLimitCheckResult; policy: RateLimitPolicy } {
    const resolved = this.resolvePolicy(policyName, key);
    return { result: this.result(resolved, this.peekOutcome(resolved)), policy: resolved.policy };
  }

  private resolvePolicy(policyName: string, key: string): Resolved & { policy: RateLimitPolicy } {
    const policy = this.policy(policyName, 'params.policy');
    return {
      stateKey: keyBytes(this.config, PolicyRegistry.namedKey(policy, key), 'params.key', `${POLICY_PREFIX}${policy.name}:`),
      params: policy,
      cost: 1,
      shadow: policy.shadow,
      policy,
      field: 'params.key',
    };
  }

  /** All-or-nothing batch (see RateLimiter.batch). */
  async batch(targets: RateLimitTarget[]): Promise<RateLimitBatchResult> {
    const resolved = targets.map((target, index) => this.resolve(target, `body.checks.${index}`));
    const outcome = await this.stateWrite(resolved, () => this.limiter.batch(resolved));
    const results = outcome.outcomes.map((one, index) => this.result(resolved[index], one));
    resolved.forEach((check, index) => {
      const one = outcome.outcomes[index];
      // A denied batch consumed nothing: count only the checks that denied it.
      if (outcome.allowed || !one.decision.allowed) this.count(check, one);
    });
    return { allowed: outcome.allowed, results };
  }

  /** What a check would answer now, plus the raw state; consumes nothing. */
  peek(target: RateLimitTarget): RateLimitCheckResult & { state: string | null; stateTtlMs: number | null } {
    const resolved = this.resolve(target);
    const outcome = this.peekOutcome(resolved);
    const raw = this.limiter.rawState(resolved.stateKey);
    return { ...this.result(resolved, outcome), state: raw.state, stateTtlMs: raw.ttlMs };
  }

  private peekOutcome(resolved: Resolved): CheckOutcome {
    try {
      return this.limiter.peek(resolved);
    } catch (error) {
      throw namingField(error, resolved.field, ['WRONGTYPE']);
    }
  }

  /** Forgets the state of the targeted limit. */
  async reset(target: RateLimitTarget): Promise<{ reset: boolean }> {
    const resolved = this.resolve(target);
    const reset = await commitWrite(this.keyspace, () => this.limiter.reset(resolved.stateKey));
    return { reset };
  }

  /**
   * commitWrite for the states of `checks`, with an engine WRONGTYPE (a state key rewritten over
   * RESP into a hash) answered as 409 naming the input that chose the first such key.
   */
  private stateWrite<T>(checks: Resolved[], write: () => T): Promise<T> {
    return commitWrite(this.keyspace, write).catch((error: unknown) => {
      const culprit = checks.find((check) => this.keyspace.engine.keyInfo(check.stateKey)?.type === 'hash') ?? checks[0];
      throw namingField(error, culprit.field, ['WRONGTYPE']);
    });
  }

  private report(check: Resolved, outcome: CheckOutcome): RateLimitCheckResult {
    this.count(check, outcome);
    return this.result(check, outcome);
  }

  private result(check: Resolved, outcome: CheckOutcome): RateLimitCheckResult {
    const result: RateLimitCheckResult = { ...outcome.decision };
    if (check.policy) result.policy = check.policy.name;
    if (outcome.shadowDenied) result.shadowDenied = true;
    return result;
  }

  /** Counts a decision for the policy counters, /metrics and the dashboard; a cost-0 look is none. */
  private count(check: Resolved, outcome: CheckOutcome): void {
    if (check.cost === 0) return;
    const name = check.policy?.name ?? '';
    let totals = this.totals.get(name);
    if (!totals) {
      totals = emptyCounters();
      this.totals.set(name, totals);
    }
    if (outcome.shadowDenied) totals.shadowDenied++;
    else if (outcome.decision.allowed) {
      totals.allowed++;
      if (isNearLimit(outcome.decision.remaining, outcome.decision.limit)) totals.nearLimit++;
    } else totals.denied++;
    // The dashboard's allowed/denied rates count what happened to the request (shadow: let through).
    if (outcome.decision.allowed) this.serverCounters.rateLimitAllowed++;
    else this.serverCounters.rateLimitDenied++;
    if (check.policy) {
      this.policies.record(check.policy.name, outcome.decision.allowed, outcome.shadowDenied, outcome.decision.remaining, outcome.decision.limit);
    }
  }
}
