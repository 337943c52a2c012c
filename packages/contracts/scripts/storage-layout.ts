// The contracts' ERC-7201 namespaced storage read from solc's AST, and the rule that keeps it upgrade-safe: members
// are only ever appended. Pure functions; scripts/check-storage-layout.ts reads the build info and the snapshot.
import { encodeAbiParameters, keccak256, toHex, type Hex } from "viem";

/** One namespace: where it lives and every type stored in it. */
export type NamespaceLayout = {
  /** ERC-7201's `keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))`. */
  slot: Hex;
  /** The source declaring the namespace struct, e.g. `contracts/staking/PoolRegistry.sol`. */
  source: string;
  /** The namespace struct's canonical name, e.g. `PoolRegistry.PoolRegistryStorage`. */
  struct: string;
  /**
   * The namespace struct and every struct reachable from it, by canonical name: member name → solc's type string, in
   * declaration order. An object rather than a list so that the snapshot reads like the Solidity, a member a line.
   */
  structs: Record<string, Record<string, string>>;
  /** Reachable enums: value → ordinal, in declaration order (the ordinal is what is stored). */
  enums: Record<string, Record<string, number>>;
  /** Reachable user-defined value types → underlying type, which their type string does not show. */
  valueTypes: Record<string, string>;
};

/** Every namespace of the contracts, by ERC-7201 id: what storage-layout.json holds. */
export type StorageLayout = Record<string, NamespaceLayout>;

/** The `sources` of a solc standard-JSON output selecting `ast`: source unit name → its AST. */
export type SolcSources = Record<string, { ast: unknown }>;

/** The fields of solc's AST nodes read here. */
type AstNode = {
  id: number;
  nodeType: string;
  name?: string;
  canonicalName?: string;
  documentation?: { text: string } | null;
  members?: AstNode[];
  typeDescriptions?: { typeString: string };
  typeName?: AstNode;
  referencedDeclaration?: number;
  underlyingType?: AstNode;
  absolutePath?: string;
};

export const SNAPSHOT_FILE = "storage-layout.json";
const UPDATE = "node scripts/check-storage-layout.ts --update";
const APPEND_HINT = "incompatible; append new members at the end";

/** ERC-7201's storage slot of the namespace `id`. */
export function erc7201Slot(id: string): Hex {
  const preimage = BigInt(keccak256(toHex(id))) - 1n;
  // ERC-7201 clears the low byte so that a namespace starts a group of 256 slots (Verkle trees store them together)
  return toHex(BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }], [preimage]))) & ~0xffn, { size: 32 });
}

/** Whether a build-info source is one of this project's contracts: not a dependency, a test or a test helper. */
export function isCheckedSource(sourceName: string): boolean {
  const path = sourceName.replace(/^project\//, "");
  return path.startsWith("contracts/") && !path.startsWith("contracts/testing/") && !path.endsWith(".t.sol");
}

/**
 * One solc compilation: its `sources`, and the `roots` whose current version it holds (Hardhat recompiles only what
 * changed, so an older build-info file may also hold stale copies of sources compiled since). A root's imports were
 * compiled with it, so they are current too. Without `roots`, every source is.
 */
export type Compilation = { sources: SolcSources; roots?: string[] };

/**
 * The namespaces declared (by a struct documented `@custom:storage-location erc7201:<id>`) in the checked, current
 * sources of the compilations. A source in more than one compilation counts once.
 */
export function namespacesOf(compilations: Compilation[], isChecked = isCheckedSource): StorageLayout {
  const layout: StorageLayout = {};
  for (const { sources, roots = Object.keys(sources) } of compilations) {
    const declarations = new Map<number, AstNode>();
    for (const { ast } of Object.values(sources)) for (const node of astNodes(ast)) declarations.set(node.id, node);
    for (const sourceName of importClosure(sources, roots)) {
      if (!isChecked(sourceName)) continue;
      for (const node of astNodes(sources[sourceName]!.ast)) {
        if (node.nodeType !== "StructDefinition") continue;
        const location = /@custom:storage-location\s+(\S+)/.exec(node.documentation?.text ?? "")?.[1];
        if (location === undefined) continue;
        if (!location.startsWith("erc7201:")) {
          throw new Error(`${node.canonicalName}: storage location "${location}" is not ERC-7201's, the one checked`);
        }
        const id = location.slice("erc7201:".length);
        const source = sourceName.replace(/^project\//, "");
        const namespace = { slot: erc7201Slot(id), source, ...reachedFrom(node, declarations) };
        const seen = layout[id];
        if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(namespace)) {
          throw new Error(
            seen.struct === namespace.struct && seen.source === namespace.source
              ? `${namespace.struct} differs between two compilations: run \`hardhat clean && hardhat build\``
              : `namespace "${id}" is declared twice: by ${seen.struct} (${seen.source}) and ${namespace.struct} ` +
                  `(${namespace.source})`,
          );
        }
        layout[id] = namespace;
      }
    }
  }
  return layout;
}

/** `roots` and every source they import, directly or not. */
function importClosure(sources: SolcSources, roots: string[]): Set<string> {
  const closure = new Set(roots);
  for (const sourceName of closure) {
    for (const node of astNodes(sources[sourceName]?.ast)) {
      if (node.nodeType === "ImportDirective") closure.add(node.absolutePath!);
    }
  }
  return closure;
}

/** The namespace struct `root` and every struct, enum and value type reachable from it. */
function reachedFrom(root: AstNode, declarations: Map<number, AstNode>): Omit<NamespaceLayout, "slot" | "source"> {
  const reached: Omit<NamespaceLayout, "slot" | "source"> = {
    struct: root.canonicalName!,
    structs: {},
    enums: {},
    valueTypes: {},
  };
  const visit = (struct: AstNode): void => {
    if (Object.hasOwn(reached.structs, struct.canonicalName!)) return; // a struct may reach itself via a mapping
    const members = struct.members!;
    reached.structs[struct.canonicalName!] = Object.fromEntries(
      members.map((member) => [member.name!, member.typeDescriptions!.typeString]),
    );
    for (const member of members) {
      for (const node of astNodes(member.typeName)) {
        if (node.nodeType !== "UserDefinedTypeName") continue;
        const declaration = declarations.get(node.referencedDeclaration!)!;
        const name = declaration.canonicalName!;
        if (declaration.nodeType === "StructDefinition") visit(declaration);
        else if (declaration.nodeType === "EnumDefinition") {
          reached.enums[name] = Object.fromEntries(declaration.members!.map((value, i) => [value.name!, i]));
        } else if (declaration.nodeType === "UserDefinedValueTypeDefinition") {
          reached.valueTypes[name] = declaration.underlyingType!.typeDescriptions!.typeString;
        }
      }
    }
  };
  visit(root);
  return reached;
}

/** Every AST node in `value`, depth first; not inside function types, whose parameters are not stored. */
function* astNodes(value: unknown): Generator<AstNode> {
  if (value === null || typeof value !== "object") return;
  const node = value as Partial<AstNode>;
  if (node.nodeType === "FunctionTypeName") return;
  if (typeof node.nodeType === "string") yield node as AstNode;
  for (const inner of Object.values(value)) yield* astNodes(inner);
}

/** What changed between the snapshot and the current layout, one readable line each. */
export type Comparison = {
  /** Changes that would make a deployed proxy misread its state after an upgrade. */
  problems: string[];
  /** Compatible changes not yet in the snapshot: appended members and enum values, new namespaces. */
  additions: string[];
};

/**
 * Compares every namespace of the snapshot with the current one. A namespace keeps its id (the id is the slot); for its
 * struct and every struct reachable from it the snapshot's members are a prefix of the current ones (same names,
 * types and order), so a deployed proxy's state stays where the new code looks for it.
 */
export function compareLayouts(snapshot: StorageLayout, current: StorageLayout): Comparison {
  const comparison: Comparison = { problems: [], additions: [] };
  for (const [id, before] of Object.entries(snapshot)) {
    const after = current[id];
    if (after !== undefined) {
      compareNamespace(before, after, comparison);
      continue;
    }
    const renamed = Object.entries(current).find(([, namespace]) => namespace.struct === before.struct);
    comparison.problems.push(
      renamed === undefined
        ? `namespace "${id}" (${before.struct} in ${before.source}) disappeared: a deployed proxy's state at ` +
            `${before.slot} would be abandoned (incompatible)`
        : `${shortName(before.struct)}: namespace id changed from "${id}" to "${renamed[0]}", which moves its state ` +
            `from ${before.slot} to ${renamed[1].slot} (incompatible; keep the id)`,
    );
  }
  for (const [id, after] of Object.entries(current)) {
    if (!Object.hasOwn(snapshot, id))
      comparison.additions.push(`new namespace "${id}" (${after.struct}) at ${after.slot}`);
  }
  return comparison;
}

function compareNamespace(before: NamespaceLayout, after: NamespaceLayout, { problems, additions }: Comparison) {
  const paths = structPaths(after);
  const fixedSize = fixedSizeStructs(after);
  // the namespace struct is compared by its role, so renaming it is harmless
  const pairs = [[after.struct, before.structs[before.struct]!, after.structs[after.struct]!] as const];
  for (const [name, members] of Object.entries(before.structs)) {
    // a struct no longer reached was reached through a member whose type changed, reported on that member
    if (name !== before.struct && Object.hasOwn(after.structs, name)) pairs.push([name, members, after.structs[name]!]);
  }
  for (const [name, was, now] of pairs) {
    const path = paths.get(name)!;
    const wasMembers = Object.entries(was);
    const nowMembers = Object.entries(now);
    const index = wasMembers.findIndex(
      ([member, type], i) => nowMembers[i]?.[0] !== member || nowMembers[i][1] !== type,
    );
    if (index !== -1) {
      const [member, type] = wasMembers[index]!;
      const replacement = nowMembers[index];
      const moved = nowMembers.findIndex(([other]) => other === member);
      const what =
        replacement === undefined || replacement[0] === member
          ? ""
          : moved === -1
            ? `"${member}" was deleted or renamed; `
            : `"${member}" moved to member ${moved + 1}; `;
      const is = replacement === undefined ? "is gone" : `is now "${replacement[1]} ${replacement[0]}"`;
      problems.push(`${path}: member ${index + 1} was "${type} ${member}", ${is} (${what}${APPEND_HINT})`);
      continue;
    }
    const appended = nowMembers
      .slice(wasMembers.length)
      .map(([member, type]) => `"${type} ${member}"`)
      .join(", ");
    if (appended === "") continue;
    const reason = fixedSize.get(name);
    if (reason === undefined) additions.push(`${path}: new members ${appended}`);
    else problems.push(`${path}: grew by ${appended}, but ${reason}: growing it shifts what follows (incompatible)`);
  }
  for (const [name, was] of Object.entries(before.enums)) {
    if (!Object.hasOwn(after.enums, name)) continue;
    const wasValues = Object.keys(was);
    const nowValues = Object.keys(after.enums[name]!);
    const index = wasValues.findIndex((value, i) => nowValues[i] !== value);
    if (index !== -1) {
      const is = nowValues[index] === undefined ? "is gone" : `is now "${nowValues[index]}"`;
      problems.push(
        `enum ${name}: value ${index + 1} was "${wasValues[index]}", ${is} (incompatible: stored values would ` +
          `change meaning; append new values at the end)`,
      );
    } else if (nowValues.length > wasValues.length) {
      additions.push(`enum ${name}: new values ${nowValues.slice(wasValues.length).join(", ")}`);
    }
  }
  for (const [name, was] of Object.entries(before.valueTypes)) {
    const now = after.valueTypes[name];
    if (now !== undefined && now !== was) {
      problems.push(`type ${name}: was ${was}, is now ${now} (incompatible: stored values would be misread)`);
    }
  }
}

/** How each struct of a namespace is first reached, for messages: `PoolRegistryStorage.pools → Pool`. */
function structPaths(namespace: NamespaceLayout): Map<string, string> {
  const paths = new Map([[namespace.struct, shortName(namespace.struct)]]);
  const queue = [namespace.struct];
  for (const parent of queue) {
    for (const [member, type] of Object.entries(namespace.structs[parent] ?? {})) {
      for (const { struct } of structsIn(type)) {
        if (paths.has(struct)) continue;
        paths.set(struct, `${paths.get(parent)}.${member} → ${shortName(struct)}`);
        queue.push(struct);
      }
    }
  }
  return paths;
}

/**
 * The structs of a namespace that may not grow, each with the reason. Appending a member makes a struct take more
 * slots. Behind a mapping that is harmless: every key's value starts at its own hashed slot. Stored by value, the
 * struct is followed by the next members of the struct holding it, which would move onto its new member's slot; so it
 * may grow only as the last member of a struct that may itself grow (the namespace struct may: nothing follows it).
 * Array elements lie back to back, so a struct in an array may never grow: element 1 would move into element 0.
 */
function fixedSizeStructs(namespace: NamespaceLayout): Map<string, string> {
  const holders = new Map<
    string,
    { where: string; parent: string; last: boolean; kind: "mapping" | "array" | "value" }[]
  >();
  for (const [parent, members] of Object.entries(namespace.structs)) {
    const entries = Object.entries(members);
    entries.forEach(([member, type], index) => {
      for (const { struct, kind } of structsIn(type)) {
        const where = `${shortName(parent)}.${member}`;
        holders.set(struct, [
          ...(holders.get(struct) ?? []),
          { where, parent, last: index === entries.length - 1, kind },
        ]);
      }
    });
  }
  const reasons = new Map<string, string | undefined>();
  const reasonFor = (struct: string): string | undefined => {
    if (struct === namespace.struct) return undefined;
    if (!reasons.has(struct)) {
      // Solidity rejects a struct holding itself by value, so this recursion ends
      const reason = holders.get(struct)?.flatMap(({ where, parent, last, kind }) => {
        if (kind === "array") return [`it is stored in an array (${where}), whose elements lie back to back`];
        if (kind === "value" && !last) return [`it is stored by value in ${where}, which is not the last member`];
        if (kind === "value" && reasonFor(parent) !== undefined) {
          return [`it is stored by value in ${where}, and ${shortName(parent)} may not grow either`];
        }
        return [];
      })[0];
      reasons.set(struct, reason);
    }
    return reasons.get(struct);
  };
  const fixedSize = new Map<string, string>();
  for (const struct of Object.keys(namespace.structs)) {
    const reason = reasonFor(struct);
    if (reason !== undefined) fixedSize.set(struct, reason);
  }
  return fixedSize;
}

/**
 * The structs a type string names and what holds each. Mapping keys cannot be structs, so a struct is either the
 * whole type (by value), followed by `[` (an array's element), or else a mapping's value.
 */
function structsIn(type: string): { struct: string; kind: "mapping" | "array" | "value" }[] {
  return [...type.matchAll(/struct ([\w$.]+)(\[)?/g)].map((match) => ({
    struct: match[1]!,
    kind: match[2] !== undefined ? "array" : match.index === 0 ? "value" : "mapping",
  }));
}

/** `PoolRegistry.Pool` → `Pool`. */
function shortName(canonicalName: string): string {
  return canonicalName.slice(canonicalName.lastIndexOf(".") + 1);
}

export type CheckOptions = {
  /** Write the current layout to the snapshot when it is compatible (`--update`). */
  update: boolean;
  /** With `update`, write it even when it is not (`--force`). */
  force: boolean;
};

export type CheckResult = {
  /** Whether the build may go on. */
  ok: boolean;
  /** What to tell the developer, one line each. */
  lines: string[];
  /** The layout to write to the snapshot, if any. */
  write?: StorageLayout;
};

/**
 * The check run on every build. An incompatible change fails it. A compatible one (appended members, a new namespace,
 * the first one before there is a snapshot) passes with a warning until `--update` records it: the snapshot changes
 * only in a commit someone reviewed, never behind the developer's back.
 */
export function checkStorageLayout(
  current: StorageLayout,
  snapshot: StorageLayout | undefined,
  { update, force }: CheckOptions,
): CheckResult {
  if (snapshot === undefined && Object.keys(current).length === 0) {
    return {
      ok: true,
      lines: ["no namespaced storage found (no struct documented @custom:storage-location erc7201:…)"],
    };
  }
  const { problems, additions } = compareLayouts(snapshot ?? {}, current);
  if (problems.length > 0 && !update) {
    return {
      ok: false,
      lines: [
        ...problems,
        "keep every member where it is and append new ones at the end; `--update` records only that",
      ],
    };
  }
  if (problems.length > 0 && !force) {
    return {
      ok: false,
      lines: [
        ...problems,
        `refusing to --update ${SNAPSHOT_FILE} with an incompatible layout (--force would, for storage no deployed ` +
          "proxy uses)",
      ],
    };
  }
  if (problems.length > 0) {
    return {
      ok: true,
      write: current,
      lines: [
        `!!! WARNING: --force wrote an INCOMPATIBLE layout to ${SNAPSHOT_FILE}. A deployed proxy upgraded to this ` +
          "code would misread its state: never upgrade one that uses the old layout. !!!",
        ...problems,
      ],
    };
  }
  if (JSON.stringify(snapshot) === JSON.stringify(current)) {
    const namespaces = Object.entries(current).map(([id, { slot }]) => `"${id}" at ${slot}`);
    return { ok: true, lines: [`unchanged: ${namespaces.join(", ") || "no namespaces"}`] };
  }
  if (update) {
    return { ok: true, write: current, lines: [...additions, `wrote ${SNAPSHOT_FILE}: commit it with the change`] };
  }
  const warning =
    snapshot === undefined
      ? `warning: there is no ${SNAPSHOT_FILE} yet, so nothing is checked: run \`${UPDATE}\` and commit it before ` +
        "the first deployment"
      : `warning: compatible, but not in ${SNAPSHOT_FILE} yet: run \`${UPDATE}\` and commit it, or a later change ` +
        "to these is not checked";
  return { ok: true, lines: [...additions, warning] };
}

/** The snapshot file's text; JSON.stringify's layout is also Prettier's, since the layout holds no arrays. */
export function formatSnapshot(layout: StorageLayout): string {
  const $comment =
    "ERC-7201 namespaced storage of the contracts, checked on every build by scripts/check-storage-layout.ts: " +
    "members may only be appended. Written by `" +
    UPDATE +
    "`, not by hand.";
  return `${JSON.stringify({ $comment, namespaces: layout }, null, 2)}\n`;
}

export function parseSnapshot(text: string): StorageLayout {
  const { namespaces } = JSON.parse(text) as { namespaces?: StorageLayout };
  if (namespaces === undefined || typeof namespaces !== "object") throw new Error(`${SNAPSHOT_FILE} has no namespaces`);
  return namespaces;
}
