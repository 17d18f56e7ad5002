import { spawn, type ChildProcess } from "node:child_process";
import { BUILD_DIR, ROOT } from "./paths";
import { serverArgs } from "../../scripts/lib/server-command.mjs";

export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-0123456789abcdef";
/** A browser User-Agent: the Shopify library answers 410 to clients that look like bots. */
export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

export interface RunningServer {
  url: string;
  /** The server process's id (e.g. to read its memory from /proc/<pid>/status). */
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

export function realModeEnv(databaseUrl: string): Record<string, string> {
  return {
    MOMENTS_MODE: "shopify",
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "https://moments.test",
    SCOPES: "read_products,write_products,read_orders",
    HOST: "127.0.0.1",
  };
}

export function demoModeEnv(databaseUrl: string): Record<string, string> {
  return { MOMENTS_MODE: "demo", NODE_ENV: "development", DATABASE_URL: databaseUrl };
}

/** Runs the built app as `npm start` does (`node <flags> server.mjs`) and resolves once it listens, or rejects with its output. */
export function startServer(env: Record<string, string>, timeoutMs = 20_000): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, serverArgs(ROOT), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", MOMENTS_BUILD_DIR: BUILD_DIR, ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          pid: child.pid!,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}:\n${output}`), { code, output }));
    });
  });
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export function expectStartupFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return startServer(env).then(
    async (server) => {
      await server.stop();
      throw new Error(`server started but should have refused:\n${server.output()}`);
    },
    (error: { code?: number | null; output?: string }) => ({ code: error.code ?? null, output: error.output ?? String(error) }),
  );
}
