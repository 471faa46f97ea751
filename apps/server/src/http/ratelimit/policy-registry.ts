// Named rate-limit policies, envoy-style: a domain and descriptor keys (optionally with fixed
// values) map to a limit. Loaded from the policy file at start-up and editable at run time
// through the admin API (and so the dashboard); every edit is written back to the file before it
// is acknowledged, so the file always holds the policies in force and a restart keeps them.
// Per-policy counters (allowed, denied, near limit, shadow denied) live here too, in memory.
//
// The file is the ratelimit-policies option, or by default `<database name>.ratelimit-policies.json`
// beside the database (./data/mnemo.ratelimit-policies.json for ./data/mnemo.db). A named file
// must exist at start (a typo should not start a server without its policies); the default one
// is created by the first edit. Writes go to a temporary file, fsynced, then renamed over the
// file (the file a symlink points to, if it is one), so a crash leaves the old or the new
// policies, never a mix:
//
//   PUT /v1/admin/ratelimit/policies/api  ->  policies.set('api')  ->  write tmp, fsync, rename
//                                             (write fails: policies back as they were, 503)
//
// Matching example. Policies
//   { name: 'login-ip', domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip' }] }
//   { name: 'any-ip',   domain: 'auth', descriptors: [{ key: 'route' }, { key: 'ip' }] }
// and a request { domain: 'auth', descriptors: [{ key: 'route', value: 'login' }, { key: 'ip', value: '1.2.3.4' }] }:
// both match (same keys, fixed values equal); the one with more fixed values wins -> login-ip,
// whose state key is `ratelimit-policy:login-ip:route=login|ip=1.2.3.4`.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { burstProblem, RateLimitPolicyFileSchema, RateLimitPolicySchema } from '@mnemo/contracts';
import type { DescriptorEntry, RateLimitPolicy, RateLimitPolicyCounters, RateLimitPolicyView } from '@mnemo/contracts';
import { MnemoError } from '@mnemo/engine';
import { ConfigError } from '../../config/options';

const DESCRIPTOR_SPECIALS = /[%|=]/g;

const KEY_SPECIALS = /[%=]/g;

function escapeDescriptorValue(value: string, specials = DESCRIPTOR_SPECIALS): string {
  return value.replace(specials, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Envoy's default near_limit ratio: a decision is "near limit" once 80% of the limit is used. */
export const NEAR_LIMIT_RATIO = 0.8;

/** True for an allowed decision that used at least NEAR_LIMIT_RATIO of the limit. */
export function isNearLimit(remaining: number, limit: number): boolean {
  return limit - remaining >= NEAR_LIMIT_RATIO * limit;
}

export function emptyCounters(): RateLimitPolicyCounters {
  return { allowed: 0, denied: 0, nearLimit: 0, shadowDenied: 0 };
}

/**
 * Parses a policy file's text; throws ConfigError naming the file and the offending field. A
 * `burst` the API now refuses (on a fixed or sliding window, where it always meant nothing, or a
 * token bucket of 0) is only warned about, so a file written by an earlier version still starts:
 * a window's burst is dropped, an empty bucket kept as it was.
 */
export function parsePolicyFile(text: string, fileName: string, warn: (message: string) => void = () => undefined): RateLimitPolicy[] {
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
  for (const [index, policy] of parsed.data.policies.entries()) {
    const problem = burstProblem(policy);
    if (problem !== null) {
      const dropped = policy.algorithm === 'fixed-window' || policy.algorithm === 'sliding-window';
      if (dropped) delete policy.burst;
      warn(`option 'ratelimit-policies': ${fileName}: policies.${index}.burst: ${problem} (${dropped ? 'ignored' : 'kept: this policy denies every request until edited'})`);
    }
    if (names.has(policy.name)) throw new ConfigError(`option 'ratelimit-policies': ${fileName}: policy '${policy.name}' is defined twice`);
    names.add(policy.name);
  }
  return parsed.data.policies;
}

/**
 * A policy's entity tag for If-Match: a digest of its definition (schema-parsed, so the same
 * policy always serializes alike), quoted as RFC 9110 wants, e.g. "3q2-7wEjRmY0cYtZ".
 */
export function policyEtag(policy: RateLimitPolicy): string {
  return `"${createHash('sha1').update(JSON.stringify(policy)).digest('base64url').slice(0, 16)}"`;
}

/** The default policy file: `<database name>.ratelimit-policies.json` beside the database. */
export function defaultPolicyFile(dbPath: string): string {
  return path.join(path.dirname(dbPath), `${path.basename(dbPath, path.extname(dbPath))}.ratelimit-policies.json`);
}

export class PolicyRegistry {
  private readonly policies = new Map<string, RateLimitPolicy>();
  private readonly counters = new Map<string, RateLimitPolicyCounters>();
  /** Called with the name of each deleted policy (what others keep per policy goes with it). */
  private readonly deleteListeners: Array<(name: string) => void> = [];

  /** `file`: where edits are written back; null keeps them in memory (unit tests). */
  constructor(
    initial: RateLimitPolicy[] = [],
    private readonly file: string | null = null,
  ) {
    for (const policy of initial) this.add(RateLimitPolicySchema.parse(policy));
  }

  /**
   * Loads the policies: from the ratelimit-policies option's file if it names one (which must
   * exist), else from the default file beside the database `dbPath` if it exists.
   */
  static open(option: string, dbPath: string, warn?: (message: string) => void): PolicyRegistry {
    const file = option || defaultPolicyFile(dbPath);
    if (!option && !existsSync(file)) return new PolicyRegistry([], file);
    let text: string;
    let target: string;
    try {
      text = readFileSync(file, 'utf8');
      // Edits replace the file a symlink points to, not the link (config directories often link).
      target = realpathSync(file);
    } catch (error) {
      throw new ConfigError(`option 'ratelimit-policies': cannot read '${file}': ${(error as Error).message}`);
    }
    return new PolicyRegistry(parsePolicyFile(text, file, warn), target);
  }

  get(name: string): RateLimitPolicy | undefined {
    return this.policies.get(name);
  }

  /**
   * Adds or replaces a policy (its counters survive a replacement) and writes the file. Input
   * must be schema-valid. Throws MISCONF (the HTTP API's 503), with nothing changed, if the file cannot be written.
   */
  put(policy: RateLimitPolicy): RateLimitPolicy {
    const valid = RateLimitPolicySchema.parse(policy);
    const before = this.policies.get(valid.name);
    this.add(valid);
    this.saveOrUndo(() => {
      if (before) {
        this.policies.set(valid.name, before);
      } else {
        this.policies.delete(valid.name);
        this.counters.delete(valid.name);
      }
    });
    return valid;
  }

  /** Removes a policy and writes the file; false if there was none. Throws MISCONF as put does. */
  delete(name: string): boolean {
    const before = this.policies.get(name);
    if (!before) return false;
    this.policies.delete(name);
    this.saveOrUndo(() => this.policies.set(name, before));
    this.counters.delete(name);
    for (const listener of this.deleteListeners) listener(name);
    return true;
  }

  onDelete(listener: (name: string) => void): void {
    this.deleteListeners.push(listener);
  }

  private add(policy: RateLimitPolicy): void {
    this.policies.set(policy.name, policy);
    if (!this.counters.has(policy.name)) this.counters.set(policy.name, emptyCounters());
  }

  /** Writes the policies to the file (see the design note); on failure runs `undo` and throws MISCONF. */
  private saveOrUndo(undo: () => void): void {
    if (this.file === null) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = openSync(temp, 'w', 0o600); // readable by the server's user only, like the database
      try {
        writeSync(fd, `${JSON.stringify({ policies: [...this.policies.values()] }, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
    } catch (error) {
      undo();
      try {
        rmSync(temp, { force: true });
      } catch {
        // the temporary file could not even be created
      }
      throw new MnemoError('MISCONF', `cannot write the rate-limit policy file ${this.file} (${(error as Error).message}); the policies were not changed`);
    }
  }

  list(): RateLimitPolicyView[] {
    return [...this.policies.values()].map((policy) => ({ ...policy, counters: { ...this.countersOf(policy.name) }, etag: policyEtag(policy) }));
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
      if (isNearLimit(remaining, limit)) counters.nearLimit++;
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

  /**
   * The state key suffix for a descriptor request: `k1=v1|k2=v2` in the policy's key order. In
   * values, `%`, `|` and `=` are written %25, %7C and %3D, so that two different requests never
   * share a state: unescaped, route "x|ip=y" + ip "z" and route "x" + ip "y|ip=z" would both be
   * `route=x|ip=y|ip=z`. (Descriptor keys are names without these characters.)
   */
  static descriptorKey(policy: RateLimitPolicy, entries: DescriptorEntry[]): string {
    const values = new Map(entries.map((entry) => [entry.key, entry.value]));
    return policy.descriptors.map((descriptor) => `${descriptor.key}=${escapeDescriptorValue(values.get(descriptor.key) ?? '')}`).join('|');
  }

  /**
   * The state key suffix for the policy + key form (and the gateway URL). On a policy with
   * descriptors, `%` and `=` in the key are written %25 and %3D: a descriptor state always holds a
   * raw `=` and an escaped key never does, so a key such as `route=login|ip=10.9.9.9` (which a
   * client may choose, when the gateway keys on its input) cannot reach, drain or reset the state
   * of the descriptor request { route: login, ip: 10.9.9.9 }. Other policies keep the key as is.
   */
  static namedKey<K extends string | undefined>(policy: RateLimitPolicy, key: K): K {
    return (policy.descriptors.length === 0 || key === undefined ? key : escapeDescriptorValue(key, KEY_SPECIALS)) as K;
  }
}
