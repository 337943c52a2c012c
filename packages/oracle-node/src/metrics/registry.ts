// Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and histograms with labels,
// written by hand so the node needs no metrics library.

export type Labels = Readonly<Record<string, string>>;

export type Counter = { inc(labels?: Labels, amount?: number): void };
export type Gauge = { set(labels: Labels, value: number): void; set(value: number): void };
export type Histogram = { observe(labels: Labels, value: number): void; observe(value: number): void };

export type MetricOptions = { name: string; help: string };
export type HistogramOptions = MetricOptions & { buckets: readonly number[] };

export type MetricsRegistry = {
  counter(options: MetricOptions): Counter;
  gauge(options: MetricOptions): Gauge;
  histogram(options: HistogramOptions): Histogram;
  /** Runs before every render: for values read on demand (a balance), not kept up to date by events. */
  onCollect(collect: () => Promise<void> | void): void;
  /** Every metric in the exposition format, after the collect hooks. */
  render(): Promise<string>;
};

/** The Content-Type of what `render` returns. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Series = { labels: Labels; value: number };
type HistogramSeries = { labels: Labels; counts: number[]; sum: number; count: number };
type Metric =
  | { type: "counter" | "gauge"; options: MetricOptions; series: Map<string, Series> }
  | { type: "histogram"; options: HistogramOptions; series: Map<string, HistogramSeries> };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function createMetricsRegistry(): MetricsRegistry {
  const metrics = new Map<string, Metric>();
  const collectors: (() => Promise<void> | void)[] = [];

  function register<M extends Metric>(metric: M): M {
    if (!NAME.test(metric.options.name)) throw new TypeError(`"${metric.options.name}" is not a metric name`);
    if (metrics.has(metric.options.name)) throw new TypeError(`metric ${metric.options.name} is registered twice`);
    metrics.set(metric.options.name, metric);
    return metric;
  }

  function scalar(type: "counter" | "gauge", options: MetricOptions) {
    const { series } = register({ type, options, series: new Map<string, Series>() });
    return (labels: Labels, update: (value: number) => number) => {
      const key = labelKey(labels);
      const entry = series.get(key) ?? { labels, value: 0 };
      entry.value = update(entry.value);
      series.set(key, entry);
    };
  }

  return {
    counter(options) {
      const update = scalar("counter", options);
      return {
        inc(labels = {}, amount = 1) {
          if (!(amount >= 0)) throw new RangeError(`counter ${options.name} cannot go down by ${amount}`);
          update(labels, (value) => value + amount);
        },
      };
    },
    gauge(options) {
      const update = scalar("gauge", options);
      return {
        set(labelsOrValue: Labels | number, value?: number) {
          const [labels, next] = typeof labelsOrValue === "number" ? [{}, labelsOrValue] : [labelsOrValue, value!];
          update(labels, () => next);
        },
      };
    },
    histogram(options) {
      const buckets = [...options.buckets].sort((a, b) => a - b);
      const { series } = register({
        type: "histogram",
        options: { ...options, buckets },
        series: new Map<string, HistogramSeries>(),
      });
      return {
        observe(labelsOrValue: Labels | number, value?: number) {
          const [labels, observed] = typeof labelsOrValue === "number" ? [{}, labelsOrValue] : [labelsOrValue, value!];
          const key = labelKey(labels);
          const entry = series.get(key) ?? { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
          buckets.forEach((bound, i) => {
            if (observed <= bound) entry.counts[i]! += 1;
          });
          entry.sum += observed;
          entry.count += 1;
          series.set(key, entry);
        },
      };
    },
    onCollect(collect) {
      collectors.push(collect);
    },
    async render() {
      await Promise.all(collectors.map((collect) => collect()));
      const lines: string[] = [];
      for (const metric of metrics.values()) {
        const { name, help } = metric.options;
        lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${metric.type}`);
        if (metric.type !== "histogram") {
          for (const { labels, value } of metric.series.values()) lines.push(sample(name, labels, value));
          continue;
        }
        for (const { labels, counts, sum, count } of metric.series.values()) {
          metric.options.buckets.forEach((bound, i) => {
            lines.push(sample(`${name}_bucket`, { ...labels, le: formatValue(bound) }, counts[i]!));
          });
          lines.push(sample(`${name}_bucket`, { ...labels, le: "+Inf" }, count));
          lines.push(sample(`${name}_sum`, labels, sum), sample(`${name}_count`, labels, count));
        }
      }
      return `${lines.join("\n")}\n`;
    },
  };
}

/** A label value in double quotes: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text: backslash and line feed escaped (a double quote stays as it is). */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as Prometheus parses it: Go float syntax, with +Inf, -Inf and NaN spelled so. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([label, text]) => {
    if (!LABEL_NAME.test(label) || label.startsWith("__")) throw new TypeError(`"${label}" is not a label name`);
    return `${label}="${escapeLabelValue(text)}"`;
  });
  return `${name}${pairs.length === 0 ? "" : `{${pairs.join(",")}}`} ${formatValue(value)}`;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}
