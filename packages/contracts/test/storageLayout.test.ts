// The storage-layout check (scripts/storage-layout.ts) on small registries compiled in-process by the pinned solc:
// appending to ERC-7201 namespaced storage passes, every other change to it fails naming the member.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import {
  checkStorageLayout,
  compareLayouts,
  erc7201Slot,
  formatSnapshot,
  isCheckedSource,
  namespacesOf,
  parseSnapshot,
  type SolcSources,
  type StorageLayout,
} from "../scripts/storage-layout.ts";

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string): string };

/** The members of the registry's structs and enum, as written in Solidity. */
type Registry = {
  id: string;
  storage: string[];
  pool: string[];
  config: string[];
  checkpoint: string[];
  limits: string[];
  status: string[];
  amount: string;
};

/** Storage shaped like PoolRegistry's, plus a struct stored by value mid-way, one last, and one in an array. */
const REGISTRY: Registry = {
  id: "poolnet.test.Registry",
  storage: [
    "mapping(address pool => Pool) pools",
    "address[] poolList",
    "mapping(address pool => mapping(address delegator => Delegation)) delegations",
    "Config config",
    "Checkpoint[] checkpoints",
    "uint256 totalStake",
    "Limits limits",
  ],
  pool: ["address operator", "uint96 totalStake", "uint32 commissionRate", "Status status"],
  config: ["uint32 rate", "uint64 period"],
  checkpoint: ["uint64 at", "uint192 value"],
  limits: ["uint96 maxStake"],
  status: ["Active", "Retired"],
  amount: "uint96",
};
const ROOT_PATH = "RegistryStorage";
const POOL_PATH = "RegistryStorage.pools → Pool";
const APPEND_HINT = "incompatible; append new members at the end";

function struct(name: string, members: string[]): string {
  return `    struct ${name} {\n${members.map((member) => `        ${member};\n`).join("")}    }`;
}

function registrySource(registry: Registry): string {
  return [
    "// SPDX-License-Identifier: MIT",
    "pragma solidity ^0.8.30;",
    `type Amount is ${registry.amount};`,
    "contract Registry {",
    `    enum Status { ${registry.status.join(", ")} }`,
    struct("Pool", registry.pool),
    struct("Delegation", ["Amount stake", "uint160 rewardPerStakePaid"]),
    struct("Config", registry.config),
    struct("Checkpoint", registry.checkpoint),
    struct("Limits", registry.limits),
    struct("Unstored", ["uint256 value"]),
    `    /// @custom:storage-location erc7201:${registry.id}`,
    struct("RegistryStorage", registry.storage),
    "}",
  ].join("\n");
}

/** Compiles `sources` (source unit name → Solidity) selecting only the AST, as Hardhat's build also does. */
function compile(sources: Record<string, string>): SolcSources {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: { outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    sources: SolcSources;
    errors?: { severity: string; formattedMessage: string }[];
  };
  const errors = (output.errors ?? []).filter(({ severity }) => severity === "error");
  if (errors.length > 0) throw new Error(errors.map(({ formattedMessage }) => formattedMessage).join("\n"));
  return output.sources;
}

/** The namespaced storage of the registry with `changes`. */
function layoutOf(changes: Partial<Registry> = {}): StorageLayout {
  const source = registrySource({ ...REGISTRY, ...changes });
  return namespacesOf([{ sources: compile({ "project/contracts/Registry.sol": source }) }]);
}

const BASE = layoutOf();

/** The `i`th member of a struct of BASE as the check prints it: `"<type> <name>"`. */
function memberOf(struct: string, i: number): string {
  const [name, type] = Object.entries(BASE[REGISTRY.id]!.structs[struct]!)[i]!;
  return `${type} ${name}`;
}

describe("storage layout", () => {
  describe("reading the AST", () => {
    it("computes ERC-7201's slot: OpenZeppelin's own namespaces", () => {
      // OwnableStorageLocation and ReentrancyGuardStorageLocation in @openzeppelin/contracts-upgradeable 5.4
      assert.equal(
        erc7201Slot("openzeppelin.storage.Ownable"),
        "0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300",
      );
      assert.equal(
        erc7201Slot("openzeppelin.storage.ReentrancyGuard"),
        "0x9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00",
      );
    });

    it("reads the namespace struct and every struct, enum and value type reachable from it, in order", () => {
      const expected: StorageLayout = {
        "poolnet.test.Registry": {
          slot: erc7201Slot("poolnet.test.Registry"),
          source: "contracts/Registry.sol",
          struct: "Registry.RegistryStorage",
          structs: {
            "Registry.RegistryStorage": {
              pools: "mapping(address => struct Registry.Pool)",
              poolList: "address[]",
              delegations: "mapping(address => mapping(address => struct Registry.Delegation))",
              config: "struct Registry.Config",
              checkpoints: "struct Registry.Checkpoint[]",
              totalStake: "uint256",
              limits: "struct Registry.Limits",
            },
            "Registry.Pool": {
              operator: "address",
              totalStake: "uint96",
              commissionRate: "uint32",
              status: "enum Registry.Status",
            },
            "Registry.Delegation": { stake: "Amount", rewardPerStakePaid: "uint160" },
            "Registry.Config": { rate: "uint32", period: "uint64" },
            "Registry.Checkpoint": { at: "uint64", value: "uint192" },
            "Registry.Limits": { maxStake: "uint96" },
          },
          enums: { "Registry.Status": { Active: 0, Retired: 1 } },
          valueTypes: { Amount: "uint96" },
        },
      };
      assert.deepEqual(BASE, expected);
      // deepEqual ignores key order, which is the members' order
      assert.equal(JSON.stringify(BASE), JSON.stringify(expected));
    });

    it("reads only this project's contracts: not dependencies, tests or contracts/testing", () => {
      const annotated = (id: string) =>
        `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.30;\ncontract C {\n` +
        `    /// @custom:storage-location erc7201:${id}\n${struct("S", ["uint256 value"])}\n}`;
      const sources = compile({
        "project/contracts/staking/Registry.sol": annotated("project"),
        "project/contracts/testing/Mock.sol": annotated("mock"),
        "project/contracts/staking/Registry.t.sol": annotated("test"),
        "npm/@openzeppelin/contracts-upgradeable@5.4.0/access/OwnableUpgradeable.sol": annotated("dependency"),
      });
      assert.deepEqual(Object.keys(namespacesOf([{ sources }])), ["project"]);
      assert.equal(isCheckedSource("project/contracts/staking/PoolRegistry.sol"), true);
      assert.equal(isCheckedSource("project/contracts/testing/StakingFixture.sol"), false);
      assert.equal(isCheckedSource("project/contracts/staking/PoolRegistry.t.sol"), false);
      assert.equal(isCheckedSource("npm/@openzeppelin/contracts@5.4.0/access/Ownable.sol"), false);
    });

    it("reads only a compilation's roots and what they import, not stale copies of other sources", () => {
      const header = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.30;\n";
      const sources = compile({
        "project/contracts/Stale.sol": `${header}contract Stale {\n    /// @custom:storage-location erc7201:stale\n${struct("S", ["uint256 value"])}\n}`,
        "project/contracts/Storage.sol": `${header}/// @custom:storage-location erc7201:imported\n${struct("S", ["uint256 value"]).trim()}`,
        "project/contracts/Root.sol": `${header}import {S} from "./Storage.sol";\ncontract Root {}`,
      });
      assert.deepEqual(Object.keys(namespacesOf([{ sources, roots: ["project/contracts/Root.sol"] }])), ["imported"]);
    });

    it("rejects one namespace id declared by two structs", () => {
      const sources = compile({
        "project/contracts/A.sol": registrySource(REGISTRY),
        "project/contracts/B.sol": registrySource(REGISTRY).replace("contract Registry", "contract Other"),
      });
      assert.throws(() => namespacesOf([{ sources }]), {
        message:
          'namespace "poolnet.test.Registry" is declared twice: by Registry.RegistryStorage (contracts/A.sol) and ' +
          "Other.RegistryStorage (contracts/B.sol)",
      });
    });
  });

  describe("comparing with the snapshot", () => {
    it("accepts an identical layout, with nothing new", () => {
      assert.deepEqual(compareLayouts(BASE, layoutOf()), { problems: [], additions: [] });
    });

    it("accepts a member appended to the namespace struct, reported as new", () => {
      const current = layoutOf({ storage: [...REGISTRY.storage, "uint64 epoch"] });
      assert.deepEqual(compareLayouts(BASE, current), {
        problems: [],
        additions: [`${ROOT_PATH}: new members "uint64 epoch"`],
      });
    });

    it("accepts members appended to a struct behind a mapping, reported as new", () => {
      const current = layoutOf({ pool: [...REGISTRY.pool, "uint96 pendingStake", "bool retired"] });
      assert.deepEqual(compareLayouts(BASE, current), {
        problems: [],
        additions: [`${POOL_PATH}: new members "uint96 pendingStake", "bool retired"`],
      });
    });

    it("accepts a struct stored by value growing as the namespace struct's last member", () => {
      const current = layoutOf({ limits: [...REGISTRY.limits, "uint32 cooldown"] });
      assert.deepEqual(compareLayouts(BASE, current), {
        problems: [],
        additions: [`${ROOT_PATH}.limits → Limits: new members "uint32 cooldown"`],
      });
    });

    const INCOMPATIBLE = [
      {
        change: "reordered",
        edit: (members: string[]) => [members[0]!, members[2]!, members[1]!, ...members.slice(3)],
        isNow: (struct: string) => memberOf(struct, 2),
        why: (name: string) => `"${name}" moved to member 3; `,
      },
      {
        change: "retyped",
        edit: (members: string[]) => [members[0]!, members[1]!.replace(/^\S+/, "uint8"), ...members.slice(2)],
        isNow: (struct: string) => memberOf(struct, 1).replace(/^\S+/, "uint8"),
        why: () => "",
      },
      {
        change: "deleted",
        edit: (members: string[]) => [members[0]!, ...members.slice(2)],
        isNow: (struct: string) => memberOf(struct, 2),
        why: (name: string) => `"${name}" was deleted or renamed; `,
      },
      {
        change: "renamed",
        edit: (members: string[]) => [members[0]!, `${members[1]}Renamed`, ...members.slice(2)],
        isNow: (struct: string) => `${memberOf(struct, 1)}Renamed`,
        why: (name: string) => `"${name}" was deleted or renamed; `,
      },
      {
        change: "inserted in the middle",
        edit: (members: string[]) => [members[0]!, "uint256 inserted", ...members.slice(1)],
        isNow: () => "uint256 inserted",
        why: (name: string) => `"${name}" moved to member 3; `,
      },
    ];
    const STRUCTS = [
      { key: "storage", struct: "Registry.RegistryStorage", path: ROOT_PATH, member: "poolList" },
      { key: "pool", struct: "Registry.Pool", path: POOL_PATH, member: "totalStake" },
    ] as const;
    for (const { key, struct, path, member } of STRUCTS) {
      for (const { change, edit, isNow, why } of INCOMPATIBLE) {
        it(`rejects ${path}.${member} ${change}, naming the member`, () => {
          const current = layoutOf({ [key]: edit(REGISTRY[key]) });
          assert.deepEqual(compareLayouts(BASE, current).problems, [
            `${path}: member 2 was "${memberOf(struct, 1)}", is now "${isNow(struct)}" (${why(member)}${APPEND_HINT})`,
          ]);
        });
      }
    }

    it("rejects the namespace struct's last member deleted", () => {
      const current = layoutOf({ storage: REGISTRY.storage.slice(0, -1) });
      assert.deepEqual(compareLayouts(BASE, current).problems, [
        `${ROOT_PATH}: member 7 was "struct Registry.Limits limits", is gone (${APPEND_HINT})`,
      ]);
    });

    it("rejects a changed namespace id, which moves the state", () => {
      const current = layoutOf({ id: "poolnet.test.RegistryV2" });
      assert.deepEqual(compareLayouts(BASE, current), {
        problems: [
          `${ROOT_PATH}: namespace id changed from "poolnet.test.Registry" to "poolnet.test.RegistryV2", which moves ` +
            `its state from ${erc7201Slot("poolnet.test.Registry")} to ${erc7201Slot("poolnet.test.RegistryV2")} ` +
            "(incompatible; keep the id)",
        ],
        additions: [
          `new namespace "poolnet.test.RegistryV2" (Registry.RegistryStorage) at ${erc7201Slot("poolnet.test.RegistryV2")}`,
        ],
      });
    });

    it("rejects a namespace that disappeared", () => {
      assert.deepEqual(compareLayouts(BASE, {}).problems, [
        `namespace "poolnet.test.Registry" (Registry.RegistryStorage in contracts/Registry.sol) disappeared: a ` +
          `deployed proxy's state at ${erc7201Slot("poolnet.test.Registry")} would be abandoned (incompatible)`,
      ]);
    });

    it("rejects a struct stored by value before other members growing", () => {
      const current = layoutOf({ config: [...REGISTRY.config, "uint8 flags"] });
      assert.deepEqual(compareLayouts(BASE, current).problems, [
        `${ROOT_PATH}.config → Config: grew by "uint8 flags", but it is stored by value in RegistryStorage.config, ` +
          "which is not the last member: growing it shifts what follows (incompatible)",
      ]);
    });

    it("rejects the last struct stored by value growing while a member is appended after it", () => {
      const current = layoutOf({
        limits: [...REGISTRY.limits, "uint32 cooldown"],
        storage: [...REGISTRY.storage, "uint64 epoch"],
      });
      assert.deepEqual(compareLayouts(BASE, current).problems, [
        `${ROOT_PATH}.limits → Limits: grew by "uint32 cooldown", but it is stored by value in ` +
          "RegistryStorage.limits, which is not the last member: growing it shifts what follows (incompatible)",
      ]);
    });

    it("rejects a struct stored in an array growing", () => {
      const current = layoutOf({ checkpoint: [...REGISTRY.checkpoint, "uint64 until"] });
      assert.deepEqual(compareLayouts(BASE, current).problems, [
        `${ROOT_PATH}.checkpoints → Checkpoint: grew by "uint64 until", but it is stored in an array ` +
          "(RegistryStorage.checkpoints), whose elements lie back to back: growing it shifts what follows (incompatible)",
      ]);
    });

    it("rejects a user-defined value type whose underlying type changed", () => {
      assert.deepEqual(compareLayouts(BASE, layoutOf({ amount: "uint128" })).problems, [
        "type Amount: was uint96, is now uint128 (incompatible: stored values would be misread)",
      ]);
    });

    it("accepts an enum value appended and rejects one inserted before another", () => {
      assert.deepEqual(compareLayouts(BASE, layoutOf({ status: ["Active", "Retired", "Paused"] })), {
        problems: [],
        additions: ["enum Registry.Status: new values Paused"],
      });
      assert.deepEqual(compareLayouts(BASE, layoutOf({ status: ["Active", "Paused", "Retired"] })).problems, [
        'enum Registry.Status: value 2 was "Retired", is now "Paused" (incompatible: stored values would change ' +
          "meaning; append new values at the end)",
      ]);
    });
  });

  describe("the build's check", () => {
    const CHECK = { update: false, force: false };
    const UPDATE = { update: true, force: false };
    const FORCE = { update: true, force: true };
    const appended = layoutOf({ pool: [...REGISTRY.pool, "uint96 pendingStake"] });
    const incompatible = layoutOf({ pool: REGISTRY.pool.slice(1) });

    it("passes without namespaced storage or a snapshot, writing nothing", () => {
      for (const options of [CHECK, UPDATE]) {
        assert.deepEqual(checkStorageLayout({}, undefined, options), {
          ok: true,
          lines: ["no namespaced storage found (no struct documented @custom:storage-location erc7201:…)"],
        });
      }
    });

    it("passes the first namespace with a warning until --update writes the snapshot", () => {
      const result = checkStorageLayout(BASE, undefined, CHECK);
      assert.equal(result.ok, true);
      assert.equal(result.write, undefined);
      assert.match(result.lines.at(-1)!, /^warning: there is no storage-layout.json yet, so nothing is checked/);
      assert.deepEqual(checkStorageLayout(BASE, undefined, UPDATE).write, BASE);
    });

    it("passes an unchanged layout, writing nothing even with --update", () => {
      assert.deepEqual(checkStorageLayout(BASE, BASE, UPDATE), {
        ok: true,
        lines: [`unchanged: "poolnet.test.Registry" at ${erc7201Slot("poolnet.test.Registry")}`],
      });
    });

    it("passes a compatible append with a warning; --update writes it", () => {
      const result = checkStorageLayout(appended, BASE, CHECK);
      assert.equal(result.ok, true);
      assert.equal(result.write, undefined);
      assert.equal(result.lines[0], `${POOL_PATH}: new members "uint96 pendingStake"`);
      assert.match(result.lines[1]!, /^warning: compatible, but not in storage-layout.json yet/);
      assert.deepEqual(checkStorageLayout(appended, BASE, UPDATE).write, appended);
    });

    it("fails an incompatible change, --update refuses it, --update --force writes it with a warning", () => {
      const problem = `${POOL_PATH}: member 1 was "address operator", is now "uint96 totalStake"`;
      const checked = checkStorageLayout(incompatible, BASE, CHECK);
      assert.equal(checked.ok, false);
      assert.equal(checked.write, undefined);
      assert.ok(checked.lines[0]!.startsWith(problem));
      assert.match(checked.lines[1]!, /`--update` records only that/);

      const updated = checkStorageLayout(incompatible, BASE, UPDATE);
      assert.equal(updated.ok, false);
      assert.equal(updated.write, undefined);
      assert.match(updated.lines[1]!, /^refusing to --update storage-layout.json/);

      const forced = checkStorageLayout(incompatible, BASE, FORCE);
      assert.equal(forced.ok, true);
      assert.deepEqual(forced.write, incompatible);
      assert.match(forced.lines[0]!, /WARNING: --force wrote an INCOMPATIBLE layout/);
      assert.ok(forced.lines[1]!.startsWith(problem));
    });

    it("writes a snapshot that reads back with its members in order", () => {
      const text = formatSnapshot(BASE);
      assert.equal(JSON.stringify(parseSnapshot(text)), JSON.stringify(BASE));
    });
  });
});
