/**
 * Run 2: streamed chat completions — time to first token and total time, floor vs proxy
 * (vs Portkey when its oracle streaming works), with the simulator pacing events
 * (ttftMs 0, interChunkMs 5).
 */
import { readFileSync } from "node:fs";
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import type { CoreStack } from "./core-stack";
import { DIRECT, floorTarget, portkeyTarget, proxyTarget } from "./fixtures";
import { mergeResults, runLoad, summarize, type LoadResult, type Target } from "./load";
import { cpuTimeMs } from "./proc-stats";
import { ConnectionWatcher } from "./tcp-connections";
import { delta, num, type Section, type Table } from "./report";

const PACING = { ttftMs: 0, interChunkMs: 5 };

export async function runStreams(ctx: BenchContext, stack: CoreStack): Promise<Section> {
  const levels = ctx.quick ? [1, 16] : [1, 16, 64];
  const rounds = 2;
  const sliceMs = ctx.quick ? 500 : 1_500;

  const targets: Target[] = [
    floorTarget(stack.sim.url, stack.accounts[0], true),
    proxyTarget(stack.single.url, "proxy, 1 account", true),
    proxyTarget(stack.pool.url, "proxy, 3-account pool", true),
  ];
  const pids: (number | undefined)[] = [undefined, stack.single.proc.pid, stack.pool.proc.pid];
  const findings: string[] = [];
  const headlines: string[] = [];
  await stack.sim.setFaults(PACING);
  try {
    // Portkey: a few streamed calls decide whether it joins the run.
    if (stack.portkey) {
      const pk = portkeyTarget(stack.portkey.url, stack.sim.url, stack.accounts[0], true);
      const probe = await runLoad(pk, { concurrency: 1, requests: 3 });
      if (probe.ok === probe.count) {
        targets.push(pk);
        pids.push(stack.portkey.proc.pid);
      }
      else {
        const cause = portkeyError(stack.portkey.proc.logFile);
        findings.push(
          `Portkey 1.15.2's oracle streaming does not work here: ${probe.errors}/${probe.count} streamed calls failed (${Object.entries(probe.statuses).map(([k, v]) => `${v}× ${k}`).join(", ")}); first answer: \`${(probe.firstError ?? "").slice(0, 160)}\`.${cause ? ` Its log: \`${cause}\`.` : ""} Portkey is left out of the stream figures.`,
        );
      }
    }

    progress("streams: warm-up");
    for (const t of targets) await runLoad(t, { concurrency: 4, durationMs: 400 });

    const table: Table = {
      title: `Streamed chat completions: time to first token and total time (ms), simulator ttftMs ${PACING.ttftMs}, interChunkMs ${PACING.interChunkMs}`,
      columns: ["path", "conc", "streams", "errors", "TTFT p50", "TTFT p99", "total p50", "total p99", "added TTFT p50", "added total p50", "streams/s", "gateway CPU ms/stream"],
      rows: [],
      notes: [`${rounds} interleaved rounds of ${sliceMs} ms per path and concurrency; TTFT = first chunk carrying text (OCI \`"text":"…\`, OpenAI \`"content":"…\`)`],
    };
    for (const c of levels) {
      const parts = targets.map(() => [] as LoadResult[]);
      const cpu = targets.map(() => 0);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < targets.length; k++) {
          const i = (k + round) % targets.length;
          const pid = pids[i];
          const cpu0 = pid ? cpuTimeMs(pid) : 0;
          parts[i].push(await runLoad(targets[i], { concurrency: c, durationMs: sliceMs }));
          if (pid) cpu[i] += cpuTimeMs(pid) - cpu0;
        }
      }
      const merged = parts.map(mergeResults);
      const floorTtft = summarize(merged[0].ttftMs);
      const floorTotal = summarize(merged[0].latenciesMs);
      merged.forEach((r, i) => {
        const ttft = summarize(r.ttftMs);
        const total = summarize(r.latenciesMs, r.count, r.errors, r.elapsedMs);
        table.rows.push([
          r.target,
          c,
          r.count,
          r.errors,
          ttft.p50,
          ttft.p99,
          total.p50,
          total.p99,
          i === 0 ? "–" : delta(ttft.p50 - floorTtft.p50),
          i === 0 ? "–" : delta(total.p50 - floorTotal.p50),
          num(total.rps, 0),
          pids[i] ? num(cpu[i] / Math.max(1, r.count)) : "–",
        ]);
        if (r.errors) findings.push(`${r.target} c=${c}: ${r.errors} failed streams, first: ${r.firstError?.slice(0, 200)}`);
      });
      progress(`streams: concurrency ${c} done`);
    }
    printTable(table);

    // Keep-alive check: a warm gateway should open (almost) no new upstream connections.
    const simPort = Number(new URL(stack.sim.url).port);
    const reuse: Table = {
      title: "Upstream connections opened per 100 requests (warm, concurrency 4)",
      columns: ["path", "mode", "requests", "new connections to the simulator", "new TIME_WAIT sockets"],
      rows: [],
      notes: ["read from /proc/net/tcp every 5 ms, counting only the connections of the measured process (the proxy, or the bench for direct calls); with Linux's loopback port reuse both columns are lower bounds"],
    };
    for (const stream of [false, true]) {
      // Direct calls come from this process's own pools.
      const checks: [string, Target, number][] = [
        [DIRECT, floorTarget(stack.sim.url, stack.accounts[0], stream), process.pid],
        ["proxy, 1 account", proxyTarget(stack.single.url, "proxy, 1 account", stream), stack.single.proc.pid],
      ];
      for (const [name, target, pid] of checks) {
        await runLoad(target, { concurrency: 4, requests: 20 });
        const watch = new ConnectionWatcher(simPort, pid);
        const r = await runLoad(target, { concurrency: 4, requests: 100 });
        const { opened, timeWait } = watch.stop();
        reuse.rows.push([name, stream ? "stream" : "non-stream", r.count, opened, timeWait]);
        if (name.startsWith("proxy") && opened > r.count / 2) {
          headlines.push(`Problem: the proxy opened ${opened} upstream connections for ${r.count} ${stream ? "streamed" : "non-stream"} requests — keep-alive is not reused${stream ? " for streams" : ""}.`);
          findings.push(
            `The proxy opened ${opened} new upstream connections for ${r.count} ${stream ? "streamed" : "non-stream"} requests (${timeWait} sockets left in TIME_WAIT): its keep-alive pool is not reused${stream ? " for streams. shared/chat/chat-event-stream.ts ends a stream as soon as the translator is done (finish + usage) and calls `body.destroy()` on the upstream response before that response has emitted its end; a node:http response destroyed before its end closes the socket instead of returning it to the agent (the undici transport this replaced tolerated it)" : ""}. Against OCI (HTTPS) every new connection is a TCP + TLS handshake, and each leaves a socket in TIME_WAIT for 60 s.`,
          );
        }
      }
    }
    printTable(reuse);
    return {
      title: "Streams: time to first token and total time",
      method: [
        `The simulator paces every stream (\`POST /__sim/faults {"ttftMs":${PACING.ttftMs},"interChunkMs":${PACING.interChunkMs}}\`): ${"`xai.grok-4`"} answers 12 words, so a stream is 12 text events, a finish event and a usage event ≈ 14 events, 13 gaps of ${PACING.interChunkMs} ms. The direct path reads OCI's SSE itself; the proxy translates every event to an OpenAI chunk and ends with \`data: [DONE]\` (required for a stream to count as complete).`,
      ],
      tables: [table, reuse],
      findings: findings.length ? findings : undefined,
      headlines,
    };
  } finally {
    await stack.sim.reset();
  }
}

/** The first error Portkey logged, with the frame that threw (e.g. its stream path's `Headers.append`). */
function portkeyError(logFile: string): string | undefined {
  const lines = readFileSync(logFile, "utf8").split("\n");
  const i = lines.findIndex((l) => /\b(?:TypeError|Error)\b/.test(l) && !l.includes("PromiseRejectionHandledWarning"));
  if (i < 0) return undefined;
  const frames = lines.slice(i + 1, i + 4).map((l) => l.trim().replace(/\(file:\/\/[^)]*\/(build\/[^):]+)[^)]*\)/, "($1)").replace(/\(node:internal[^)]*\)/, "").trim()).filter((l) => l.startsWith("at "));
  return [lines[i].trim(), ...frames].join(" ").slice(0, 300);
}
