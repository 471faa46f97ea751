// Named rate-limit policies, envoy-style: a domain and descriptor keys (optionally with fixed
// values) map to a limit. Loaded from the ratelimit-policies JSON file at start-up, editable at
// run time through the admin API (edits live in memory: the file is the boot-time truth).
// Per-policy counters (allowed, denied, near limit, shadow denied) live here too.
//
// Matching example. Policies
//   { name: 'login-ip', domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip' }] }
//   { name: 'any-ip',   domain: 'auth', descriptors: [{ key: 'route' }, { key: 'ip' }] }
// and a request { domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip', value: '1.2.3.4' }] }:
// both match (same keys, fixed values equal); the one with more fixed values wins -> login-ip,
// whose state key is `ratelimit-policy:login-ip:route=login|ip=1.2.3.4`.

import { readFileSync } from 'node:fs';
import { RateLimitPolicyFileSchema, RateLimitPolicySchema } from '@mnemo/contracts';
import type { DescriptorEntry, RateLimitPolicy, RateLimitPolicyCounters, RateLimitPolicyView } from '@mnemo/contracts';
import { ConfigError } from '../../config/options';

/** Envoy's default near_limit ratio: a decision is "near limit" once 80% of the limit is used. */
export const NEAR_LIMIT_RATIO = 0.8;

function emptyCounters(): RateLimitPolicyCounters {
  return { allowed: 0, denied: 0, nearLimit: 0, shadowDenied: 0 };
}

/** Parses a policy file's text; throws ConfigError naming the file and the offending field. */
export function parsePolicyFile(text: string, fileName: string): RateLimitPolicy[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`option 'ratelimit-policies': ${fileName} is not JSON: ${(error as Error).message}`);
  }
  const parsed = RateLimitPolicyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`option 'ratelimit-policies': ${fileName}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const names = new Set<string>();
  for (const policy of parsed.data.policies) {
    if (names.has(policy.name)) throw new ConfigError(`option 'ratelimit-policies': ${fileName}: policy '${policy.name}' is defined twice`);
    names.add(policy.name);
  }
  return parsed.data.policies;
}

export class PolicyRegistry {
  private readonly policies = new Map<string, RateLimitPolicy>();
  private readonly counters = new Map<string, RateLimitPolicyCounters>();

  constructor(initial: RateLimitPolicy[] = []) {
    for (const policy of initial) this.put(policy);
  }

  /** Reads the policy file named by the ratelimit-policies option ('' = none). */
  static fromFile(file: string): PolicyRegistry {
    if (!file) return new PolicyRegistry();
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`option 'ratelimit-policies': cannot read '${file}': ${(error as Error).message}`);
    }
    return new PolicyRegistry(parsePolicyFile(text, file));
  }

  get(name: string): RateLimitPolicy | undefined {
    return this.policies.get(name);
  }

  /** Adds or replaces a policy (its counters survive a replacement). Input must be schema-valid. */
  put(policy: RateLimitPolicy): RateLimitPolicy {
    const valid = RateLimitPolicySchema.parse(policy);
    this.policies.set(valid.name, valid);
    if (!this.counters.has(valid.name)) this.counters.set(valid.name, emptyCounters());
    return valid;
  }

  delete(name: string): boolean {
    this.counters.delete(name);
    return this.policies.delete(name);
  }

  list(): RateLimitPolicyView[] {
    return [...this.policies.values()].map((policy) => ({ ...policy, counters: { ...this.countersOf(policy.name) } }));
  }

  countersOf(name: string): RateLimitPolicyCounters {
    let counters = this.counters.get(name);
    if (!counters) {
      counters = emptyCounters();
      this.counters.set(name, counters);
    }
    return counters;
  }

  /** Counts one decision for a policy. */
  record(name: string, allowed: boolean, shadowDenied: boolean, remaining: number, limit: number): void {
    const counters = this.countersOf(name);
    if (shadowDenied) counters.shadowDenied++;
    else if (!allowed) counters.denied++;
    else {
      counters.allowed++;
      if (limit - remaining >= NEAR_LIMIT_RATIO * limit) counters.nearLimit++;
    }
  }

  /**
   * The most specific policy of `domain` whose descriptor keys are exactly the request's keys
   * (any order) and whose fixed values equal the request's; undefined if none.
   */
  match(domain: string, entries: DescriptorEntry[]): RateLimitPolicy | undefined {
    const values = new Map(entries.map((entry) => [entry.key, entry.value]));
    let best: RateLimitPolicy | undefined;
    let bestFixed = -1;
    for (const policy of this.policies.values()) {
      if (policy.domain !== domain || policy.descriptors.length !== values.size) continue;
      const fits = policy.descriptors.every((descriptor) => values.has(descriptor.key) && (descriptor.value === undefined || descriptor.value === values.get(descriptor.key)));
      if (!fits) continue;
      const fixed = policy.descriptors.filter((descriptor) => descriptor.value !== undefined).length;
      if (fixed > bestFixed) [best, bestFixed] = [policy, fixed];
    }
    return best;
  }

  /** The state key suffix for a descriptor request: `k1=v1|k2=v2` in the policy's key order. */
  static descriptorKey(policy: RateLimitPolicy, entries: DescriptorEntry[]): string {
    const values = new Map(entries.map((entry) => [entry.key, entry.value]));
    return policy.descriptors.map((descriptor) => `${descriptor.key}=${values.get(descriptor.key)}`).join('|');
  }
}
