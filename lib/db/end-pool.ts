import type { Pool } from "pg";

/** How long to wait for the server to see a pool's connections close, at most. */
const CLOSE_BOUND_MS = 5_000;

/**
 * Ends `pool` and waits until each of its connections has closed. pg.Pool#end() resolves as
 * soon as the pool has let go of its clients — pg-pool ends them without waiting — so the
 * server may still count their sessions: a connection budget released then is exceeded at
 * the server for a moment, and a template database "is being accessed by other users". The
 * wait is bounded, for a client whose connection never reports its end.
 */
export async function endPool(pool: Pool): Promise<void> {
  let open = pool.totalCount;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    pool.on("remove", () => {
      if (--open === 0) resolve();
    });
    // Not unref'd: the main pool's idle sockets are (allowExitOnIdle), so without a ref'd
    // handle a script's event loop could empty while they close, and this would never return.
    timer = setTimeout(resolve, CLOSE_BOUND_MS);
  });
  try {
    await pool.end();
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
