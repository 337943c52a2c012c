// deployPoolOwners and every PoolOwners action against Hardhat's in-process EDR chain: the share sale of the seed's
// Figure 10 (4 ETH buys 0.1%, 13.6 ETH 0.34%, creators 75%), distribution, withdrawal, transfer and lock, and each
// refusal as the one sentence a person reads.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress, parseEther, zeroAddress, type Address } from "viem";
import { addOwnersToken } from "./actions/addOwnersToken.ts";
import { contribute } from "./actions/contribute.ts";
import { distributeOwnerEarnings } from "./actions/distributeOwnerEarnings.ts";
import { getOwner } from "./actions/getOwner.ts";
import { getOwnersInfo } from "./actions/getOwnersInfo.ts";
import { lockShares } from "./actions/lockShares.ts";
import { setOwnerShare } from "./actions/setOwnerShare.ts";
import { transferShare } from "./actions/transferShare.ts";
import { withdrawOwnerEarnings } from "./actions/withdrawOwnerEarnings.ts";
import { deployPoolOwners } from "./deployPoolOwners.ts";
import { ContractRevertError, InvalidInputError } from "./errors.ts";
import { formatShare } from "./format.ts";
import { stakingTokenAbi, stakingTokenBytecode } from "./generated/contracts.ts";
import { startEdrChain, type EdrChain } from "./internal/edrChain.ts";
import { POOL_OWNERS_TOTAL_SHARES } from "./internal/shares.ts";

type ChainFixture = EdrChain;
const chainFixture = startEdrChain;

type OwnersFixture = ChainFixture & { poolOwners: Address; token: Address; contractOwner: Address; wallet: Address };

/** A stake token and a PoolOwners listing it, owned by account 0, its sale paying account 1. */
async function poolOwnersFixture(): Promise<OwnersFixture> {
  const chain = await chainFixture();
  const [contractOwner, wallet] = chain.accounts as [Address, Address];
  const deployer = chain.walletOf(contractOwner);
  const hash = await deployer.deployContract({
    abi: stakingTokenAbi,
    bytecode: stakingTokenBytecode,
    args: ["Stake", "STK", contractOwner, parseEther("1000000")],
  });
  const token = getAddress((await chain.publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
  const { poolOwners } = await deployPoolOwners(deployer, chain.publicClient, { wallet, owner: contractOwner });
  await addOwnersToken(deployer, { poolOwners, token });
  return { ...chain, poolOwners, token, contractOwner, wallet };
}

/** Rejects with a ContractRevertError saying exactly `sentence`. */
async function refused(action: Promise<unknown>, sentence: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(error instanceof ContractRevertError, String(error));
    assert.equal(error.message, sentence);
    return true;
  });
}

describe("deployPoolOwners", () => {
  let chain: ChainFixture;
  before(async () => {
    chain = await chainFixture();
  });
  after(() => chain.close());

  it("deploys PoolOwners with its wallet and owner, nothing granted, sold or listed", async () => {
    const [owner, wallet] = chain.accounts as [Address, Address];
    const deployed = await deployPoolOwners(chain.walletOf(owner), chain.publicClient, { wallet, owner });
    assert.equal(deployed.deployedAtBlock, await chain.publicClient.getBlockNumber());
    const info = await getOwnersInfo(chain.publicClient, { poolOwners: deployed.poolOwners });
    assert.deepEqual(info, {
      poolOwners: deployed.poolOwners,
      contractOwner: owner,
      wallet,
      locked: false,
      totalShares: parseEther("4000"),
      creatorShares: parseEther("3000"),
      creatorSharesGranted: 0n,
      hardCap: parseEther("1000"),
      minContribution: parseEther("4"),
      totalContributed: 0n,
      unallocated: parseEther("4000"),
      maxTokens: 8,
      tokens: [],
    });
    // the sdk formats shares against the contract's constant
    assert.equal(info.totalShares, POOL_OWNERS_TOTAL_SHARES);
  });

  it("refuses a zero wallet or owner, sending nothing", async () => {
    const [owner] = chain.accounts as [Address];
    const before = await chain.publicClient.getBlockNumber();
    for (const params of [
      { wallet: zeroAddress, owner },
      { wallet: owner, owner: zeroAddress },
    ]) {
      await assert.rejects(deployPoolOwners(chain.walletOf(owner), chain.publicClient, params), InvalidInputError);
    }
    assert.equal(await chain.publicClient.getBlockNumber(), before);
  });
});

describe("PoolOwners actions", () => {
  let fixture: OwnersFixture;
  let creatorA: Address;
  let creatorB: Address;
  let alice: Address;
  let bob: Address;
  let carol: Address;
  before(async () => {
    fixture = await poolOwnersFixture();
    [creatorA, creatorB, alice, bob, carol] = fixture.accounts.slice(0, 5) as [
      Address,
      Address,
      Address,
      Address,
      Address,
    ];
  });
  after(() => fixture.close());
  const as = (account: Address) => fixture.walletOf(account);
  const ownerOf = (owner: Address) => getOwner(fixture.publicClient, { poolOwners: fixture.poolOwners, owner });

  it("the contract owner grants the creators their 75%; no one else may, and no more", async () => {
    const { poolOwners } = fixture;
    await setOwnerShare(as(creatorA), { poolOwners, owner: creatorA, granted: parseEther("2500") });
    await setOwnerShare(as(creatorA), { poolOwners, owner: creatorB, granted: parseEther("500") });
    assert.equal(formatShare((await ownerOf(creatorA)).share), "62.5%");
    assert.equal(formatShare((await ownerOf(creatorB)).granted), "12.5%");
    const info = await getOwnersInfo(fixture.publicClient, { poolOwners });
    assert.equal(formatShare(info.creatorSharesGranted), "75%");

    await refused(
      setOwnerShare(as(alice), { poolOwners, owner: alice, granted: parseEther("4") }),
      `${alice} is not the owner of the contract`,
    );
    await refused(
      setOwnerShare(as(creatorA), { poolOwners, owner: alice, granted: parseEther("4") }),
      `${alice} can be granted at most 0% of the shares out of the creators' part, not 0.1%`,
    );
  });

  it("a contribution buys one share per wei, 4 ETH for 0.1%, and pays the wallet", async () => {
    const { poolOwners, publicClient, wallet } = fixture;
    const walletBefore = await publicClient.getBalance({ address: wallet });
    const first = await contribute(as(alice), { poolOwners, value: parseEther("4") });
    const second = await contribute(as(bob), { poolOwners, value: parseEther("13.6") });
    assert.deepEqual([formatShare(first.share), formatShare(second.share)], ["0.1%", "0.34%"]);
    assert.equal((await publicClient.getBalance({ address: wallet })) - walletBefore, parseEther("17.6"));
    assert.deepEqual(await ownerOf(alice), {
      owner: alice,
      share: parseEther("4"),
      granted: 0n,
      contributed: parseEther("4"),
      withdrawable: [{ token: fixture.token, amount: 0n }],
    });
    const info = await getOwnersInfo(publicClient, { poolOwners });
    assert.equal(info.totalContributed, parseEther("17.6"));
    assert.equal(info.unallocated, parseEther("982.4"));
  });

  it("refuses a contribution below the minimum or over the hard cap", async () => {
    const { poolOwners } = fixture;
    await refused(
      contribute(as(carol), { poolOwners, value: parseEther("3.99") }),
      "a contribution of 3.99 ETH is below the minimum, 4 ETH",
    );
    await refused(
      contribute(as(carol), { poolOwners, value: parseEther("1000") }),
      "a contribution of 1,000 ETH would pass the share sale's hard cap: 982.4 ETH is left",
    );
  });

  it("tokens that arrive are withdrawable at once, distributed, and withdrawn pro rata to shares", async () => {
    const { poolOwners, token, publicClient } = fixture;
    const hash = await as(creatorA).writeContract({
      address: token,
      abi: stakingTokenAbi,
      functionName: "transfer",
      args: [poolOwners, parseEther("1000")],
    });
    await publicClient.waitForTransactionReceipt({ hash });
    assert.deepEqual((await ownerOf(bob)).withdrawable, [{ token, amount: parseEther("3.4") }]);
    const info = await getOwnersInfo(publicClient, { poolOwners });
    assert.deepEqual(info.tokens, [{ token, distributed: 0n, accounted: 0n, undistributed: parseEther("1000") }]);

    assert.equal((await distributeOwnerEarnings(as(carol), { poolOwners, token })).amount, parseEther("1000"));
    assert.equal((await distributeOwnerEarnings(as(carol), { poolOwners, token })).amount, 0n, "nothing new");

    await refused(
      withdrawOwnerEarnings(as(alice), { poolOwners, token, amount: parseEther("1.5") }),
      `${alice} can withdraw 1 of token ${token}, not 1.5`,
    );
    assert.equal((await withdrawOwnerEarnings(as(alice), { poolOwners, token })).amount, parseEther("1"));
    await refused(
      withdrawOwnerEarnings(as(alice), { poolOwners, token }),
      `${alice} has nothing to withdraw of token ${token}`,
    );
    assert.equal(
      (await withdrawOwnerEarnings(as(creatorA), { poolOwners, token, amount: parseEther("600") })).amount,
      parseEther("600"),
    );
    assert.equal((await ownerOf(creatorA)).withdrawable[0]?.amount, parseEther("25"));
  });

  it("a share transferred earns for its new holder from then on; what it earned stays", async () => {
    const { poolOwners, token } = fixture;
    await transferShare(as(bob), { poolOwners, to: carol, share: parseEther("13.6") });
    assert.deepEqual([(await ownerOf(bob)).share, (await ownerOf(carol)).share], [0n, parseEther("13.6")]);
    assert.equal((await ownerOf(bob)).withdrawable[0]?.amount, parseEther("3.4"));
    assert.equal((await ownerOf(carol)).withdrawable[0]?.amount, 0n);
    await refused(
      transferShare(as(alice), { poolOwners, to: carol, share: parseEther("200") }),
      `${alice} holds 0.1% of the shares, cannot give up 5%`,
    );
    await refused(
      addOwnersToken(as(creatorA), { poolOwners, token }),
      `token ${token} is already listed for distribution among the owners`,
    );
  });

  it("locking ends the sale: the unallocated shares go to the contract owner, and nothing more is sold or granted", async () => {
    const { poolOwners } = fixture;
    await refused(lockShares(as(alice), { poolOwners }), `${alice} is not the owner of the contract`);
    const { unallocated } = await lockShares(as(creatorA), { poolOwners });
    assert.equal(unallocated, parseEther("982.4"));
    assert.equal((await ownerOf(creatorA)).share, parseEther("3482.4"));
    const info = await getOwnersInfo(fixture.publicClient, { poolOwners });
    assert.deepEqual([info.locked, info.unallocated], [true, 0n]);

    const locked = "the owners' shares are locked: the share sale is over and shares can no longer be sold or granted";
    await refused(contribute(as(carol), { poolOwners, value: parseEther("4") }), locked);
    await refused(setOwnerShare(as(creatorA), { poolOwners, owner: carol, granted: 0n }), locked);
    await refused(lockShares(as(creatorA), { poolOwners }), locked);
  });
});
