// Activity counting for the "top limited keys" table.
import { ActivityCounter, parsePolicyStateKey } from './top-keys';

describe('parsePolicyStateKey', () => {
  it('splits policy and key at the first colon after the prefix', () => {
    expect(parsePolicyStateKey('ratelimit-policy:api:customer-1')).toEqual({ policy: 'api', key: 'customer-1' });
    expect(parsePolicyStateKey('ratelimit-policy:api:tenant:7')).toEqual({ policy: 'api', key: 'tenant:7' });
  });
  it('rejects other keys', () => {
    expect(parsePolicyStateKey('ratelimit:adhoc')).toBeNull();
    expect(parsePolicyStateKey('ratelimit-policy:api:')).toBeNull();
    expect(parsePolicyStateKey('session:1')).toBeNull();
  });
});

describe('ActivityCounter', () => {
  it('ranks keys by events inside the window and forgets older ones', () => {
    const counter = new ActivityCounter(60_000);
    for (let i = 0; i < 5; i++) counter.record('a', 0);
    for (let i = 0; i < 3; i++) counter.record('a', 30_000);
    for (let i = 0; i < 6; i++) counter.record('b', 40_000);
    expect(counter.top(10, 45_000)).toEqual([
      { key: 'a', count: 8 },
      { key: 'b', count: 6 },
    ]);
    expect(counter.top(1, 75_000)).toEqual([{ key: 'b', count: 6 }]);
    expect(counter.top(10, 75_000)).toEqual([
      { key: 'b', count: 6 },
      { key: 'a', count: 3 },
    ]);
    expect(counter.top(10, 200_000)).toEqual([]);
  });

  it('keeps at most maxKeys keys, dropping the least recently seen', () => {
    const counter = new ActivityCounter(60_000, 2);
    counter.record('a', 0);
    counter.record('b', 0);
    counter.record('a', 1000);
    counter.record('c', 1000);
    expect(counter.top(10, 2000).map((entry) => entry.key).sort()).toEqual(['a', 'c']);
  });
});
