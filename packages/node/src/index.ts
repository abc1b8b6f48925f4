export * from './consensus/index.js';
export * from './log.js';
export * from './plugins/commit/plugin.js';
export * from './plugins/execute/plugin.js';
export * from './readers/offRampWatcher.js';
