/** What README tells users to put in the checkout must never be committed by accident. */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(__dirname, "../..");

test.each(["config.conf", "multi_config.conf", "your_private_key.pem", "1.pem", "config/1.pem", "keys/oci_api_key.pem", ".demo/config.conf", ".simulator/sim_key.pem", "config.state.json", "multi_config.state.json"])(
  "%s is ignored",
  (path) => {
    // --no-index: judge the pattern even if such a file were tracked.
    expect(execFileSync("git", ["check-ignore", "--no-index", "-q", path], { cwd: root }).toString()).toBe("");
  },
);
