// The public API of @poolnet/keeper: the service, its configuration, its jobs and its state file. index.test.ts
// snapshots the names exported here, so a change shows in review.
export { defaultKeeperConfig, resolveKeeperConfig, type KeeperConfig, type KeeperConfigInput } from "./config.ts";
export {
  createKeeper,
  keeperJobs,
  type JobStatus,
  type Keeper,
  type KeeperParameters,
  type KeeperStatus,
  type RunReport,
} from "./keeper.ts";
export type { Job, JobContext, JobReport } from "./jobs/job.ts";
export {
  KeeperStateCorruptError,
  openKeeperState,
  type JobName,
  type KeeperState,
  type KeeperStateRecord,
} from "./state/keeperState.ts";
