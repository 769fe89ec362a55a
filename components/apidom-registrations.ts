// Swagger UI reads OpenAPI 3.1 with ApiDOM, whose element classes get their `refract` methods from
// "registration" modules imported only for their side effects. Turbopack drops those imports
// (vercel/next.js#86507: "refract is not a function", the reference never finishes loading), so
// they are imported here by path — the packages' export maps do not list them.
import "../node_modules/@swagger-api/apidom-core/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-json-schema-draft-4/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-json-schema-draft-6/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-json-schema-draft-7/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-json-schema-2019-09/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-json-schema-2020-12/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-openapi-3-0/src/refractor/registration.mjs";
import "../node_modules/@swagger-api/apidom-ns-openapi-3-1/src/refractor/registration.mjs";
