import pg from "pg";
import { CallDeadline } from "./CallDeadline.js";
import { endWithin } from "./endWithin.js";

/**
 * What became of an append (or a read) whose client stopped waiting for the
 * answer: `ended` when the server confirmed that the session that ran it has
 * ended (its transaction committed before, or never will), with the position
 * the batch landed at, if it did. Otherwise `running` when the server
 * answered and was still running that session, told to end, as the wait ran
 * out (it was busy with the append, and may yet commit it); else nothing is
 * known. When the server answered, `busy` tells whether it was still working
 * on the statement as the session was told to end (running it, not sending
 * its answer to a client that stopped reading, nor done with it), and
 * `blockedBy` holds the process ids of the sessions whose locks it was
 * waiting for (`pg_blocking_pids`), if any.
 */
export type AbandonedAppend = Busy &
  (
    | { readonly ended: true; readonly landedAt: number | undefined }
    | { readonly ended: false; readonly running: boolean }
  );

/** What the server was doing with an abandoned statement as its session was told to end. */
interface Busy {
  /** Whether it was running the statement, not waiting for the client (or done). */
  readonly busy: boolean;
  /** The sessions holding the locks the statement was waiting for. */
  readonly blockedBy: readonly number[];
}

/** How often the server is asked whether the session it was told to end has ended (ms). */
const POLL_MS = 10;

/**
 * Settles an append whose client gave up waiting for its answer (the
 * statement's `query_timeout`): on a connection of its own, ends the session
 * that ran it (`pg_terminate_backend`), waits until that session is gone,
 * and looks for the batch's first event id. Nothing is known when the server
 * does not answer within `waitMs`, when the session is not ended in that
 * time, or when the process ids the server gives are not its sessions' (a
 * pooler such as PgBouncer stands in between), so `pid` names no session.
 * A read passes no `firstId`: its session is ended (so the server does not
 * go on running, or waiting for a lock, on behalf of a call that failed),
 * and nothing is looked for.
 */
export async function settleAbandonedAppend(
  config: pg.ClientConfig,
  pid: number,
  firstId: string | undefined,
  waitMs: number,
): Promise<AbandonedAppend> {
  const deadline = new CallDeadline(waitMs);
  const client = new pg.Client({ ...config, connectionTimeoutMillis: waitMs });
  client.on("error", () => undefined);
  const query = async <Row extends pg.QueryResultRow>(text: string, values: unknown[]) => {
    const statement: pg.QueryConfig & { readonly query_timeout: number } = {
      text,
      values,
      query_timeout: deadline.answerMs(waitMs),
    };
    return (await client.query<Row>(statement)).rows;
  };
  let busy: Busy = { busy: false, blockedBy: [] };
  try {
    await client.connect();
    const own = await query<{ pid: number }>("SELECT pg_backend_pid() AS pid", []);
    // The driver's process id is the session's only when nothing stands between it and the server.
    if (own[0]?.pid !== (client as unknown as { processID: number | null }).processID)
      return { ended: false, running: false, ...busy };
    // Asked before the session is told to end: whether it is still at work on the statement (not
    // sending or waiting on its client), and the sessions holding the locks it waits for.
    const doing = await query<{ busy: boolean; pids: number[] }>(
      `SELECT state = 'active' AND wait_event_type IS DISTINCT FROM 'Client' AS busy, pg_blocking_pids(pid) AS pids
         FROM pg_stat_activity
        WHERE pid = $1 AND backend_start < (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())`,
      [pid],
    );
    busy = { busy: doing[0]?.busy === true, blockedBy: doing[0]?.pids ?? [] };
    for (;;) {
      // Sessions that started after this one are not the one that ran the append (the pid was reused).
      const running = await query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE pid = $1 AND backend_start < (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())`,
        [pid],
      );
      if (running.length === 0) break;
      if (deadline.left <= POLL_MS) return { ended: false, running: true, ...busy };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (firstId === undefined) return { ended: true, landedAt: undefined, ...busy };
    const landed = await query<{ seq: string }>("SELECT seq FROM events WHERE id = $1", [firstId]);
    return { ended: true, landedAt: landed[0] === undefined ? undefined : Number(landed[0].seq), ...busy };
  } catch {
    return { ended: false, running: false, ...busy };
  } finally {
    await endWithin(client.end(), deadline.left, () => client.connection.stream.destroy());
  }
}
