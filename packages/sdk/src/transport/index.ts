export * from './jsonRpcHttp.js';
