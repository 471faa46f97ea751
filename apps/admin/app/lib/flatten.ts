// Flattens nested JSON (INFO sections) into "section.field" → text rows for key/value tables.
import type { Json } from './mnemo-client';

/** { memory: { used_memory: 10 } } → [["memory.used_memory", "10"]]; arrays become JSON text. */
export function flatten(value: Json, prefix = ''): Array<[string, string]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [[prefix || 'value', value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value)]];
  }
  return Object.entries(value).flatMap(([name, inner]) => flatten(inner, prefix ? `${prefix}.${name}` : name));
}
