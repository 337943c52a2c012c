// Loaded with --import into every service `poolnet up` starts: when `up` is gone (killed, even with SIGKILL, so it
// could not stop its children), the service is sent SIGTERM and stops as it would on Ctrl-C. Linux gives an orphan a
// new parent, so a changed parent pid means ours died.
const expected = Number(process.env.POOLNET_PARENT_PID);

if (Number.isSafeInteger(expected) && expected > 0) {
  const timer = setInterval(() => {
    if (process.ppid === expected) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
    // a service that does not stop on SIGTERM is not left behind either
    setTimeout(() => process.exit(1), 10_000).unref();
  }, 500);
  timer.unref();
}
