// The oracle's key at rest: a Web3 Secret Storage v3 file (scrypt, aes-128-ctr, keccak-256 MAC), as geth and most
// wallets write it. Neither the key nor the password is ever logged or put in an error.
import { createDecipheriv, createCipheriv, pbkdf2, randomBytes, randomUUID, scrypt } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { NonRetryableError, type PoolnetErrorOptions } from "@poolnet/sdk";
import { bytesToHex, concat, keccak256, type Address, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { scryptJs } from "../internal/scrypt.ts";

/** A keystore that cannot be opened: a wrong password, or a file that is not (or no longer) a v3 keystore. */
export class KeystoreError extends NonRetryableError {
  override name = "KeystoreError";
}

export type ScryptKdfParams = { n: number; r: number; p: number; dklen: number; salt: string };
export type Pbkdf2KdfParams = { c: number; dklen: number; prf: "hmac-sha256"; salt: string };

export type KeystoreKdf = { kdf: "scrypt"; kdfparams: ScryptKdfParams } | { kdf: "pbkdf2"; kdfparams: Pbkdf2KdfParams };

export type Keystore = {
  version: 3;
  id: string;
  /** Lower-case hex without 0x, as geth writes it. */
  address: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    mac: string;
  } & KeystoreKdf;
};

/** geth's "standard" scrypt cost: about a second and 256 MiB to derive the key. */
export const DEFAULT_SCRYPT_PARAMS = { n: 262_144, r: 8, p: 1 } as const;

/** The most memory a file may make scrypt use (128·N·r bytes): a damaged or hostile file must not exhaust the host. */
const MAX_SCRYPT_MEMORY = 1 << 30;

const pbkdf2Async = promisify(pbkdf2);

export type EncryptKeystoreParameters = {
  privateKey: Hex;
  password: string;
  /** geth's standard cost by default; tests use a cheaper one. */
  scryptParams?: { n: number; r: number; p: number } | undefined;
};

/** Encrypts a private key into a v3 keystore with a fresh salt, iv and id. */
export async function encryptKeystore({
  privateKey,
  password,
  scryptParams = DEFAULT_SCRYPT_PARAMS,
}: EncryptKeystoreParameters): Promise<Keystore> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) throw new KeystoreError("the private key is not 32 bytes of hex");
  const kdfparams = { ...scryptParams, dklen: 32, salt: randomBytes(32).toString("hex") };
  const derivedKey = await deriveKey(password, { kdf: "scrypt", kdfparams });
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-128-ctr", derivedKey.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  return {
    version: 3,
    id: randomUUID(),
    address: privateKeyToAddress(privateKey).slice(2).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "scrypt",
      kdfparams,
      mac: mac(derivedKey, ciphertext).slice(2),
    },
  };
}

/** Decrypts a parsed v3 keystore; a KeystoreError says whether the password is wrong or the file damaged. */
export async function decryptKeystore(keystore: unknown, password: string): Promise<Hex> {
  const { crypto, address } = checkKeystore(keystore);
  const derivedKey = await deriveKey(password, crypto);
  const ciphertext = Buffer.from(crypto.ciphertext, "hex");
  // the MAC cannot tell a wrong password from a changed ciphertext or mac; the password is by far the likelier
  if (mac(derivedKey, ciphertext).slice(2) !== crypto.mac.toLowerCase()) {
    throw new KeystoreError("wrong password for the keystore (or its ciphertext or mac was changed)");
  }
  const decipher = createDecipheriv(
    "aes-128-ctr",
    derivedKey.subarray(0, 16),
    Buffer.from(crypto.cipherparams.iv, "hex"),
  );
  const privateKey = bytesToHex(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  if (address !== undefined && privateKeyToAddress(privateKey).slice(2).toLowerCase() !== address.toLowerCase()) {
    throw new KeystoreError("the keystore is damaged: its key does not belong to its address");
  }
  return privateKey;
}

/** Writes a keystore readable by its owner only (mode 0600); never overwrites a file, which may hold another key. */
export async function writeKeystore(path: string, keystore: Keystore): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeystoreError(
      code === "EEXIST" ? `${path} already exists: not overwritten` : `cannot write the keystore ${path}`,
      { cause: error },
    );
  }
}

/** Reads and decrypts a keystore file; every failure is a one-line KeystoreError naming the file. */
export async function readKeystore(path: string, password: string): Promise<{ privateKey: Hex; address: Address }> {
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    throw new KeystoreError(`cannot read the keystore ${path}`, { cause: error });
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeystoreError(`the keystore ${path} is damaged: not JSON`);
  }
  try {
    const privateKey = await decryptKeystore(parsed, password);
    return { privateKey, address: privateKeyToAddress(privateKey) };
  } catch (error) {
    if (!(error instanceof KeystoreError)) throw error;
    throw new KeystoreError(error.shortMessage.replace("the keystore", `the keystore ${path}`), optionsOf(error));
  }
}

export const PASSWORD_ENV = "POOLNET_ORACLE_PASSWORD";

/**
 * The keystore's password: the first line of `passwordFile` if given, else the POOLNET_ORACLE_PASSWORD variable.
 * An empty password is refused: it would leave the key as exposed as a plain file.
 */
export async function readPassword({
  passwordFile,
  env = process.env,
}: {
  passwordFile?: string | undefined;
  env?: Record<string, string | undefined>;
}): Promise<string> {
  let password: string | undefined;
  if (passwordFile !== undefined) {
    const text = await readFile(passwordFile, "utf8").catch((error: unknown) => {
      throw new KeystoreError(`cannot read the password file ${passwordFile}`, { cause: error });
    });
    password = text.split(/\r?\n/)[0];
  } else {
    password = env[PASSWORD_ENV];
  }
  if (password === undefined || password === "") {
    throw new KeystoreError(`give the keystore's password in a file (--password-file) or in ${PASSWORD_ENV}`);
  }
  return password;
}

function optionsOf(error: KeystoreError): PoolnetErrorOptions {
  return { details: error.details, cause: error.cause };
}

function mac(derivedKey: Uint8Array, ciphertext: Uint8Array): Hex {
  return keccak256(concat([derivedKey.subarray(16, 32), ciphertext]));
}

async function deriveKey(password: string, crypto: KeystoreKdf): Promise<Buffer> {
  const secret = Buffer.from(password.normalize("NFKC"), "utf8");
  if (crypto.kdf === "pbkdf2") {
    const { c, dklen, salt } = crypto.kdfparams;
    return pbkdf2Async(secret, Buffer.from(salt, "hex"), c, dklen, "sha256");
  }
  const { n, r, p, dklen, salt } = crypto.kdfparams;
  const saltBytes = Buffer.from(salt, "hex");
  // OpenSSL requires N < 2^(16·r) (RFC 7914's bound), which the spec's own test vector (r = 1) breaks
  if (n >= 2 ** (16 * r)) return scryptJs(secret, saltBytes, { n, r, p, dklen });
  return new Promise((resolve, reject) =>
    scrypt(secret, saltBytes, dklen, { N: n, r, p, maxmem: 2 * 128 * n * r + (1 << 20) }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
}

function checkKeystore(value: unknown): { crypto: Keystore["crypto"]; address: string | undefined } {
  const damaged = (what: string) => new KeystoreError(`the keystore is damaged: ${what}`);
  const isHex = (text: unknown, bytes?: number): text is string =>
    typeof text === "string" && /^([0-9a-fA-F]{2})*$/.test(text) && (bytes === undefined || text.length === 2 * bytes);
  const isCount = (number: unknown): number is number => Number.isSafeInteger(number) && (number as number) > 0;
  if (typeof value !== "object" || value === null) throw damaged("not a JSON object");
  const { version, crypto, address } = value as Partial<Record<keyof Keystore, unknown>>;
  if (version !== 3) throw damaged(`version ${JSON.stringify(version)}, not 3`);
  if (address !== undefined && (typeof address !== "string" || !isHex(address.replace(/^0x/, ""), 20)))
    throw damaged("its address is not 20 bytes");
  if (typeof crypto !== "object" || crypto === null) throw damaged("no crypto section");
  const { cipher, cipherparams, ciphertext, kdf, kdfparams, mac } = crypto as Record<string, unknown>;
  if (cipher !== "aes-128-ctr") throw damaged(`cipher ${JSON.stringify(cipher)}, not aes-128-ctr`);
  if (!isHex((cipherparams as { iv?: unknown } | undefined)?.iv, 16)) throw damaged("its iv is not 16 bytes of hex");
  if (!isHex(ciphertext, 32)) throw damaged("its ciphertext is not 32 bytes of hex");
  if (!isHex(mac, 32)) throw damaged("its mac is not 32 bytes of hex");
  const params = (kdfparams ?? {}) as Record<string, unknown>;
  if (!isHex(params.salt) || !isCount(params.dklen) || params.dklen < 32) throw damaged("bad kdf salt or dklen");
  if (kdf === "scrypt") {
    const { n, r, p } = params;
    if (!isCount(n) || n < 2 || (n & (n - 1)) !== 0) throw damaged("scrypt n is not a power of 2");
    if (!isCount(r) || !isCount(p) || 128 * n * r > MAX_SCRYPT_MEMORY || r * p >= 2 ** 30) {
      throw damaged("scrypt r or p out of range");
    }
  } else if (kdf === "pbkdf2") {
    if (params.prf !== "hmac-sha256" || !isCount(params.c)) throw damaged("pbkdf2 needs prf hmac-sha256 and a count c");
  } else {
    throw damaged(`kdf ${JSON.stringify(kdf)}, neither scrypt nor pbkdf2`);
  }
  return { crypto: crypto as Keystore["crypto"], address: address as string | undefined };
}
