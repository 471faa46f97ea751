// JSON Merge Patch (RFC 7386), the semantics of PATCH /v1/sessions/:id:
//   target {"a":1,"b":{"c":2,"d":3}}  patch {"b":{"c":null,"e":4},"f":5}
//   result {"a":1,"b":{"d":3,"e":4},"f":5}       (null deletes, objects merge, the rest replaces)
// Keys are defined as own properties, so a "__proto__" key can never reach a prototype.

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Returns a new value: `target` patched with `patch`; neither input is modified. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: Record<string, Json> = {};
  if (isObject(target)) for (const key of Object.keys(target)) setOwn(result, key, target[key]);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete result[key];
    else setOwn(result, key, mergePatch(Object.prototype.hasOwnProperty.call(result, key) ? result[key] : undefined, value));
  }
  return result;
}
