// The dev keys derived natively match viem's own derivation from the mnemonic, and the published first account.
import assert from "node:assert/strict";
import { it } from "node:test";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { DEV_MNEMONIC, devPrivateKeys } from "./localChain.ts";

it("derives the same dev accounts as viem's mnemonicToAccount", () => {
  const indexes = [0, 1, 7, 19];
  const keys = devPrivateKeys(indexes);
  indexes.forEach((addressIndex, i) => {
    assert.equal(privateKeyToAccount(keys[i]!).address, mnemonicToAccount(DEV_MNEMONIC, { addressIndex }).address);
  });
  assert.equal(privateKeyToAccount(keys[0]!).address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
});
