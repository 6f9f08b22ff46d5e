/**
 * Waits for connections to end politely (the client's `Terminate`, then the
 * server closing), and destroys their sockets when that has not happened
 * within `deadlineMs`: a peer that vanished without closing never answers, and
 * waiting for it would hang a `close()` forever.
 */
export async function endWithin(
  ending: Promise<unknown>,
  deadlineMs: number,
  destroy: () => void,
): Promise<void> {
  const settled = ending.then(
    () => true,
    () => true,
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const ended = await Promise.race([settled, deadline]);
  clearTimeout(timer);
  if (ended) return;
  destroy();
  await settled;
}
