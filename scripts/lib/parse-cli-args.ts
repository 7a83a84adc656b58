export interface CliArgs {
  port: number;
  host: string;
  config: string;
  multiAccount: boolean;
  help: boolean;
}

export const USAGE = `Usage: ociai-proxy [-port 8080] [-config ./config.conf] [-multi-account] [-host 0.0.0.0]

  -port N           port to listen on (default 8080, or $PORT)
  -config FILE      config file (default ./config.conf; ./multi_config.conf with -multi-account)
  -multi-account    multi-account pool mode ([ACCOUNT_n] sections)
  -host ADDR        address to bind (default 0.0.0.0)
  -h, -help         this text

Flags take one or two dashes, and "-port 9000" or "-port=9000".`;

/**
 * Parses the spec's Go-style flags (`-port 9000 -config x.conf -multi-account`); the
 * `--port=9000` style works too.
 */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const args: CliArgs = { port: Number(env.PORT ?? 8080), host: "0.0.0.0", config: "", multiAccount: false, help: false };
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
      case "port": {
        const raw = value();
        const port = Number(raw);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`-port: expected a port number, got "${raw}"`);
        args.port = port;
        break;
      }
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
      default:
        throw new Error(`unknown flag -${name}`);
    }
  }
  if (!args.config) args.config = args.multiAccount ? "./multi_config.conf" : "./config.conf";
  return args;
}
