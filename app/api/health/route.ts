// GET /api/health — the process is up (it does not touch the database)
export function GET() {
  return Response.json({ status: "ok" });
}
