/**
 * A file replaced in one step that survives a crash or a power loss, written
 * part by part as frames and read back frame by frame.
 *
 * @module
 */
import { replaceFile } from "@software-factory/core";

/**
 * Replaces `path` in one step (see `replaceFile` of the core), writing parts
 * as they come (the source may compute each on demand; the event loop turns
 * between their writes), each as a frame: its byte length (4 bytes,
 * little-endian) then its bytes, for {@link framesOf} to read back.
 * `beforeRename` runs once every part is written, before the file is flushed
 * and renamed: for files saved with it, so that a crash while the parts are
 * written leaves those as they were too. When it throws, `path` stays as it was.
 */
export function replaceFileWithFrames(
  path: string,
  temporary: string,
  parts: Iterable<Uint8Array>,
  beforeRename: () => Promise<void>,
): Promise<void> {
  return replaceFile(
    path,
    async (file) => {
      for (const part of parts) {
        const length = Buffer.alloc(4);
        length.writeUInt32LE(part.byteLength);
        await file.writev([length, part]);
      }
      await beforeRename();
    },
    { temporary },
  );
}

/** The parts of a file written by {@link replaceFileWithFrames}, as views of `data`. */
export function* framesOf(data: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at < data.byteLength; ) {
    if (at + 4 > data.byteLength) throw new RangeError(`a frame's length is cut short at byte ${at}`);
    const length = view.getUint32(at, true);
    if (at + 4 + length > data.byteLength) throw new RangeError(`the frame at byte ${at} is cut short`);
    yield data.subarray(at + 4, at + 4 + length);
    at += 4 + length;
  }
}
