/** OCI error bodies: `{code, message}` (the SDK turns them into OciError.serviceCode / message). */

export interface OciErrorSpec {
  status: number;
  code: string;
  message: string;
}

const CODES: Record<number, [code: string, message: string]> = {
  400: ["InvalidParameter", "The request is invalid."],
  401: ["NotAuthenticated", "The required information to complete authentication was not provided or was incorrect."],
  403: ["NotAllowed", "The request is not allowed."],
  404: ["NotAuthorizedOrNotFound", "Authorization failed or requested resource not found."],
  409: ["IncorrectState", "The resource is in a conflicting state."],
  413: ["PayloadTooLarge", "The request body is too large."],
  429: ["TooManyRequests", "Too many requests for the tenancy. Please retry later."],
  500: ["InternalServerError", "Internal error occurred."],
  502: ["BadGateway", "Bad gateway."],
  503: ["ServiceUnavailable", "The service is currently unavailable."],
  504: ["GatewayTimeout", "The upstream request timed out."],
};

/** An error with OCI's code for the status and, unless given, OCI's stock message. */
export function ociError(status: number, message?: string): OciErrorSpec {
  const known = CODES[status];
  const code = known ? known[0] : status >= 500 ? "InternalServerError" : "InvalidParameter";
  return { status, code, message: message ?? (known ? known[1] : `Simulated error ${status}.`) };
}

export function invalidParameter(message: string): OciErrorSpec {
  return ociError(400, message);
}

export function isOciError(value: unknown): value is OciErrorSpec {
  return typeof value === "object" && value !== null && "status" in value && "code" in value;
}
