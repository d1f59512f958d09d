// A script whose only work is a pool like the main one (allowExitOnIdle: idle sockets do not
// keep the process alive) that it ends with endPool; test/db/end-pool.test.ts runs it.
import pg from "pg";
import { endPool } from "../../lib/db/end-pool";

const pool = new pg.Pool({ connectionString: process.argv[2], max: 2, allowExitOnIdle: true });
await Promise.all([pool.query("SELECT 1"), pool.query("SELECT 1")]);
await endPool(pool);
console.log("ended");
