// How commands print: aligned fields and tables for people, JSON (amounts in wei, as strings) for machines.
import type { Command } from "commander";
import { globalOptions } from "./context.ts";

/** JSON with bigints as decimal strings, so amounts keep every wei. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item), 2));
}

/** `label  value` lines with the values aligned. */
export function printFields(fields: readonly (readonly [string, string])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) console.log(`${label.padEnd(width)}  ${value}`);
}

/** A table with a header row; columns are as wide as their widest cell. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
}

/** What a transaction did, one line, then its hash; or the action's result as JSON with --json. */
export function printDone(command: Command, result: { transactionHash: string }, line: string): void {
  if (globalOptions(command).json) return printJson(result);
  console.log(line);
  console.log(`transaction ${result.transactionHash}`);
}
