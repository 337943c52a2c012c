import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkEligibility,
  decideSubmission,
  dueTriggers,
  hasSufficientFunds,
  isTimedOutRetry,
  nextWakeAt,
  outsideDeviation,
  parseThresholds,
  resetIdle,
  startTimers,
  type EligibilityInput,
  type RoundState,
  type TimerConfig,
  type Timers,
} from "./decide.ts";

const E18 = 10n ** 18n;
const roundState = (overrides: Partial<RoundState> = {}): RoundState => ({
  eligibleToSubmit: true,
  roundId: 7,
  latestSubmission: 0n,
  startedAt: 0n,
  timeout: 60n,
  availableFunds: 90n,
  oracleCount: 3,
  paymentAmount: 10n,
  ...overrides,
});
const eligibility = (overrides: Partial<EligibilityInput> = {}): EligibilityInput => ({
  connected: true,
  roundState: roundState(),
  alreadySubmitted: () => false,
  fundedRounds: 3n,
  ...overrides,
});

describe("checkEligibility", () => {
  test("passes with every check met, for the round the aggregator suggests", () => {
    assert.deepEqual(checkEligibility(eligibility()), { ok: true, roundId: 7 });
  });

  // every check fails at once, and one more passes each time: the first failing check is the reason
  const failing: Partial<EligibilityInput> = {
    connected: false,
    roundState: roundState({ eligibleToSubmit: false, availableFunds: 0n }),
    alreadySubmitted: () => true,
  };
  const order = [
    ["disconnected", {}],
    ["notEligible", { connected: true }],
    ["alreadySubmitted", { connected: true, roundState: roundState({ availableFunds: 0n }) }],
    [
      "insufficientFunds",
      { connected: true, roundState: roundState({ availableFunds: 0n }), alreadySubmitted: () => false },
    ],
  ] as const;
  for (const [reason, passed] of order) {
    test(`in Chainlink's order: ${reason}`, () => {
      const result = checkEligibility(eligibility({ ...failing, ...passed }));
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, reason);
    });
  }

  test("no round state is disconnected, even when marked connected", () => {
    assert.deepEqual(checkEligibility(eligibility({ roundState: undefined })), { ok: false, reason: "disconnected" });
  });

  test("already submitted asks about the suggested round", () => {
    const asked: number[] = [];
    checkEligibility(eligibility({ alreadySubmitted: (id) => (asked.push(id), false) }));
    assert.deepEqual(asked, [7]);
  });

  test("funds: exactly payment × oracles × rounds passes, one less fails", () => {
    assert.equal(hasSufficientFunds(roundState({ availableFunds: 90n }), 3n), true);
    assert.equal(hasSufficientFunds(roundState({ availableFunds: 89n }), 3n), false);
    assert.equal(hasSufficientFunds(roundState({ availableFunds: 30n }), 1n), true);
    const poor = checkEligibility(eligibility({ roundState: roundState({ availableFunds: 89n }) }));
    assert.deepEqual(poor, { ok: false, reason: "insufficientFunds", roundId: 7 });
  });
});

describe("outsideDeviation", () => {
  const price = (units: bigint) => units * 10n ** 10n; // an 8-decimal answer scaled to 18 decimals
  const relative = (percent: string) => parseThresholds(percent, "0");

  test("relative threshold: the boundary is outside, one unit less is inside, both directions", () => {
    const current = price(100_00000000n); // 100.00000000
    const t = relative("1");
    assert.equal(outsideDeviation(current, price(101_00000000n), t), true);
    assert.equal(outsideDeviation(current, price(101_00000000n - 1n), t), false);
    assert.equal(outsideDeviation(current, price(99_00000000n), t), true);
    assert.equal(outsideDeviation(current, price(99_00000000n + 1n), t), false);
  });

  test("relative threshold with a fraction of a percent, exactly", () => {
    const current = price(7_12345678n); // 7.12345678, 0.5% of it is 0.03561728390
    const t = relative("0.5");
    assert.equal(outsideDeviation(current, current + (current * 5n) / 1000n, t), true);
    assert.equal(outsideDeviation(current, current + (current * 5n) / 1000n - 1n, t), false);
  });

  test("absolute threshold: strictly greater; equal is inside", () => {
    const t = parseThresholds("0", "0.5");
    const current = 100n * E18;
    assert.equal(outsideDeviation(current, current + E18 / 2n, t), false);
    assert.equal(outsideDeviation(current, current + E18 / 2n + 1n, t), true);
    assert.equal(outsideDeviation(current, current - E18 / 2n - 1n, t), true);
  });

  test("both must hold: relative met but not absolute, and absolute met but not relative", () => {
    const t = parseThresholds("1", "2");
    const current = 100n * E18;
    assert.equal(outsideDeviation(current, 101n * E18, t), false); // 1% but only 1 absolute
    assert.equal(outsideDeviation(current * 1000n, current * 1000n + 3n * E18, t), false); // 3 absolute, 0.003%
    assert.equal(outsideDeviation(current, 103n * E18, t), true);
  });

  test("from zero: any change is infinite deviation, zero to zero is not", () => {
    const t = relative("1");
    assert.equal(outsideDeviation(0n, 1n, t), true);
    assert.equal(outsideDeviation(0n, 0n, t), false);
    assert.equal(outsideDeviation(0n, 1n, parseThresholds("0", "1")), false); // the absolute test comes first
  });

  test("zero thresholds pass any change and no change, but for zero to zero", () => {
    const t = parseThresholds("0", "0");
    assert.equal(outsideDeviation(5n, 5n, t), true);
    assert.equal(outsideDeviation(5n, 6n, t), true);
    assert.equal(outsideDeviation(0n, 0n, t), false);
  });

  test("negative answers use the magnitude of the current one", () => {
    const t = relative("10");
    assert.equal(outsideDeviation(-100n, -110n, t), true);
    assert.equal(outsideDeviation(-100n, -109n, t), false);
  });
});

describe("decideSubmission", () => {
  const base = { latestAnswer: 100_00000000n, precision: 8, thresholds: parseThresholds("1", "0") };

  test("a poll submits past the threshold, the median scaled by the precision", () => {
    assert.deepEqual(decideSubmission({ ...base, trigger: "poll", polledPrice: "101" }), {
      action: "submit",
      answer: 101_00000000n,
    });
    assert.deepEqual(decideSubmission({ ...base, trigger: "poll", polledPrice: "100.99999999" }), {
      action: "skip",
      reason: "withinThreshold",
    });
  });

  test("the comparison uses the unrounded median; the submission rounds half away from zero", () => {
    // 100.999999995 is inside 1%, though it rounds to 101.00000000
    assert.deepEqual(decideSubmission({ ...base, trigger: "poll", polledPrice: "100.999999995" }), {
      action: "skip",
      reason: "withinThreshold",
    });
    assert.deepEqual(decideSubmission({ ...base, trigger: "poll", polledPrice: "102.000000005" }), {
      action: "submit",
      answer: 102_00000001n,
    });
  });

  test("too few feed answers skip whatever the trigger", () => {
    for (const trigger of ["poll", "idle", "newRound", "roundTimeout"] as const) {
      assert.deepEqual(decideSubmission({ ...base, trigger, polledPrice: undefined }), {
        action: "skip",
        reason: "notEnoughAnswers",
      });
    }
  });

  test("another oracle's new round is answered whatever the price did", () => {
    assert.deepEqual(decideSubmission({ ...base, trigger: "newRound", polledPrice: "100" }), {
      action: "submit",
      answer: 100_00000000n,
    });
  });

  test("the idle timer and a timed-out round submit an unchanged price, as thresholds of zero", () => {
    for (const trigger of ["idle", "roundTimeout"] as const) {
      assert.deepEqual(decideSubmission({ ...base, trigger, polledPrice: "100" }), {
        action: "submit",
        answer: 100_00000000n,
      });
      // zero to zero is the one case thresholds of zero refuse
      assert.deepEqual(decideSubmission({ ...base, latestAnswer: 0n, trigger, polledPrice: "0" }), {
        action: "skip",
        reason: "withinThreshold",
      });
    }
  });

  test("the first round: from a latest answer of 0 any price is outside", () => {
    assert.deepEqual(decideSubmission({ ...base, latestAnswer: 0n, trigger: "poll", polledPrice: "15" }), {
      action: "submit",
      answer: 15_00000000n,
    });
  });

  test("precision 0 and 18", () => {
    const t = parseThresholds("1", "0");
    assert.deepEqual(
      decideSubmission({ trigger: "poll", latestAnswer: 100n, precision: 0, thresholds: t, polledPrice: "101.5" }),
      { action: "submit", answer: 102n },
    );
    assert.deepEqual(
      decideSubmission({ trigger: "poll", latestAnswer: 100n * E18, precision: 18, thresholds: t, polledPrice: "101" }),
      { action: "submit", answer: 101n * E18 },
    );
  });
});

describe("isTimedOutRetry", () => {
  test("a round this node answered timed out unanswered and the aggregator moved on", () => {
    assert.equal(isTimedOutRetry({ lastSubmittedRound: 5, latestAnsweredRound: 4, suggestedRound: 6 }), true);
  });
  test("not when the round was answered, the aggregator did not move on, or the node never submitted", () => {
    assert.equal(isTimedOutRetry({ lastSubmittedRound: 5, latestAnsweredRound: 5, suggestedRound: 6 }), false);
    assert.equal(isTimedOutRetry({ lastSubmittedRound: 5, latestAnsweredRound: 4, suggestedRound: 5 }), false);
    assert.equal(isTimedOutRetry({ lastSubmittedRound: undefined, latestAnsweredRound: 0, suggestedRound: 1 }), false);
  });
});

describe("timers, on a fake clock", () => {
  const config = { pollPeriodMs: 200, idleDurationMs: 1_000 };

  /** Runs the timers from 0 to `until`, waking when they ask to, and lists what fired when. */
  function run(until: number, resets: number[] = [], timerConfig: TimerConfig = config): [number, string][] {
    let timers: Timers = startTimers(timerConfig, 0);
    const fired: [number, string][] = [];
    let now = 0;
    const pendingResets = [...resets];
    while (now <= until) {
      while (pendingResets.length > 0 && pendingResets[0]! <= now) {
        pendingResets.shift();
        timers = resetIdle(timers, timerConfig, now);
      }
      const due = dueTriggers(timers, timerConfig, now);
      timers = due.timers;
      for (const trigger of due.triggers) fired.push([now, trigger]);
      const wake = nextWakeAt(timers);
      now = Math.min(wake, pendingResets[0] ?? Infinity);
    }
    return fired;
  }

  test("polls at once, then every period; the idle timer fires after its duration and replaces that tick", () => {
    assert.deepEqual(run(1_400), [
      [0, "poll"],
      [200, "poll"],
      [400, "poll"],
      [600, "poll"],
      [800, "poll"],
      [1_000, "idle"],
      [1_200, "poll"],
      [1_400, "poll"],
    ]);
  });

  test("a new round resets the idle timer", () => {
    const fired = run(2_000, [700]);
    assert.deepEqual(
      fired.filter(([, trigger]) => trigger === "idle"),
      [[1_700, "idle"]],
    );
  });

  test("the idle timer restarts after it fires", () => {
    const idle = run(3_100).filter(([, trigger]) => trigger === "idle");
    assert.deepEqual(idle, [
      [1_000, "idle"],
      [2_000, "idle"],
      [3_000, "idle"],
    ]);
  });

  test("a disabled idle timer never fires", () => {
    const fired = run(5_000, [], { pollPeriodMs: 1_000, idleDurationMs: undefined });
    assert.deepEqual(fired, [
      [0, "poll"],
      [1_000, "poll"],
      [2_000, "poll"],
      [3_000, "poll"],
      [4_000, "poll"],
      [5_000, "poll"],
    ]);
  });

  test("missed periods give one poll, not a burst", () => {
    let timers = startTimers(config, 0);
    timers = dueTriggers(timers, config, 0).timers;
    const late = dueTriggers(timers, config, 950);
    assert.deepEqual(late.triggers, ["poll"]);
    assert.equal(late.timers.nextPollAt, 1_150);
    assert.deepEqual(dueTriggers(late.timers, config, 960).triggers, []);
  });

  test("nothing is due before its time", () => {
    const timers = dueTriggers(startTimers(config, 0), config, 0).timers;
    assert.deepEqual(dueTriggers(timers, config, 199), { triggers: [], timers });
    assert.equal(nextWakeAt(timers), 200);
  });
});
