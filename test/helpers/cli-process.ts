/**
 * The built `ociai-proxy` CLI (dist/cli/ociai-proxy.js) as a user runs it: a server that
 * runs until killed, or a command that runs to its exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

export const CLI = resolve(__dirname, "../../dist/cli/ociai-proxy.js");

export interface RunningCli {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  port: number;
  exited: Promise<number | null>;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts the proxy and resolves once it says which port it serves on. */
export async function runCli(args: string[], { cwd, env }: CliOptions): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setInterval(() => {
      const match = /Starting server on port (\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolvePort(Number(match[1]));
      }
    }, 20);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`CLI exited during start-up:\n${output}`));
    });
  });
  return { child, output: () => output, port, exited };
}

/** Runs a CLI command to its end. */
export function runToExit(args: string[], { cwd, env }: CliOptions): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
