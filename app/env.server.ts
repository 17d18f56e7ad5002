import { z } from "zod";

/**
 * Start-up configuration, validated once. A bad value stops the process with one message that
 * names the variable, rather than failing later inside a request.
 */
const databaseUrl = z.string().refine((v) => /^file:.+/.test(v) || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
  message: 'must be "file:<path>" (SQLite) or "postgresql://user:pass@host:port/db"',
});

const base = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  MOMENTS_MODE: z.enum(["shopify", "demo"]).default("shopify"),
  DATABASE_URL: databaseUrl.default("file:./prisma/dev.db"),
  // PostgreSQL only: connections per app instance (keep instances x size under the server's max_connections).
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // Events waiting to be written, per instance, before /api/events and /proxy/events answer 503 +
  // Retry-After (docs/decisions/017-data-layer-and-hot-path.md).
  INGEST_MAX_QUEUED_EVENTS: z.coerce.number().int().min(50).max(1_000_000).default(5_000),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // Follow-up email (docs/email.md): SMTP for real sending; demo mode writes .eml files instead.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be "smtp://user:pass@host:587" or "smtps://user:pass@host:465"')
    .optional(),
  EMAIL_OUTBOX_DIR: z.string().min(1).optional(),
  EMAIL_WORKER: z.enum(["on", "off"]).optional(),
});

const shopifyCredentials = z.object({
  SHOPIFY_API_KEY: z.string().min(1, "is required in Shopify mode"),
  SHOPIFY_API_SECRET: z.string().min(1, "is required in Shopify mode"),
  SHOPIFY_APP_URL: z.url("must be the app's public https URL"),
  SCOPES: z.string().min(1, "is required in Shopify mode"),
});

export type AppEnv = z.infer<typeof base> & z.infer<typeof shopifyCredentials> & { HOST: string };

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid environment: ${variable} ${detail}`);
    this.name = "EnvError";
  }
}

function firstIssue(error: z.ZodError): EnvError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? "environment");
  const missing = issue.code === "invalid_type" && issue.input === undefined;
  return new EnvError(variable, missing ? "is missing" : issue.message);
}

// Demo mode is a local evaluation of the same app: fixed local credentials, never exposed.
const DEMO_CREDENTIALS = {
  SHOPIFY_API_KEY: "demo-api-key",
  SHOPIFY_API_SECRET: "demo-api-secret",
  SCOPES: "read_products,write_products,read_orders,read_customers,write_discounts,write_order_edits",
};

export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  const parsedBase = base.safeParse(source);
  if (!parsedBase.success) throw firstIssue(parsedBase.error);
  const env = parsedBase.data;

  if (env.MOMENTS_MODE === "demo") {
    if (env.NODE_ENV === "production") {
      throw new EnvError("NODE_ENV", "is production: demo mode has no login and must never run in production");
    }
    if (env.HOST && env.HOST !== "127.0.0.1" && env.HOST !== "localhost") {
      throw new EnvError("HOST", "must be 127.0.0.1 in demo mode (the demo admin has no login)");
    }
    const port = env.PORT;
    return {
      ...env,
      ...DEMO_CREDENTIALS,
      SHOPIFY_API_SECRET: source.SHOPIFY_API_SECRET || DEMO_CREDENTIALS.SHOPIFY_API_SECRET,
      SHOPIFY_APP_URL: source.SHOPIFY_APP_URL || `http://127.0.0.1:${port}`,
      HOST: "127.0.0.1",
    };
  }

  const creds = shopifyCredentials.safeParse(source);
  if (!creds.success) throw firstIssue(creds.error);
  return { ...env, ...creds.data, HOST: env.HOST ?? "0.0.0.0" };
}

let cached: AppEnv | undefined;
export function env(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

export const isDemo = () => env().MOMENTS_MODE === "demo";
