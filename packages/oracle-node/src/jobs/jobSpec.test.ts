import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createJobFeeds } from "./jobFeeds.ts";
import {
  JobSpecError,
  parseJobSpec,
  readJobSpec,
  runLogSpecId,
  type FluxMonitorJobSpec,
  type RunLogJobSpec,
} from "./jobSpec.ts";
import { parseDuration } from "./duration.ts";

const AGGREGATOR = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

/** A fluxmonitor spec as Chainlink's are written, with `params` changed by `edit`. */
function fluxSpec(edit: (params: Record<string, unknown>) => void = () => undefined): unknown {
  const params: Record<string, unknown> = {
    address: AGGREGATOR,
    requestData: { data: { from: "LINK", to: "USD" } },
    feeds: [
      { type: "coingecko", baseUrl: "http://127.0.0.1:8600", pair: "LINK/USD" },
      { type: "kraken", baseUrl: "http://127.0.0.1:8600", pair: "link/usd", timeout: "2s" },
      { type: "external", url: "http://127.0.0.1:8601/", pair: "LINK/USD", name: "bridge-coinapi" },
    ],
    threshold: 0.5,
    absoluteThreshold: 0.01,
    precision: 8,
    pollTimer: { period: "15s" },
    idleTimer: { duration: "1h" },
    minFeedAnswers: 2,
  };
  edit(params);
  return { name: "LINK/USD", initiators: [{ type: "fluxmonitor", params }] };
}

const JOB_ID = "7d80a638-6ef5-43a9-b6a4-fbd8a7e4e2b5";
// its 32 hex digits as ASCII: what `bytes32 jobId = "7d80a6386ef543a9b6a4fbd8a7e4e2b5"` holds in a consumer
const SPEC_ID = "0x3764383061363338366566353433613962366134666264386137653465326235";

/** A runlog spec, with `params` changed by `edit`. */
function runLogSpec(edit: (params: Record<string, unknown>) => void = () => undefined): unknown {
  const params: Record<string, unknown> = {
    address: AGGREGATOR,
    jobId: JOB_ID,
    requesters: [AGGREGATOR],
    feeds: [
      { type: "coingecko", baseUrl: "http://127.0.0.1:8600", pair: "LINK/USD" },
      { type: "coinbase", baseUrl: "http://127.0.0.1:8600", pair: "LINK/USD" },
    ],
    precision: 8,
  };
  edit(params);
  return { name: "LINK/USD requests", initiators: [{ type: "runlog", params }] };
}

describe("parseJobSpec", () => {
  test("a fluxmonitor spec, normalized", () => {
    const job = parseJobSpec(fluxSpec()) as FluxMonitorJobSpec;
    assert.equal(job.initiator, "fluxmonitor");
    assert.equal(job.address, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assert.equal(job.pair, "LINK/USD");
    assert.equal(job.feeds[1]!.pair, "LINK/USD");
    assert.equal(job.feeds[1]!.timeoutMs, 2_000);
    assert.equal(job.threshold, "0.5");
    assert.equal(job.absoluteThreshold, "0.01");
    assert.equal(job.precision, 8);
    assert.equal(job.pollPeriodMs, 15_000);
    assert.equal(job.idleDurationMs, 3_600_000);
    assert.equal(job.minFeedAnswers, 2);
  });

  test("defaults: no absolute threshold, a majority of feeds, idle timer disabled", () => {
    const job = parseJobSpec(
      fluxSpec((params) => {
        delete params.absoluteThreshold;
        delete params.minFeedAnswers;
        params.idleTimer = { disabled: true };
      }),
    ) as FluxMonitorJobSpec;
    assert.equal(job.absoluteThreshold, "0");
    assert.equal(job.minFeedAnswers, 2);
    assert.equal(job.idleDurationMs, undefined);
  });

  test("a runlog spec, with its defaults", () => {
    const job = parseJobSpec(runLogSpec());
    assert.deepEqual(job, {
      name: "LINK/USD requests",
      initiator: "runlog",
      address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      jobId: JOB_ID,
      specId: SPEC_ID,
      requesters: ["0x5FbDB2315678afecb367f032d93F642f64180aa3"],
      minPayment: 0n,
      minIncomingConfirmations: 0,
      gasLimit: 500_000n,
      requestData: {},
      feeds: [
        {
          type: "coingecko",
          pair: "LINK/USD",
          baseUrl: "http://127.0.0.1:8600",
          timeoutMs: undefined,
          apiKeyEnv: undefined,
        },
        {
          type: "coinbase",
          pair: "LINK/USD",
          baseUrl: "http://127.0.0.1:8600",
          timeoutMs: undefined,
          apiKeyEnv: undefined,
        },
      ],
      pair: "LINK/USD",
      precision: 8,
      minFeedAnswers: 2,
    } satisfies RunLogJobSpec);
  });

  test("a runlog spec's payment, confirmations and gas limit, as numbers or digits", () => {
    const job = parseJobSpec(
      runLogSpec((p) => {
        p.minPayment = "100000000000000000000000";
        p.minIncomingConfirmations = 3;
        p.gasLimit = "750000";
        delete p.requesters;
      }),
    ) as RunLogJobSpec;
    assert.equal(job.minPayment, 10n ** 23n);
    assert.equal(job.minIncomingConfirmations, 3);
    assert.equal(job.gasLimit, 750_000n);
    assert.deepEqual(job.requesters, []);
  });

  test("runLogSpecId: a UUID's hex digits as ASCII, or a 32-byte hex as it is", () => {
    assert.equal(runLogSpecId(JOB_ID), SPEC_ID);
    assert.equal(runLogSpecId(JOB_ID.replaceAll("-", "").toUpperCase()), SPEC_ID);
    assert.equal(runLogSpecId(` ${SPEC_ID.toUpperCase().replace("0X", "0x")} `), SPEC_ID);
    for (const bad of ["", "job-1", JOB_ID.slice(1), `${SPEC_ID}00`, "0x1234"]) {
      assert.equal(runLogSpecId(bad), undefined, bad);
    }
  });

  // each bad field is named in one sentence
  const cases: [string, unknown, string, RegExp][] = [
    ["not an object", [], "the top level", /must be an object/],
    ["no initiators", { name: "x" }, "initiators", /one initiator/],
    ["two initiators", { initiators: [{}, {}] }, "initiators", /exactly one initiator, not 2/],
    [
      "unknown initiator",
      { initiators: [{ type: "cron", params: { address: AGGREGATOR } }] },
      "initiators[0].type",
      /"fluxmonitor" or "runlog", not "cron"/,
    ],
    ["bad address", fluxSpec((p) => (p.address = "0x12")), "initiators[0].params.address", /20-byte address/],
    ["no feeds", fluxSpec((p) => (p.feeds = [])), "initiators[0].params.feeds", /at least one feed/],
    [
      "unknown feed type",
      fluxSpec((p) => (p.feeds = [{ type: "binance", pair: "LINK/USD" }])),
      "initiators[0].params.feeds[0].type",
      /coingecko, coinmarketcap, cryptocompare, coinbase, kraken, external, not "binance"/,
    ],
    [
      "bad pair",
      fluxSpec((p) => (p.feeds = [{ type: "coinbase", pair: "LINKUSD" }])),
      "initiators[0].params.feeds[0].pair",
      /BASE\/QUOTE/,
    ],
    [
      "feeds of different pairs",
      fluxSpec(
        (p) =>
          (p.feeds = [
            { type: "coinbase", pair: "LINK/USD" },
            { type: "kraken", pair: "ETH/USD" },
          ]),
      ),
      "initiators[0].params.feeds[1].pair",
      /must be LINK\/USD/,
    ],
    [
      "external without url",
      fluxSpec((p) => (p.feeds = [{ type: "external", pair: "LINK/USD" }])),
      "initiators[0].params.feeds[0].url",
      /non-empty string, not missing/,
    ],
    [
      "baseUrl not http",
      fluxSpec((p) => (p.feeds = [{ type: "kraken", pair: "LINK/USD", baseUrl: "ftp://x" }])),
      "initiators[0].params.feeds[0].baseUrl",
      /http or https URL/,
    ],
    [
      "bad feed timeout",
      fluxSpec((p) => (p.feeds = [{ type: "kraken", pair: "LINK/USD", timeout: "soon" }])),
      "initiators[0].params.feeds[0].timeout",
      /positive duration/,
    ],
    ["missing threshold", fluxSpec((p) => delete p.threshold), "initiators[0].params.threshold", /not missing/],
    ["negative threshold", fluxSpec((p) => (p.threshold = -1)), "initiators[0].params.threshold", /0 or more, not -1/],
    [
      "bad absolute threshold",
      fluxSpec((p) => (p.absoluteThreshold = "a lot")),
      "initiators[0].params.absoluteThreshold",
      /0 or more/,
    ],
    ["precision too large", fluxSpec((p) => (p.precision = 19)), "initiators[0].params.precision", /0 to 18, not 19/],
    ["fractional precision", fluxSpec((p) => (p.precision = 1.5)), "initiators[0].params.precision", /whole number/],
    ["no pollTimer", fluxSpec((p) => delete p.pollTimer), "initiators[0].params.pollTimer", /must be an object/],
    [
      "bad poll period",
      fluxSpec((p) => (p.pollTimer = { period: "0s" })),
      "initiators[0].params.pollTimer.period",
      /positive duration/,
    ],
    [
      "idle without duration",
      fluxSpec((p) => (p.idleTimer = {})),
      "initiators[0].params.idleTimer.duration",
      /idleTimer.disabled/,
    ],
    [
      "idle disabled not boolean",
      fluxSpec((p) => (p.idleTimer = { disabled: "yes" })),
      "initiators[0].params.idleTimer.disabled",
      /true or false/,
    ],
    [
      "minFeedAnswers above the feeds",
      fluxSpec((p) => (p.minFeedAnswers = 4)),
      "initiators[0].params.minFeedAnswers",
      /1 to the 3 feeds, not 4/,
    ],
    [
      "requestData not an object",
      fluxSpec((p) => (p.requestData = "LINK")),
      "initiators[0].params.requestData",
      /must be an object/,
    ],
    [
      "runlog requesters not a list",
      runLogSpec((p) => (p.requesters = AGGREGATOR)),
      "initiators[0].params.requesters",
      /list of addresses/,
    ],
    [
      "a runlog requester that is not an address",
      runLogSpec((p) => (p.requesters = [AGGREGATOR, "me"])),
      "initiators[0].params.requesters[1]",
      /20-byte address, not "me"/,
    ],
    ["runlog without jobId", runLogSpec((p) => delete p.jobId), "initiators[0].params.jobId", /UUID .* not missing/],
    [
      "runlog jobId neither UUID nor bytes32",
      runLogSpec((p) => (p.jobId = "eth-usd")),
      "initiators[0].params.jobId",
      /a UUID such as "7d80a638-6ef5-43a9-b6a4-fbd8a7e4e2b5" or a 0x-prefixed 32-byte hex, not "eth-usd"/,
    ],
    [
      "negative minPayment",
      runLogSpec((p) => (p.minPayment = -1)),
      "initiators[0].params.minPayment",
      /whole number of juels of 0 or more .*, not -1/,
    ],
    [
      "minPayment in LINK",
      runLogSpec((p) => (p.minPayment = "0.1")),
      "initiators[0].params.minPayment",
      /whole number of juels/,
    ],
    [
      "minPayment past 2^53 as a JSON number",
      runLogSpec((p) => (p.minPayment = 1e20)),
      "initiators[0].params.minPayment",
      /a JSON number or decimal digits/,
    ],
    [
      "gasLimit below the Operator's 400,000",
      runLogSpec((p) => (p.gasLimit = 300_000)),
      "initiators[0].params.gasLimit",
      /whole number of gas from 400000 to 30000000 .*, not 300000$/,
    ],
    [
      "fractional confirmations",
      runLogSpec((p) => (p.minIncomingConfirmations = 1.5)),
      "initiators[0].params.minIncomingConfirmations",
      /whole number of blocks from 0 to 10000 .*, not 1.5$/,
    ],
    ["runlog without feeds", runLogSpec((p) => delete p.feeds), "initiators[0].params.feeds", /at least one feed/],
    [
      "runlog without precision",
      runLogSpec((p) => delete p.precision),
      "initiators[0].params.precision",
      /from 0 to 18, not missing/,
    ],
    [
      "runlog minFeedAnswers above the feeds",
      runLogSpec((p) => (p.minFeedAnswers = 3)),
      "initiators[0].params.minFeedAnswers",
      /1 to the 2 feeds, not 3/,
    ],
  ];
  for (const [name, spec, field, problem] of cases) {
    test(`refuses ${name}, naming ${field}`, () => {
      assert.throws(
        () => parseJobSpec(spec),
        (error: unknown) => {
          assert.ok(error instanceof JobSpecError);
          assert.equal(error.field, field);
          assert.match(error.shortMessage, problem);
          assert.ok(error.shortMessage.startsWith(`the job spec: ${field} `), error.shortMessage);
          assert.equal(error.shortMessage.split(". ").length, 1, "one sentence");
          return true;
        },
      );
    });
  }
});

test("readJobSpec names the file in its errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "jobspec-"));
  try {
    const good = join(dir, "good.json");
    await writeFile(good, JSON.stringify(fluxSpec()));
    assert.equal((await readJobSpec(good)).initiator, "fluxmonitor");
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify(fluxSpec((p) => (p.precision = "8"))));
    await assert.rejects(readJobSpec(bad), {
      shortMessage: new RegExp(`^the job spec ${bad}: initiators\\[0\\]\\.params\\.precision`),
    });
    const broken = join(dir, "broken.json");
    await writeFile(broken, "{");
    await assert.rejects(readJobSpec(broken), /is not JSON/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("parseDuration reads Go-style durations", () => {
  assert.equal(parseDuration("200ms"), 200);
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("1.5h"), 5_400_000);
  assert.equal(parseDuration(250), 250);
  assert.equal(parseDuration("0"), 0);
  for (const bad of ["", "15", "1d", "s", "-1s", "1s2", -5, 1.5, null]) assert.equal(parseDuration(bad), undefined);
});

describe("createJobFeeds", () => {
  test("a runlog job's feeds too", () => {
    const feeds = createJobFeeds(parseJobSpec(runLogSpec()) as RunLogJobSpec);
    assert.deepEqual(
      feeds.map((feed) => feed.source),
      ["coingecko", "coinbase"],
    );
  });

  test("one adapter per entry, external adapters sent requestData.data", () => {
    const feeds = createJobFeeds(parseJobSpec(fluxSpec()) as FluxMonitorJobSpec);
    assert.deepEqual(
      feeds.map((feed) => [feed.source, feed.pair]),
      [
        ["coingecko", "LINK/USD"],
        ["kraken", "LINK/USD"],
        ["bridge-coinapi", "LINK/USD"],
      ],
    );
  });

  test("an API key comes from the environment variable the entry names", () => {
    const job = parseJobSpec(
      fluxSpec((p) => {
        p.feeds = [{ type: "coinmarketcap", pair: "LINK/USD", apiKeyEnv: "CMC_KEY" }];
        p.minFeedAnswers = 1;
      }),
    ) as FluxMonitorJobSpec;
    assert.equal(createJobFeeds(job, { CMC_KEY: "k" }).length, 1);
    assert.throws(() => createJobFeeds(job, {}), {
      name: "JobSpecError",
      shortMessage: /names CMC_KEY, which is not set/,
    });
  });
});
