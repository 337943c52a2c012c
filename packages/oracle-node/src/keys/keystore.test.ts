import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import {
  KeystoreError,
  decryptKeystore,
  encryptKeystore,
  readKeystore,
  readPassword,
  writeKeystore,
  type Keystore,
} from "./keystore.ts";

// The test vectors of the Web3 Secret Storage Definition (ethereum wiki, "Test Vectors"): password "testpassword".
const VECTOR_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const VECTOR_ADDRESS = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";
const SCRYPT_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 262144,
      r: 1,
      p: 8,
      salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};
const PBKDF2_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};
// cheap enough for tests; the real default is geth's N = 2^18
const CHEAP = { n: 1024, r: 8, p: 1 };
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "keystore-"));
});
after(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true });
});

const rejectsWith = (promise: Promise<unknown>, message: RegExp) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof KeystoreError, String(error));
    assert.match(error.shortMessage, message);
    assert.doesNotMatch(error.shortMessage, /\n/);
    assert.doesNotMatch(error.shortMessage, /testpassword|hunter2|59c6995e|7a28b5ba/);
    return true;
  });

describe("the Web3 Secret Storage test vectors", () => {
  test("scrypt (N=2^18, r=1, p=8): its known key", { timeout: 30_000 }, async () => {
    assert.equal(await decryptKeystore(SCRYPT_VECTOR, "testpassword"), VECTOR_KEY);
    assert.equal(privateKeyToAddress(VECTOR_KEY), VECTOR_ADDRESS);
  });

  test("PBKDF2-SHA-256 (c=2^18): its known key", { timeout: 30_000 }, async () => {
    assert.equal(await decryptKeystore(PBKDF2_VECTOR, "testpassword"), VECTOR_KEY);
  });

  test("a wrong password, a changed ciphertext, a changed mac: refused", { timeout: 30_000 }, async () => {
    await rejectsWith(decryptKeystore(PBKDF2_VECTOR, "testpassword "), /^wrong password/);
    const flipped = structuredClone(PBKDF2_VECTOR);
    flipped.crypto.ciphertext = `6${flipped.crypto.ciphertext.slice(1)}`;
    await rejectsWith(decryptKeystore(flipped, "testpassword"), /^wrong password/);
    const badMac = structuredClone(PBKDF2_VECTOR);
    badMac.crypto.mac = `6${badMac.crypto.mac.slice(1)}`;
    await rejectsWith(decryptKeystore(badMac, "testpassword"), /^wrong password/);
  });
});

describe("create, write, read", () => {
  test("a round trip: the same key, a 0600 file without the key or password in it", { timeout: 10_000 }, async () => {
    const path = join(dir, "roundtrip.json");
    const keystore = await encryptKeystore({ privateKey: KEY, password: "hunter2", scryptParams: CHEAP });
    assert.equal(`0x${keystore.address}`, privateKeyToAddress(KEY).toLowerCase());
    await writeKeystore(path, keystore);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, "utf8");
    assert.doesNotMatch(text, /59c6995e|hunter2/i);
    assert.deepEqual(await readKeystore(path, "hunter2"), { privateKey: KEY, address: privateKeyToAddress(KEY) });
    await rejectsWith(readKeystore(path, "hunter3"), /^wrong password for the keystore .*roundtrip\.json/);
  });

  test("two keystores of one key differ: fresh salt, iv and id", { timeout: 10_000 }, async () => {
    const a = await encryptKeystore({ privateKey: KEY, password: "hunter2", scryptParams: CHEAP });
    const b = await encryptKeystore({ privateKey: KEY, password: "hunter2", scryptParams: CHEAP });
    assert.notEqual(a.crypto.ciphertext, b.crypto.ciphertext);
    assert.notEqual(a.crypto.kdfparams.salt, b.crypto.kdfparams.salt);
    assert.notEqual(a.id, b.id);
  });

  test("an existing file is never overwritten", { timeout: 10_000 }, async () => {
    const path = join(dir, "existing.json");
    await writeFile(path, "another key\n");
    const keystore = await encryptKeystore({ privateKey: KEY, password: "hunter2", scryptParams: CHEAP });
    await rejectsWith(writeKeystore(path, keystore), /already exists/);
    assert.equal(await readFile(path, "utf8"), "another key\n");
  });

  test("damaged files: one line each, naming the file", { timeout: 10_000 }, async () => {
    const good = await encryptKeystore({ privateKey: KEY, password: "hunter2", scryptParams: CHEAP });
    const cases: [string, string, RegExp][] = [
      ["truncated", JSON.stringify(good).slice(0, 100), /is damaged: not JSON/],
      ["version", JSON.stringify({ ...good, version: 1 }), /is damaged: version 1/],
      [
        "cipher",
        JSON.stringify({ ...good, crypto: { ...good.crypto, cipher: "aes-128-cbc" } }),
        /cipher "aes-128-cbc"/,
      ],
      ["iv", JSON.stringify({ ...good, crypto: { ...good.crypto, cipherparams: { iv: "zz" } } }), /iv/],
      [
        "kdf",
        JSON.stringify({ ...good, crypto: { ...good.crypto, kdfparams: { ...good.crypto.kdfparams, n: 1000 } } }),
        /scrypt n is not a power of 2/,
      ],
      [
        "memory",
        JSON.stringify({ ...good, crypto: { ...good.crypto, kdfparams: { ...good.crypto.kdfparams, n: 2 ** 30 } } }),
        /r or p out of range/,
      ],
      ["address", JSON.stringify({ ...good, address: "00".repeat(20) } satisfies Keystore), /does not belong/],
    ];
    for (const [name, text, message] of cases) {
      const path = join(dir, `damaged-${name}.json`);
      await writeFile(path, text);
      await rejectsWith(readKeystore(path, "hunter2"), message);
      await assert.rejects(readKeystore(path, "hunter2"), (error: KeystoreError) => error.shortMessage.includes(path));
    }
    await rejectsWith(readKeystore(join(dir, "missing.json"), "hunter2"), /cannot read the keystore/);
  });
});

describe("the password", () => {
  test("from a file (its first line) before the environment", async () => {
    const path = join(dir, "password");
    await writeFile(path, "correct horse\nsecond line\n");
    assert.equal(await readPassword({ passwordFile: path, env: { POOLNET_ORACLE_PASSWORD: "env" } }), "correct horse");
    assert.equal(await readPassword({ env: { POOLNET_ORACLE_PASSWORD: "env" } }), "env");
  });

  test("none, or an empty one: refused", async () => {
    await rejectsWith(readPassword({ env: {} }), /--password-file.*POOLNET_ORACLE_PASSWORD/);
    await rejectsWith(readPassword({ env: { POOLNET_ORACLE_PASSWORD: "" } }), /--password-file/);
    await rejectsWith(readPassword({ passwordFile: join(dir, "no-such-file"), env: {} }), /cannot read the password/);
  });
});
