import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startMetricsServer } from "./server.ts";
import { EXPOSITION_CONTENT_TYPE, createMetricsRegistry, escapeLabelValue, formatValue } from "./registry.ts";

describe("the text exposition format", () => {
  test("a counter and a gauge: HELP and TYPE lines, then one sample per label set", async () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter({ name: "jobs_total", help: "Jobs done." });
    const gauge = registry.gauge({ name: "temperature_celsius", help: "A\\B\nline two." });
    counter.inc({ job: "a" });
    counter.inc({ job: "a" }, 2);
    counter.inc({ job: "b" });
    gauge.set(-1.5);
    assert.equal(
      await registry.render(),
      [
        "# HELP jobs_total Jobs done.",
        "# TYPE jobs_total counter",
        'jobs_total{job="a"} 3',
        'jobs_total{job="b"} 1',
        "# HELP temperature_celsius A\\\\B\\nline two.",
        "# TYPE temperature_celsius gauge",
        "temperature_celsius -1.5",
        "",
      ].join("\n"),
    );
  });

  test("label values: backslash, double quote and line feed escaped; label order does not split a series", async () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter({ name: "errors_total", help: "Errors." });
    counter.inc({ source: 'a "b"\\c\nd', job: "x" });
    counter.inc({ job: "x", source: 'a "b"\\c\nd' });
    assert.match(await registry.render(), /^errors_total\{source="a \\"b\\"\\\\c\\nd",job="x"\} 2$/m);
    assert.equal(escapeLabelValue('\\"\n'), '\\\\\\"\\n');
  });

  test("a histogram: cumulative buckets with le, +Inf, _sum and _count", async () => {
    const registry = createMetricsRegistry();
    const histogram = registry.histogram({ name: "latency_seconds", help: "Latency.", buckets: [1, 0.1, 0.5] });
    for (const value of [0.05, 0.1, 0.3, 0.7, 3]) histogram.observe({ job: "j" }, value);
    assert.equal(
      await registry.render(),
      [
        "# HELP latency_seconds Latency.",
        "# TYPE latency_seconds histogram",
        'latency_seconds_bucket{job="j",le="0.1"} 2',
        'latency_seconds_bucket{job="j",le="0.5"} 3',
        'latency_seconds_bucket{job="j",le="1"} 4',
        'latency_seconds_bucket{job="j",le="+Inf"} 5',
        'latency_seconds_sum{job="j"} 4.15',
        'latency_seconds_count{job="j"} 5',
        "",
      ].join("\n"),
    );
  });

  test("special values, and what is refused", () => {
    assert.deepEqual([Infinity, -Infinity, NaN, 1e21, 0].map(formatValue), ["+Inf", "-Inf", "NaN", "1e+21", "0"]);
    const registry = createMetricsRegistry();
    assert.throws(() => registry.counter({ name: "bad-name", help: "" }), /not a metric name/);
    const counter = registry.counter({ name: "ok_total", help: "" });
    assert.throws(() => registry.counter({ name: "ok_total", help: "" }), /twice/);
    assert.throws(() => counter.inc({}, -1), /cannot go down/);
    counter.inc({ "bad-label": "x" });
    return assert.rejects(registry.render(), /not a label name/);
  });

  test("collect hooks run before every render", async () => {
    const registry = createMetricsRegistry();
    const gauge = registry.gauge({ name: "reads", help: "Renders." });
    let reads = 0;
    registry.onCollect(() => gauge.set(++reads));
    await registry.render();
    assert.match(await registry.render(), /^reads 2$/m);
  });
});

test("served at /metrics on loopback, 404 elsewhere", { timeout: 5_000 }, async () => {
  const registry = createMetricsRegistry();
  registry.counter({ name: "up_total", help: "Up." }).inc();
  const server = await startMetricsServer({ registry, port: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(server.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), EXPOSITION_CONTENT_TYPE);
    assert.match(await response.text(), /^up_total 1$/m);
    assert.equal((await fetch(server.url.replace("/metrics", "/"))).status, 404);
  } finally {
    await server.close();
  }
});
