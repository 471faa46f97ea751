// Engine-owned CONFIG parameters: validation with Redis's wording, glob lookup for CONFIG GET.
import { MnemoError } from './errors';
import { INT64_MAX, INT64_MIN } from './number-format';
import { globMatch } from './glob';
import type { KeyspaceConfig } from './keyspace';
import { EVICTION_POLICIES, type EvictionPolicy } from './options';

export const CONFIG_NAMES = ['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'lfu-log-factor', 'lfu-decay-time', 'proto-max-bulk-len'] as const;
type ConfigName = (typeof CONFIG_NAMES)[number];

const INT_MAX = 2147483647;

/** Redis 7.0's order (its maxmemory_policy_enum), which its error text lists; then Redis 8.6's lrm policies. */
const POLICIES_IN_REDIS_ORDER: readonly EvictionPolicy[] = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction', 'volatile-lrm', 'allkeys-lrm'];

/** Redis 7.0's CONFIG SET error; persistence and the listener use it for their options too. */
export function configSetFailed(name: string, why: string): MnemoError {
  return new MnemoError('ERR', `CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
}

const ULLONG_MAX = 2n ** 64n - 1n;

const MEMORY_UNITS: Record<string, bigint> = { b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };

/**
 * Redis's memtoull, exactly: the bytes `text` stands for ("100", "1k" = 1000, "1kb" = 1024, m/mb,
 * g/gb, any case, nothing around them; "" is 0, as in Redis), or null if it is not a memory value.
 */
function memoryBytes(text: string): bigint | null {
  const m = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (m === null || (m[1] === '' && m[2] !== undefined)) return null;
  return BigInt(m[1] || '0') * MEMORY_UNITS[(m[2] ?? 'b').toLowerCase()];
}

/** An integer option, with Redis's two errors: not a 64-bit integer, or outside [min, max]. */
export function parseIntegerConfig(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text) || BigInt(text) > INT64_MAX || BigInt(text) < INT64_MIN) {
    throw configSetFailed(name, "argument couldn't be parsed into an integer");
  }
  const v = Number(text);
  if (v < min || v > max) throw configSetFailed(name, `argument must be between ${min} and ${max} inclusive`);
  return v;
}

/** A memory option: Redis's memtoull, then [min, 2^63 - 1]. */
export function parseMemoryConfig(name: string, text: string, min: number): number {
  const bytes = memoryBytes(text);
  if (bytes === null) throw configSetFailed(name, 'argument must be a memory value');
  if (bytes < BigInt(min) || bytes > INT64_MAX) throw configSetFailed(name, `argument must be between ${min} and ${INT64_MAX} inclusive`);
  return Number(bytes);
}

/** Current value of every engine parameter whose name matches the glob (case-insensitive). */
export function configGet(config: KeyspaceConfig, pattern: string): Array<[string, string]> {
  const values: Record<ConfigName, string> = {
    maxmemory: config.maxmemory >= 2 ** 64 ? String(ULLONG_MAX) : String(config.maxmemory),
    'maxmemory-policy': config.policy,
    'maxmemory-samples': String(config.samples),
    'lfu-log-factor': String(config.lfuLogFactor),
    'lfu-decay-time': String(config.lfuDecayTime),
    'proto-max-bulk-len': String(config.protoMaxBulkLen),
  };
  return CONFIG_NAMES.filter((n) => globMatch(pattern.toLowerCase(), n)).map((n) => [n, values[n]]);
}

/**
 * Validates and applies one parameter. Returns false if the name is not the engine's; throws
 * MnemoError ("CONFIG SET failed (possibly related to argument '<name>') - <why>") if invalid.
 */
export function configSet(config: KeyspaceConfig, rawName: string, value: string): boolean {
  const name = rawName.toLowerCase();
  switch (name) {
    case 'maxmemory': {
      const bytes = memoryBytes(value);
      if (bytes === null) throw configSetFailed(name, 'argument must be a memory value');
      // Redis saturates at 2^64 - 1 (and CONFIG GET then shows 18446744073709551615).
      config.maxmemory = bytes >= ULLONG_MAX ? 2 ** 64 : Number(bytes);
      return true;
    }
    case 'maxmemory-policy': {
      const v = value.toLowerCase();
      if (!(EVICTION_POLICIES as readonly string[]).includes(v)) {
        throw configSetFailed(name, `argument(s) must be one of the following: ${POLICIES_IN_REDIS_ORDER.join(', ')}`);
      }
      config.policy = v as EvictionPolicy;
      return true;
    }
    case 'maxmemory-samples':
      config.samples = parseIntegerConfig(name, value, 1, INT_MAX);
      return true;
    case 'lfu-log-factor':
      config.lfuLogFactor = parseIntegerConfig(name, value, 0, INT_MAX);
      return true;
    case 'lfu-decay-time':
      config.lfuDecayTime = parseIntegerConfig(name, value, 0, INT_MAX);
      return true;
    case 'proto-max-bulk-len':
      config.protoMaxBulkLen = parseMemoryConfig(name, value, 1024 * 1024);
      return true;
    default:
      return false;
  }
}
