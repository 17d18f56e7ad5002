// Types of the bundle bench/email.bench.ts builds at run time (the app's email modules).
export { createPrisma } from "~/db.server";
export { runBatch } from "~/email/outbox.server";
export { smtpTransport } from "~/email/transport.server";
export { demoGateway } from "~/gateway/demo.server";
