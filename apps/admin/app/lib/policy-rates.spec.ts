// Per-policy rates from cumulative counters.
import type { RateLimitPolicyView } from '@mnemo/contracts';
import { policyRates } from './policy-rates';

function policy(name: string, allowed: number, denied: number, shadowDenied = 0): RateLimitPolicyView {
  return {
    name,
    domain: 'default',
    descriptors: [],
    algorithm: 'fixed-window',
    limit: 10,
    windowMs: 1000,
    etag: '"e"',
    shadow: false,
    counters: { allowed, denied, nearLimit: 0, shadowDenied },
  };
}

describe('policyRates', () => {
  it('divides counter deltas by the elapsed time', () => {
    const rates = policyRates([policy('api', 100, 5)], [policy('api', 140, 9)], 2000);
    expect(rates.get('api')).toEqual({ allowedPerSec: 20, deniedPerSec: 2, shadowDeniedPerSec: 0 });
  });

  it('gives zero for a new policy and for counters that went down (policy replaced)', () => {
    const rates = policyRates([policy('api', 100, 5)], [policy('api', 3, 0), policy('new', 50, 50)], 1000);
    expect(rates.get('api')).toEqual({ allowedPerSec: 0, deniedPerSec: 0, shadowDeniedPerSec: 0 });
    expect(rates.get('new')).toEqual({ allowedPerSec: 0, deniedPerSec: 0, shadowDeniedPerSec: 0 });
  });
});
