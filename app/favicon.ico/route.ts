// GET /favicon.ico — browsers still ask for it on some page loads whatever the page declares; send
// them to the icon we have instead of a 404 in their console.
export function GET(request: Request) {
  return Response.redirect(new URL("/icon.svg", request.url), 308);
}
