import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";

/**
 * TypeScript types (`paths`, `components`, `operations`) for an OpenAPI document, as
 * openapi-typescript writes them. It lives in this folder because it builds on the TypeScript 5
 * compiler API that this folder's package.json pins; the project's TypeScript 7 has none.
 */
export async function openApiTypes(document: object): Promise<string> {
  const nodes = await openapiTS(document as OpenAPI3, { silent: true });
  return COMMENT_HEADER + astToString(nodes);
}
