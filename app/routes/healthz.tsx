import { databaseReachable } from "~/db.server";

/** Liveness and readiness for load balancers: 200 only when the database answers. */
export const loader = async () => {
  const ok = await databaseReachable();
  return Response.json(
    { status: ok ? "ok" : "unavailable", database: ok ? "reachable" : "unreachable" },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
};
