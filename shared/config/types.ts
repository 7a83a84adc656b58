/** The proxy's configuration after parsing and validation (see load-config.ts). */

export type AuthMode = "api_key" | "resource_principal" | "instance_principal";
export type LoadBalanceStrategy = "round_robin" | "weighted" | "least_connections";

export interface AccountConfig {
  /** `id` key, or the section name ("default" in single-account mode). */
  id: string;
  /** Section the account came from, for error messages. */
  section: string;
  auth: AuthMode;
  user?: string;
  fingerprint?: string;
  /** Absolute path, resolved relative to the config file's folder. */
  keyFile?: string;
  /** Inline PEM (`key_content`), with literal "\n" sequences turned into newlines. */
  keyContent?: string;
  passPhrase?: string;
  /** Tenancy OCID; "" with principal auth when only compartment_id is given. */
  tenancy: string;
  region: string;
  /** Full base URL override, e.g. http://127.0.0.1:9000 (private endpoints, tests). */
  endpoint?: string;
  /** Defaults to the tenancy OCID (root compartment). */
  compartmentId: string;
  weight: number;
  /** 0 = unlimited. */
  maxConcurrency: number;
  enabled: boolean;
}

export interface CircuitBreakerConfig {
  maxFailures: number;
  resetTimeoutMs: number;
  failureRate: number;
  minRequests: number;
  /** Sliding window for the failure rate. */
  windowMs: number;
  halfOpenProbes: number;
}

export interface PoolConfig {
  /** 0 = unlimited. */
  globalMaxConcurrency: number;
  queueSize: number;
  retryAttempts: number;
  strategy: LoadBalanceStrategy;
  healthCheckIntervalMs: number;
  /** Bounds the wait for a slot plus the time to the first upstream byte. */
  requestTimeoutMs: number;
  /** Longest silence allowed between two upstream stream events. */
  streamIdleTimeoutMs: number;
  /**
   * Non-streamed calls: OCI sends its headers only once the whole answer is generated, so
   * their wait is bounded by this instead of requestTimeoutMs (long answers take minutes).
   */
  nonStreamTimeoutMs: number;
  healthCheckModel?: string;
}

export interface ServerConfig {
  forceNonStream: boolean;
  defaultMaxTokens: number;
  /** Quiet interval after which an SSE `: keep-alive` comment is sent. 0 = never. */
  keepAliveIntervalMs: number;
  /** Allowed CORS origins; ["*"] = any. */
  corsOrigins: string[];
  maxBodyBytes: number;
  /** When true, /stats/* answer without the API key (admin never does). */
  statsPublic: boolean;
  /** How long stored Responses API responses are kept for previous_response_id; 0 = never stored. */
  responsesTtlMs: number;
  /** Node server: time a client has to send its whole request (headers and body). */
  clientTimeoutMs: number;
  /** Node server: open client connections at most; beyond that new ones are refused. 0 = no cap. */
  maxConnections: number;
}

export interface ProxyConfig {
  /** Absolute path of the file this came from. */
  file: string;
  mode: "single" | "multi";
  apiKey: string;
  /** client model name -> OCI model id, in file order. */
  models: Map<string, string>;
  accounts: AccountConfig[];
  server: ServerConfig;
  pool: PoolConfig;
  breaker: CircuitBreakerConfig;
  /** True when api_key was missing or a placeholder and a generated one was written to `file`. */
  apiKeyGenerated?: boolean;
  /** Non-fatal problems (unknown keys, repeated keys...), e.g. `multi_config.conf [GLOBAL] unknown key "retry_attemps" (ignored)`. */
  warnings?: string[];
}
