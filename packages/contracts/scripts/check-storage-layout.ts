// Fails the build when a change to the contracts' ERC-7201 namespaced storage would corrupt an upgraded proxy's state.
// Run by `npm run build -w @poolnet/contracts` after `hardhat build`, against storage-layout.json:
// `--update` records a compatible layout there, `--update --force` an incompatible one.
import { readdir, readFile, writeFile } from "node:fs/promises";
import {
  SNAPSHOT_FILE,
  checkStorageLayout,
  formatSnapshot,
  namespacesOf,
  parseSnapshot,
  type SolcSources,
  type StorageLayout,
} from "./storage-layout.ts";

const FLAGS = ["--update", "--force"];

const root = new URL("../", import.meta.url);
const buildInfo = new URL("artifacts/build-info/", root);
const snapshotFile = new URL(SNAPSHOT_FILE, root);

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !FLAGS.includes(arg));
if (unknown.length > 0 || (args.includes("--force") && !args.includes("--update"))) {
  console.error(`usage: node scripts/check-storage-layout.ts [--update [--force]] (got ${args.join(" ")})`);
  process.exit(2);
}

// Each source's artifacts name the build info that compiled its current version; older build infos may hold stale
// copies of it, so only the sources whose artifacts point at a build info are read from it (with their imports).
const artifactFiles = await readdir(new URL("artifacts/contracts/", root), { recursive: true }).catch(
  (error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  },
);
const rootsByBuildInfo = new Map<string, Set<string>>();
for (const file of artifactFiles.filter((name) => name.endsWith(".json"))) {
  const { inputSourceName, buildInfoId } = JSON.parse(
    await readFile(new URL(`artifacts/contracts/${file}`, root), "utf8"),
  ) as { inputSourceName: string; buildInfoId: string };
  rootsByBuildInfo.set(buildInfoId, (rootsByBuildInfo.get(buildInfoId) ?? new Set()).add(inputSourceName));
}
if (rootsByBuildInfo.size === 0) {
  console.error("storage layout: no artifacts in artifacts/contracts: run `hardhat build` first");
  process.exit(1);
}
const compilations = await Promise.all(
  [...rootsByBuildInfo].map(async ([buildInfoId, roots]) => {
    const { output } = JSON.parse(await readFile(new URL(`${buildInfoId}.output.json`, buildInfo), "utf8")) as {
      output: { sources: SolcSources };
    };
    return { sources: output.sources, roots: [...roots] };
  }),
);

let snapshot: StorageLayout | undefined;
try {
  snapshot = parseSnapshot(await readFile(snapshotFile, "utf8"));
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}

const result = checkStorageLayout(namespacesOf(compilations), snapshot, {
  update: args.includes("--update"),
  force: args.includes("--force"),
});
if (result.write !== undefined) await writeFile(snapshotFile, formatSnapshot(result.write));
for (const line of result.lines) (result.ok ? console.log : console.error)(`storage layout: ${line}`);
process.exitCode = result.ok ? 0 : 1;
