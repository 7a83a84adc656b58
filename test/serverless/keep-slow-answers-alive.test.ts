/**
 * keepSlowAnswersAlive's deadline timer around answers that come in time. (The padding
 * itself is tested on the built Lambda bundle in slow-answers.test.ts.)
 */
import { Hono } from "hono";
import { API_GATEWAY_STREAMING_POLICY, keepSlowAnswersAlive } from "../../shared/http/keep-slow-answers-alive";
import { renderError } from "../../shared/http/render-error";
import { NotFoundError } from "../../shared/openai/errors";

beforeEach(() => jest.useFakeTimers({ doNotFake: ["nextTick", "queueMicrotask", "setImmediate"] }));
afterEach(() => jest.useRealTimers());

function appWith(handler: () => Response | Promise<Response>) {
  const app = new Hono();
  app.post("/v1/chat/completions", keepSlowAnswersAlive(API_GATEWAY_STREAMING_POLICY)(handler));
  app.onError((err, c) => renderError(c, err));
  return app;
}

const post = (app: Hono) => app.request("/v1/chat/completions", { method: "POST", body: "{}" });

test("an answer in time leaves no deadline timer behind", async () => {
  const res = await post(appWith(() => Response.json({ ok: true })));
  expect(res.status).toBe(200);
  expect(jest.getTimerCount()).toBe(0);
});

// A warm instance kept a 4-minute timer (and the request it closes over) for every request
// that failed fast, e.g. an unknown model or a 429; in tests it kept the worker alive.
test("a handler that fails in time gets its own error status and leaves no deadline timer behind", async () => {
  const res = await post(
    appWith(async () => {
      throw new NotFoundError("The model 'x' does not exist.", "model", "model_not_found");
    }),
  );
  expect(res.status).toBe(404);
  expect((await res.json()).error.code).toBe("model_not_found");
  expect(jest.getTimerCount()).toBe(0);
});
