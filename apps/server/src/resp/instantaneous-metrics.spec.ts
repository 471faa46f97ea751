// The instantaneous rates INFO reports: the mean over the last 16 samples of 100 ms, as Redis.
import { InstantaneousMetrics } from './instantaneous-metrics';

describe('InstantaneousMetrics', () => {
  it('averages the per-second rate of the last 16 intervals (unfilled ones count as 0)', () => {
    const metrics = new InstantaneousMetrics();
    metrics.sample(0, 0, 0, 0);
    metrics.sample(100, 500, 10_240, 1_024);
    metrics.sample(200, 1_100, 20_480, 2_048);
    // Two intervals: 5,000/s and 6,000/s, over 16 slots.
    expect(metrics.opsPerSec).toBe(Math.round((5_000 + 6_000) / 16));
    expect(metrics.inputKbps).toBe(((100 + 100) / 16).toFixed(2));
    for (let t = 300; t <= 1_800; t += 100) metrics.sample(t, 1_100 + ((t - 200) / 100) * 1_000, 0, 0);
    // Sixteen intervals of 1,000 commands in 100 ms: 10,000/s.
    expect(metrics.opsPerSec).toBe(10_000);
  });

  it('ignores a sample that does not move time forward', () => {
    const metrics = new InstantaneousMetrics();
    metrics.sample(100, 0, 0, 0);
    metrics.sample(100, 1_000, 0, 0);
    expect(metrics.opsPerSec).toBe(0);
  });
});
