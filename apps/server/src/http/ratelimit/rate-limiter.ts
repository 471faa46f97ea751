// Runs rate-limit checks against the engine: reads each limit's state, evaluates it (see
// algorithms.ts) and stores what was consumed. Every method is one synchronous sequence of
// engine calls, so with JS's single thread each check (and each batch) is atomic.

import type { Clock, Engine } from '@mnemo/engine';
import type { RateLimitDecision, RateLimitParams } from '@mnemo/contracts';
import { evaluate } from './algorithms';
import type { Evaluation } from './algorithms';

/** One resolved check: where its state lives, its limit, its cost. */
export interface LimitCheck {
  stateKey: string;
  params: RateLimitParams;
  cost: number;
  /** Shadow mode: a denial is reported but not enforced. */
  shadow?: boolean;
}

export interface CheckOutcome {
  decision: RateLimitDecision;
  /** True when the limit denied but shadow mode let the request through. */
  shadowDenied: boolean;
}

export interface BatchOutcome {
  allowed: boolean;
  outcomes: CheckOutcome[];
}

function outcome(check: LimitCheck, evaluation: Evaluation): CheckOutcome {
  const denied = !evaluation.decision.allowed;
  if (denied && check.shadow) {
    return { decision: { ...evaluation.decision, allowed: true, retryAfterMs: 0 }, shadowDenied: true };
  }
  return { decision: evaluation.decision, shadowDenied: false };
}

export class RateLimiter {
  constructor(
    private readonly engine: Engine,
    private readonly clock: Clock,
  ) {}

  /** Checks one limit and consumes `cost` when allowed. */
  check(check: LimitCheck): CheckOutcome {
    const evaluation = evaluate(check.params, this.engine.get(check.stateKey), this.clock.now(), check.cost);
    if (evaluation.next) this.engine.set(check.stateKey, evaluation.next.value, { expiresAt: evaluation.next.expiresAt });
    else this.keepUntil(check.stateKey, evaluation);
    return outcome(check, evaluation);
  }

  /**
   * Design note: a denial must hold until the time it gives (retryAfterMs, resetMs). A state
   * expires when the numbers it was written under say it is spent (a fixed window's end, a
   * token bucket full again), and a named policy keeps its states across edits of its numbers:
   * after 3 per 2 s became 3 per 4 s, a denial said "4 s" while the state went at 2 s and three
   * more were allowed in the same window. So a denial decided by a state pushes the state's
   * expiry out to what the numbers in force need (PEXPIREAT ... GT: a no-op, and no record, while
   * it already lasts long enough, which is always so unless the numbers changed).
   */
  private keepUntil(stateKey: string, evaluation: Evaluation): void {
    if (evaluation.keepUntil !== undefined) this.engine.execute(['PEXPIREAT', stateKey, String(evaluation.keepUntil), 'GT']);
  }

  /** What `check` would answer, consuming nothing. */
  peek(check: LimitCheck): CheckOutcome {
    return outcome(check, evaluate(check.params, this.engine.get(check.stateKey), this.clock.now(), check.cost));
  }

  /**
   * All-or-nothing: consumes every check's cost if every check allows (shadow denials count as
   * allowing), otherwise consumes nothing. Checks on the same state key see each other's
   * consumption in order. When the batch is denied, checks that would have allowed report their
   * state untouched (as a cost-0 peek).
   */
  batch(checks: LimitCheck[]): BatchOutcome {
    const now = this.clock.now();
    const pending = new Map<string, { value: string; expiresAt: number }>();
    const evaluations = checks.map((check) => {
      const staged = pending.get(check.stateKey);
      const stored = staged ? staged.value : this.engine.get(check.stateKey);
      const evaluation = evaluate(check.params, stored, now, check.cost);
      if (evaluation.next && evaluation.decision.allowed) pending.set(check.stateKey, evaluation.next);
      // A denial decided by a staged state (an earlier check of this batch) says nothing of the
      // stored one, which a denied batch leaves as it was.
      if (staged) evaluation.keepUntil = undefined;
      return evaluation;
    });
    const allowed = evaluations.every((evaluation, index) => evaluation.decision.allowed || checks[index].shadow === true);
    if (allowed) {
      for (const [key, next] of pending) this.engine.set(key, next.value, { expiresAt: next.expiresAt });
      return { allowed, outcomes: evaluations.map((evaluation, index) => outcome(checks[index], evaluation)) };
    }
    const outcomes = checks.map((check, index) => {
      if (!evaluations[index].decision.allowed) {
        this.keepUntil(check.stateKey, evaluations[index]);
        return outcome(check, evaluations[index]);
      }
      return outcome(check, evaluate(check.params, this.engine.get(check.stateKey), now, 0));
    });
    return { allowed, outcomes };
  }

  /** Forgets a limit's state (support unblocking a customer). True if there was one. */
  reset(stateKey: string): boolean {
    return this.engine.del([stateKey]) > 0;
  }

  /** The raw stored state and its remaining TTL, for support staff. */
  rawState(stateKey: string): { state: string | null; ttlMs: number | null } {
    const info = this.engine.keyInfo(stateKey);
    if (!info) return { state: null, ttlMs: null };
    return { state: this.engine.get(stateKey), ttlMs: info.expiresAt === null ? null : Math.max(0, info.expiresAt - this.clock.now()) };
  }
}
