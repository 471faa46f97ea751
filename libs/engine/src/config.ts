// Engine-owned CONFIG parameters: validation with Redis's wording, glob lookup for CONFIG GET.
import { MnemoError } from './errors';
import { globMatch } from './glob';
import type { KeyspaceConfig } from './keyspace';
import { EVICTION_POLICIES, type EvictionPolicy } from './options';

export const CONFIG_NAMES = ['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'lfu-log-factor', 'lfu-decay-time', 'proto-max-bulk-len'] as const;
type ConfigName = (typeof CONFIG_NAMES)[number];

const INT_MAX = 2147483647;

function failed(name: string, why: string): MnemoError {
  return new MnemoError('ERR', `CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
}

/** Redis's memtoull: "100", "1k" (1000), "1kb" (1024), m/mb, g/gb, case-insensitive; null if invalid. */
export function parseMemory(text: string): number | null {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };
  const v = Number(m[1]) * mult[unit];
  return Number.isSafeInteger(v) ? v : null;
}

function parseBounded(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw failed(name, "argument couldn't be parsed into an integer");
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw failed(name, `argument must be between ${min} and ${max} inclusive`);
  return v;
}

/** Current value of every engine parameter whose name matches the glob (case-insensitive). */
export function configGet(config: KeyspaceConfig, pattern: string): Array<[string, string]> {
  const values: Record<ConfigName, string> = {
    maxmemory: String(config.maxmemory),
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
      const v = parseMemory(value);
      if (v === null) throw failed(name, 'argument must be a memory value');
      config.maxmemory = v;
      return true;
    }
    case 'maxmemory-policy': {
      const v = value.toLowerCase();
      if (!(EVICTION_POLICIES as readonly string[]).includes(v)) {
        throw failed(name, `argument(s) must be one of the following: ${EVICTION_POLICIES.join(', ')}`);
      }
      config.policy = v as EvictionPolicy;
      return true;
    }
    case 'maxmemory-samples':
      config.samples = parseBounded(name, value, 1, 64);
      return true;
    case 'lfu-log-factor':
      config.lfuLogFactor = parseBounded(name, value, 0, INT_MAX);
      return true;
    case 'lfu-decay-time':
      config.lfuDecayTime = parseBounded(name, value, 0, INT_MAX);
      return true;
    case 'proto-max-bulk-len': {
      const v = parseMemory(value);
      if (v === null) throw failed(name, 'argument must be a memory value');
      if (v < 1024 * 1024) throw failed(name, `argument must be between ${1024 * 1024} and 9223372036854775807 inclusive`);
      config.protoMaxBulkLen = v;
      return true;
    }
    default:
      return false;
  }
}
