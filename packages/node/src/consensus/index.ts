export * from './types.js';
export { ROUNDS_PER_EPOCH } from './instance.js';
export { createConsensusHost, type ConsensusHost, type ConsensusHostOptions } from './host.js';
export type { ConsensusInstance, InstanceStatus } from './instance.js';
export { createOcrKeySigners, verifyReportSignature, verifyReportSignatureOn } from './signers.js';
export { makeSeqNr, epochOf, roundOf, leaderOf, transmissionRank, MAX_EPOCH, MAX_ROUND } from './seqnr.js';
export { reportsHash, ocrDigestFromReportHash, observationPayload, newEpochPayload } from './payloads.js';
export { encodeMessage, decodeMessage, WIRE_VERSION, type WireMessage, type SignedObservation, type DecodeResult } from './wire.js';
