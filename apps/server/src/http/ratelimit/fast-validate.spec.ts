// The fast recognizer agrees with RateLimitTargetSchema: whatever it accepts, the schema accepts
// with the same result; everything else is left to the schema (null).

import { RateLimitTargetSchema } from '@mnemo/contracts';
import { adHocTarget } from './fast-validate';

const values = {
  key: ['user:1', '', 'a\nb', '__proto__', 'é€', 5, undefined],
  algorithm: ['gcra', 'fixed-window', 'sliding-window', 'token-bucket', 'leaky', undefined],
  limit: [1, 10, 0, -1, 1.5, 1e9, 1e10, '10', undefined],
  windowMs: [1, 60_000, 0, 365 * 24 * 3600 * 1000 + 1, undefined],
  burst: [undefined, 0, 5, -1, 2.5],
  cost: [undefined, 0, 1, 3, -1, 'x'],
};

describe('adHocTarget', () => {
  it('accepts only what the schema accepts, with the same result', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const body: Record<string, unknown> = {};
      for (const [name, options] of Object.entries(values)) {
        const value = pick(options as unknown[]);
        if (value !== undefined) body[name] = value;
      }
      if (random() < 0.05) body.extra = 1;
      const fast = adHocTarget(body);
      const parsed = RateLimitTargetSchema.safeParse(body);
      if (fast !== null) {
        accepted++;
        expect(parsed.success && parsed.data).toEqual(fast);
      }
    }
    expect(accepted).toBeGreaterThan(10);
  });

  it('leaves other shapes to the schema', () => {
    expect(adHocTarget(null)).toBeNull();
    expect(adHocTarget([1])).toBeNull();
    expect(adHocTarget({ policy: 'p', key: 'k' })).toBeNull();
    expect(adHocTarget(Object.assign(Object.create({ inherited: 1 }), { key: 'k', algorithm: 'gcra', limit: 1, windowMs: 1 }))).toBeNull();
    expect(adHocTarget({ key: 'k', algorithm: 'gcra', limit: 1, windowMs: 1 })).toEqual({ key: 'k', algorithm: 'gcra', limit: 1, windowMs: 1, cost: 1 });
  });
});
