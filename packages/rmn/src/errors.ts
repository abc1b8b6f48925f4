import type { RmnApiErrorCode } from '@openccip/sdk';

/** A request this node refuses, with the API error code the caller gets. */
export class RmnRefusal extends Error {
  override name = 'RmnRefusal';
  constructor(
    readonly code: RmnApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
