import { serializeTransaction, type Hex, type TransactionSerializable } from 'viem';
import { keccak256 } from './keccak.js';
import { signDigest } from './secp256k1.js';

/**
 * A signed, serialized transaction (what eth_sendRawTransaction takes), byte for byte what viem's
 * account.signTransaction gives, with the fast keccak and signer: transmitters and load generators sign one per
 * transaction they send.
 */
export function signTransactionWithKey(tx: TransactionSerializable, privateKey: Hex): Hex {
  const { r, s, yParity } = signDigest(keccak256(serializeTransaction(tx)), privateKey);
  // Legacy serialization derives its EIP-155 v from v; typed transactions use yParity.
  return serializeTransaction(tx, { r, s, yParity, v: 27n + BigInt(yParity) });
}
