// A small zod 3 -> JSON Schema (OpenAPI 3.1 flavour) converter for the schema kinds the HTTP
// contracts use. Refinements (superRefine, refine) are documented by the route descriptions;
// their base shape is what is converted.

import { z, ZodTypeAny } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** Converts one zod schema; unknown kinds become `{}` (anything). */
export function toJsonSchema(schema: ZodTypeAny): JsonSchema {
  const def = schema._def as { typeName: z.ZodFirstPartyTypeKind; description?: string };
  const out = convert(schema, def.typeName);
  if (def.description) out.description = def.description;
  return out;
}

function checksOf(schema: ZodTypeAny): Array<{ kind: string; value?: number; inclusive?: boolean; regex?: RegExp }> {
  return ((schema._def as { checks?: unknown[] }).checks ?? []) as Array<{ kind: string; value?: number; inclusive?: boolean; regex?: RegExp }>;
}

function convert(schema: ZodTypeAny, kind: z.ZodFirstPartyTypeKind): JsonSchema {
  const K = z.ZodFirstPartyTypeKind;
  switch (kind) {
    case K.ZodString: {
      const out: JsonSchema = { type: 'string' };
      for (const check of checksOf(schema)) {
        if (check.kind === 'min') out.minLength = check.value;
        if (check.kind === 'max') out.maxLength = check.value;
        if (check.kind === 'regex' && check.regex) out.pattern = check.regex.source;
      }
      return out;
    }
    case K.ZodNumber: {
      const out: JsonSchema = { type: 'number' };
      for (const check of checksOf(schema)) {
        if (check.kind === 'int') out.type = 'integer';
        if (check.kind === 'min') out[check.inclusive ? 'minimum' : 'exclusiveMinimum'] = check.value;
        if (check.kind === 'max') out[check.inclusive ? 'maximum' : 'exclusiveMaximum'] = check.value;
      }
      return out;
    }
    case K.ZodBoolean:
      return { type: 'boolean' };
    case K.ZodLiteral:
      return { const: (schema as z.ZodLiteral<unknown>).value };
    case K.ZodEnum:
      return { type: 'string', enum: [...(schema as z.ZodEnum<[string, ...string[]]>).options] };
    case K.ZodArray: {
      const array = schema as z.ZodArray<ZodTypeAny>;
      const out: JsonSchema = { type: 'array', items: toJsonSchema(array.element) };
      const def = array._def as { minLength?: { value: number } | null; maxLength?: { value: number } | null };
      if (def.minLength) out.minItems = def.minLength.value;
      if (def.maxLength) out.maxItems = def.maxLength.value;
      return out;
    }
    case K.ZodRecord:
      return { type: 'object', additionalProperties: toJsonSchema((schema as z.ZodRecord).valueSchema) };
    case K.ZodObject: {
      const object = schema as z.AnyZodObject;
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, field] of Object.entries(object.shape as Record<string, ZodTypeAny>)) {
        properties[name] = toJsonSchema(field);
        if (!field.isOptional()) required.push(name);
      }
      const out: JsonSchema = { type: 'object', properties };
      if (required.length > 0) out.required = required;
      if ((object._def as { unknownKeys?: string }).unknownKeys === 'strict') out.additionalProperties = false;
      return out;
    }
    case K.ZodOptional:
      return toJsonSchema((schema as z.ZodOptional<ZodTypeAny>).unwrap());
    case K.ZodNullable:
      return { anyOf: [toJsonSchema((schema as z.ZodNullable<ZodTypeAny>).unwrap()), { type: 'null' }] };
    case K.ZodDefault: {
      const inner = schema._def as { innerType: ZodTypeAny; defaultValue: () => unknown };
      return { ...toJsonSchema(inner.innerType), default: inner.defaultValue() };
    }
    case K.ZodEffects:
      return toJsonSchema((schema as z.ZodEffects<ZodTypeAny>).innerType());
    default:
      return {};
  }
}
