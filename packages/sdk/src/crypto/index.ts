export { keccak256, keccakReady } from './keccak.js';
export {
  SECP256K1_HALF_N,
  asWord,
  addressFromPrivateKey,
  parseSignature65,
  recoverDigestSigner,
  serializeSignature65,
  signDigest,
  type RecoverableSignature,
} from './secp256k1.js';
export { signTransactionWithKey } from './transaction.js';
