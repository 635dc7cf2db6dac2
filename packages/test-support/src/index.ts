export * from './arbitraries.js';
export * from './negative-examples.js';
export * from './spec.js';
