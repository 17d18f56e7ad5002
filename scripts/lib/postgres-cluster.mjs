// A throwaway PostgreSQL cluster (initdb into a temp folder, trust auth, a free TCP port on
// 127.0.0.1): for the PostgreSQL tests and for generating PostgreSQL migrations, whose diff needs
// a live server. PostgreSQL refuses to run as root, so as root the cluster runs as `postgres`.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** The folder with initdb/pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin, else PATH. */
export function postgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(path.join(base, v, "bin/initdb"))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : "";
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster; resolves `{ port, urlFor(db), createDatabase(name), stop() }`. Throws a clear
 * error when PostgreSQL is not installed (`apt-get install postgresql`).
 */
export async function startPostgresCluster() {
  const bin = postgresBin();
  const tool = (name) => (bin ? path.join(bin, name) : name);
  try {
    execFileSync(tool("initdb"), ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error("PostgreSQL is not installed (no initdb found; set PG_BIN or `apt-get install postgresql`)");
  }
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "moments-pg-"));
  const data = path.join(dir, "data");
  const run = (cmd, args) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
    return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  run(tool("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  // wal_init_zero=off: a fresh cluster has no WAL segments to recycle, so every 16 MB segment the
  // tests and benches fill is a new file, zero-filled by default while a COMMIT waits (measured:
  // 41-43 ms every ~650 ms under event ingestion). A running server renames old segments instead
  // (wal_recycle) and never pays that; the throwaway cluster must not measure it either.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c wal_init_zero=off`;
  run(tool("pg_ctl"), ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  const urlFor = (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  let stopped = false;
  return {
    port,
    dir,
    urlFor,
    async createDatabase(name) {
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async dropDatabase(name) {
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, "")}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(tool("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
