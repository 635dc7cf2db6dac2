// Preload for tests (`node --import`): a bug in the suite. The first time a request is built
// with a `project_id` query parameter, building it throws, as a plan's own bug would.
const append = URLSearchParams.prototype.append;
let thrown = false;
URLSearchParams.prototype.append = function (name, value) {
  if (name === 'project_id' && !thrown) {
    thrown = true;
    throw new Error('injected crash in the suite\nsecond line that must not be shown');
  }
  return append.call(this, name, value);
};
