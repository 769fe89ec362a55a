// Whether an answer is one the OpenAPI document describes: its operation exists, its status is
// declared, its media type is declared for that status, and a JSON body is valid against the
// schema given there. Shared by the document's integration test and the fuzzer.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { OpenAPIV3_1 } from "openapi-types";

export type OpenApiDocument = OpenAPIV3_1.Document;
export type Operation = OpenAPIV3_1.OperationObject;

export interface DescribedAnswer {
  method: string;
  /** The path template the document names, like /api/users/{id}. */
  template: string;
  status: number;
  contentType: string | null;
  /** The parsed body when the media type is JSON (unused otherwise). */
  body: unknown;
}

/** Checks answers against a dereferenced document (SwaggerParser.dereference): no $ref left to resolve. */
export function conformanceTo(document: OpenApiDocument) {
  // Formats (date-time…) are also patterns in these schemas, which Ajv does check.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  const templates = Object.keys(document.paths ?? {})
    .sort((a, b) => Number(a.includes("{")) - Number(b.includes("{")))
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+").replaceAll(".", "\\.")}$`),
    }));

  const operation = (method: string, template: string): Operation | undefined =>
    document.paths?.[template]?.[method.toLowerCase() as OpenAPIV3_1.HttpMethods];

  return {
    operation,

    /** The template a request path belongs to (fixed paths before templated ones), if any. */
    templateOf(pathname: string): string | undefined {
      return templates.find(({ pattern }) => pattern.test(pathname))?.template;
    },

    /** What the document says is wrong with the answer: nothing when it conforms. */
    violations({ method, template, status, contentType, body }: DescribedAnswer): string[] {
      const described = operation(method, template);
      if (!described) return [`${method} ${template} is not in the document`];
      const response = described.responses?.[String(status)] as OpenAPIV3_1.ResponseObject | undefined;
      if (!response) return [`${method} ${template} does not declare status ${status}`];
      const mediaType = contentType?.split(";")[0]?.trim();
      if (status === 204 || status === 304 || !mediaType) return [];
      const content = response.content?.[mediaType];
      if (!content) return [`${method} ${template} ${status} does not declare ${mediaType}`];
      if (!mediaType.endsWith("json") || !content.schema) return [];
      const key = `${method} ${template} ${status} ${mediaType}`;
      let validate = validators.get(key);
      if (!validate) validators.set(key, (validate = ajv.compile(content.schema as object)));
      if (validate(body)) return [];
      return [
        `${method} ${template} ${status} ${mediaType} body: ${ajv.errorsText(validate.errors, { separator: "; " })}`,
      ];
    },
  };
}
