export * from './rpc.js';
export * from './finality.js';
export * from './messageReader.js';
export * from './txManager.js';
