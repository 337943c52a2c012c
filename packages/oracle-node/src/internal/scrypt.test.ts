import assert from "node:assert/strict";
import { scryptSync } from "node:crypto";
import { test } from "node:test";
import { scryptJs } from "./scrypt.ts";

const text = (value: string) => new TextEncoder().encode(value);

test("RFC 7914 §12: scrypt(password, NaCl, N=1024, r=8, p=16, 64)", { timeout: 10_000 }, () => {
  assert.equal(
    scryptJs(text("password"), text("NaCl"), { n: 1024, r: 8, p: 16, dklen: 64 }).toString("hex"),
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
  );
});

test("the same as OpenSSL's where OpenSSL accepts the parameters", { timeout: 10_000 }, () => {
  for (const [n, r, p] of [
    [2, 1, 1],
    [16, 1, 1],
    [256, 2, 3],
    [4096, 8, 1],
  ] as const) {
    assert.deepEqual(
      scryptJs(text("pässword"), text("salt"), { n, r, p, dklen: 40 }),
      scryptSync(text("pässword"), text("salt"), 40, { N: n, r, p }),
      `N=${n} r=${r} p=${p}`,
    );
  }
});
