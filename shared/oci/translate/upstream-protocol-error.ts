import { UpstreamFailure } from "../upstream-failure";

/**
 * OCI answered something the translator cannot read: a stream event that is not JSON,
 * or a response without the expected shape. A `protocol` UpstreamFailure, so the caller
 * turns it into a 502 before the first byte, or an in-band error event mid-stream.
 *
 * @example
 *   throw new UpstreamProtocolError("stream event is not JSON: \"data: {oops\"");
 */
export class UpstreamProtocolError extends UpstreamFailure {
  constructor(message: string) {
    super("protocol", message);
    this.name = "UpstreamProtocolError";
  }
}
