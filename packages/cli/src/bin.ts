#!/usr/bin/env node
// `poolnet`: the command line of the poolnet staking network.
import { run } from "./program.ts";

await run(process.argv);
