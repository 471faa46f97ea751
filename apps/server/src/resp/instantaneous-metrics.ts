// INFO's instantaneous_ops_per_sec, instantaneous_input_kbps and instantaneous_output_kbps, as
// Redis computes them (trackInstantaneousMetric): every 100 ms the listener records how far each
// counter moved, and the figure is the mean rate over the last 16 samples (1.6 s).
//
//   t=0 ms: 0 commands, t=100 ms: 500, t=200 ms: 1,100 -> samples 5,000/s and 6,000/s -> 5,500

/** Samples kept per metric (Redis's STATS_METRIC_SAMPLES). */
const SAMPLES = 16;

/** How often the listener samples (Redis's serverCron runs it every 100 ms). */
export const METRICS_SAMPLE_MS = 100;

/** One counter's recent rate: per-second values of the last SAMPLES intervals. */
class RateTracker {
  private readonly rates = new Float64Array(SAMPLES);
  private next = 0;
  private lastValue = 0;
  private lastAt = -1;

  sample(value: number, at: number): void {
    if (this.lastAt >= 0 && at > this.lastAt) {
      this.rates[this.next] = ((value - this.lastValue) * 1000) / (at - this.lastAt);
      this.next = (this.next + 1) % SAMPLES;
    }
    this.lastValue = value;
    this.lastAt = at;
  }

  /** Mean of the samples (unfilled ones count as 0, as in Redis). */
  get rate(): number {
    let sum = 0;
    for (let i = 0; i < SAMPLES; i++) sum += this.rates[i];
    return sum / SAMPLES;
  }
}

export class InstantaneousMetrics {
  private readonly commands = new RateTracker();
  private readonly input = new RateTracker();
  private readonly output = new RateTracker();

  /** Records the counters' current totals at time `at` (ms). */
  sample(at: number, commands: number, inputBytes: number, outputBytes: number): void {
    this.commands.sample(commands, at);
    this.input.sample(inputBytes, at);
    this.output.sample(outputBytes, at);
  }

  get opsPerSec(): number {
    return Math.round(this.commands.rate);
  }

  get inputKbps(): string {
    return (this.input.rate / 1024).toFixed(2);
  }

  get outputKbps(): string {
    return (this.output.rate / 1024).toFixed(2);
  }
}
