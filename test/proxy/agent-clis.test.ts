/**
 * The real coding agents, as users install them, pointed at the proxy by their documented
 * settings only, run one non-interactive turn each against the OCI simulator: Claude Code
 * (`claude -p`, Anthropic Messages) and Codex CLI (`codex exec`, OpenAI Responses). The
 * simulated model calls the first tool it is offered; the agent runs it and the model
 * answers from its result, so a pass means a whole tool round trip worked.
 *
 * The two CLIs weigh ~650 MB, so they are not devDependencies: install them once with
 *   npm install --prefix /opt/agent-clis @anthropic-ai/claude-code @openai/codex
 * and run with OCIAI_AGENT_CLIS=/opt/agent-clis/node_modules/.bin. Without it this suite is
 * skipped (and says so).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startStack, type Stack } from "../helpers/stack";

const run = promisify(execFile);
const BIN = process.env.OCIAI_AGENT_CLIS;
const available = BIN !== undefined && existsSync(join(BIN, "claude")) && existsSync(join(BIN, "codex"));
if (!available) console.log("agent CLIs not installed (set OCIAI_AGENT_CLIS to their .bin folder): skipping the Claude Code and Codex CLI runs");
const maybe = available ? describe : describe.skip;

maybe("real coding agents against the proxy", () => {
  let stack: Stack;
  let home: string;

  beforeAll(async () => {
    // Claude Code's model names mapped to OCI models in [MODELS], as the README shows.
    stack = await startStack({ models: { "grok-4": "xai.grok-4", "claude-sonnet-4-5": "xai.grok-4", "claude-haiku-4-5": "meta.llama-3.3-70b-instruct" } });
    home = mkdtempSync(join(tmpdir(), "ociai-agents-"));
  });
  afterAll(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("Claude Code: claude -p runs a tool turn over /v1/messages", async () => {
    const { stdout } = await run(join(BIN!, "claude"), ["-p", "Say hello", "--output-format", "json"], {
      cwd: home,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ANTHROPIC_BASE_URL: stack.proxy.url,
        ANTHROPIC_AUTH_TOKEN: stack.apiKey,
        ANTHROPIC_MODEL: "claude-sonnet-4-5",
        ANTHROPIC_SMALL_FAST_MODEL: "claude-haiku-4-5",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_AUTOUPDATER: "1",
        DISABLE_TELEMETRY: "1",
      },
    });
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ type: "result", subtype: "success", is_error: false });
    expect(result.num_turns).toBeGreaterThanOrEqual(2);
    expect(result.result).toContain("Based on the tool result");
    expect(stack.sims[0].lastRequest()!.body.servingMode.modelId).toBe("xai.grok-4");
  }, 150_000);

  test("Codex CLI: codex exec runs a tool turn over /v1/responses", async () => {
    const codexHome = join(home, "codex");
    const work = join(home, "work");
    mkdirSync(codexHome, { recursive: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(
      join(codexHome, "config.toml"),
      [
        'model = "grok-4"',
        'model_provider = "ociai"',
        "check_for_update_on_startup = false",
        "",
        "[model_providers.ociai]",
        'name = "OCI AI Proxy"',
        `base_url = "${stack.baseURL}"`,
        'env_key = "OCIAI_API_KEY"',
        'wire_api = "responses"',
        "",
        "[analytics]",
        "enabled = false",
        "",
      ].join("\n"),
    );
    const exec = run(join(BIN!, "codex"), ["exec", "--skip-git-repo-check", "Say hello"], {
      cwd: work,
      timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: codexHome, OCIAI_API_KEY: stack.apiKey },
    });
    // codex exec reads more prompt from stdin until it closes.
    exec.child.stdin!.end();
    const { stdout } = await exec;
    expect(stdout).toContain("Based on the tool result");
    // Codex's own request shape reached the proxy and was translated: its tool results came back as a TOOL turn.
    const sent = stack.sims[0].lastRequest()!.body.chatRequest;
    expect(sent.messages[sent.messages.length - 1].role).toBe("TOOL");
  }, 150_000);
});
