/** readChunks: what `for await` over a Node stream gives, with plain listeners. */
import { PassThrough, Readable } from "node:stream";
import { PrematureCloseError, readChunks } from "../../shared/streams/read-chunks";

test("reads every chunk to the end", async () => {
  const seen: string[] = [];
  await expect(readChunks(Readable.from([Buffer.from("a"), Buffer.from("b")]), (c) => (seen.push(c.toString()), true))).resolves.toBe(true);
  expect(seen).toEqual(["a", "b"]);
});

test("stops when told to, leaving the stream paused and unread", async () => {
  const stream = new PassThrough();
  const reading = readChunks(stream, () => false);
  stream.write("first");
  stream.write("second");
  await expect(reading).resolves.toBe(false);
  expect(stream.isPaused()).toBe(true);
  expect(stream.destroyed).toBe(false);
});

test("rejects with the stream's error, or a premature close when it is cut without one", async () => {
  const failing = new PassThrough();
  const reading = readChunks(failing, () => true);
  failing.destroy(new Error("socket hang up"));
  await expect(reading).rejects.toThrow("socket hang up");

  const cut = new PassThrough();
  const cutReading = readChunks(cut, () => true);
  cut.write("partial");
  cut.destroy();
  await expect(cutReading).rejects.toBeInstanceOf(PrematureCloseError);
  await expect(readChunks(cut, () => true)).rejects.toBeInstanceOf(PrematureCloseError);
});
