// The shared HTTP schemas: which rate-limit and session bodies pass, and which field a refusal names.

import { CreateSessionSchema, KeyText, PolicyName, RateLimitTargetSchema, SessionIdParam } from '../index';

function firstIssue(result: { success: boolean; error?: { issues: Array<{ path: Array<string | number>; message: string }> } }) {
  expect(result.success).toBe(false);
  if (result.error === undefined) throw new Error('expected a refusal');
  return result.error.issues[0];
}

describe('RateLimitTargetSchema', () => {
  it('accepts an ad-hoc check and defaults cost to 1', () => {
    const parsed = RateLimitTargetSchema.parse({ key: 'user:1', algorithm: 'gcra', limit: 10, windowMs: 1000 });
    expect(parsed.cost).toBe(1);
  });

  it('accepts the named-policy and envoy forms', () => {
    expect(RateLimitTargetSchema.safeParse({ policy: 'api', key: 'k' }).success).toBe(true);
    expect(
      RateLimitTargetSchema.safeParse({ domain: 'edge', descriptors: [{ key: 'remote_address', value: '10.0.0.1' }] }).success,
    ).toBe(true);
  });

  it('names the field of a negative, absurd or unknown value', () => {
    expect(firstIssue(RateLimitTargetSchema.safeParse({ key: 'k', algorithm: 'gcra', limit: -1, windowMs: 1000 })).path).toEqual(['limit']);
    expect(firstIssue(RateLimitTargetSchema.safeParse({ key: 'k', algorithm: 'gcra', limit: 1, windowMs: 1e15 })).path).toEqual(['windowMs']);
    expect(firstIssue(RateLimitTargetSchema.safeParse({ key: 'k', algorithm: 'leaky', limit: 1, windowMs: 1 })).path).toEqual(['algorithm']);
  });

  it('refuses mixed forms and missing parts, naming the field', () => {
    expect(firstIssue(RateLimitTargetSchema.safeParse({ policy: 'api' })).path).toEqual(['key']);
    const mixed = firstIssue(RateLimitTargetSchema.safeParse({ policy: 'api', key: 'k', limit: 5 }));
    expect(mixed.path).toEqual(['limit']);
    expect(mixed.message).toContain('not allowed with policy');
    expect(RateLimitTargetSchema.safeParse({ key: 'k', algorithm: 'gcra', limit: 1, windowMs: 1, extra: 1 }).success).toBe(false);
  });
});

describe('PolicyName', () => {
  it('takes letters, digits, "_", "." and "-", but not "." or ".." alone (a URL path would resolve them)', () => {
    for (const name of ['api', 'edge.login', 'a..b', '...', 'v1_2-x']) expect(PolicyName.safeParse(name).success).toBe(true);
    for (const name of ['.', '..', '', 'a b', 'a/b']) expect(PolicyName.safeParse(name).success).toBe(false);
  });

  it('refuses __proto__ anywhere in it, as keys do (it becomes part of state keys)', () => {
    for (const name of ['__proto__', 'x__proto__y', 'constructor.prototype']) {
      expect(PolicyName.safeParse(name).error?.issues[0].message).toBe('must not contain __proto__');
    }
    expect(PolicyName.safeParse('constructor').success).toBe(true);
  });
});

describe('KeyText', () => {
  it('refuses control characters and __proto__', () => {
    expect(KeyText.safeParse('a\u0000b').success).toBe(false);
    expect(KeyText.safeParse('x__proto__').success).toBe(false);
    expect(KeyText.safeParse('').success).toBe(false);
    expect(KeyText.safeParse('user:42').success).toBe(true);
  });
});

describe('sessions', () => {
  it('refuses a TTL of zero or over a year and a malformed id', () => {
    expect(firstIssue(CreateSessionSchema.safeParse({ ttlMs: 0 })).path).toEqual(['ttlMs']);
    expect(firstIssue(CreateSessionSchema.safeParse({ ttlMs: 400 * 86_400_000 })).path).toEqual(['ttlMs']);
    expect(SessionIdParam.safeParse('../etc/passwd').success).toBe(false);
  });
});

describe('SessionData', () => {
  it('refuses a number too large for a double, naming where it is', () => {
    const parsed = CreateSessionSchema.safeParse({ data: JSON.parse('{"a":{"list":[1,2,1e400]},"b":1e308}') });
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['data.a.list.2', 'is a number too large for a double (send it as a string)']]);
    expect(CreateSessionSchema.safeParse({ data: JSON.parse('{"n":-1e308,"m":12345678901234567890}') }).success).toBe(true);
  });
});
