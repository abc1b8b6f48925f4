export * from './types.js';
export * from './errors.js';
export * from './abiParams.js';
export { encodeEvmAddress, decodeEvmAddress } from './address.js';
export * from './extraArgs.js';
export * from './hashing.js';
export * from './merkle.js';
export * from './selectors.js';
export * from './abi/index.js';
