export interface CliArgs {
  port: number;
  host: string;
  config: string;
  /** True when -config was not given (the default file is then suggested from config/). */
  defaultConfig: boolean;
  multiAccount: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: ociai-proxy [-port 8080] [-config ./config.conf] [-multi-account] [-host 0.0.0.0]
       ociai-proxy keys create|list|show|update|revoke …   (team keys on a running proxy; keys --help)

An OpenAI-compatible gateway in front of OCI Generative AI.

  -port N           port to listen on (default 8080, or $PORT)
  -config FILE      config file (default ./config.conf; ./multi_config.conf with -multi-account)
  -multi-account    multi-account pool mode ([ACCOUNT_n] sections)
  -host ADDR        address to bind (default 0.0.0.0)
  -h, -help         this text
  -v, -version      the version

Flags take one or two dashes, and "-port 9000" or "-port=9000".

Environment: OCIAI_LOG_FORMAT=json (default text), OCIAI_LOG_LEVEL=warn|error (default info),
OCIAI_SHUTDOWN_GRACE_MS (default 30000), OCIAI_STATE_FILE (team keys; default the config's
name with .state.json, beside it), OCIAI_STATE_CACHE_MS (default 1000).

First run: cp config/config.conf config.conf, fill in user, fingerprint, key_file, tenancy and
region, start, then check the account: curl -H "Authorization: Bearer <api_key>" localhost:8080/test-oci`;

/**
 * Parses the spec's Go-style flags (`-port 9000 -config x.conf -multi-account`); the
 * `--port=9000` style works too.
 */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const args: CliArgs = { port: 8080, host: "0.0.0.0", config: "", defaultConfig: false, multiAccount: false, help: false, version: false };
  if (env.PORT) args.port = parsePort(env.PORT, "$PORT");
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`unexpected argument "${argv[i]}"`);
    const [, name, inline] = match;
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`-${name} needs a value`);
      return v;
    };
    switch (name) {
      case "port":
        args.port = parsePort(value(), "-port");
        break;
      case "host":
        args.host = value();
        break;
      case "config":
        args.config = value();
        break;
      case "multi-account":
        args.multiAccount = inline === undefined ? true : inline !== "false";
        break;
      case "h":
      case "help":
        args.help = true;
        break;
      case "v":
      case "version":
        args.version = true;
        break;
      default:
        throw new Error(`unknown flag -${name}`);
    }
  }
  if (!args.config) {
    args.config = args.multiAccount ? "./multi_config.conf" : "./config.conf";
    args.defaultConfig = true;
  }
  return args;
}

function parsePort(raw: string, from: string): number {
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`${from}: expected a port number, got "${raw}"`);
  return port;
}
