// Preload for tests (`node --import`): the class of bug that once ended runs with exit code 0
// and no output. Every fetch stays pending forever and every timer is unref'd, so nothing keeps
// the event loop alive while the run waits: the CLI must notice and still end with its report.
const setTimer = globalThis.setTimeout;
globalThis.setTimeout = (...args) => {
  const timer = setTimer(...args);
  timer.unref?.();
  return timer;
};
globalThis.fetch = () => new Promise(() => {});
