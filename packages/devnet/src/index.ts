export * from './anvil.js';
export * from './clients.js';
export * from './deploy.js';
export * from './foundryBinary.js';
export * from './tokens.js';
export * from './tx.js';
export * from './keyRelay.js';
export * from './localPair.js';
