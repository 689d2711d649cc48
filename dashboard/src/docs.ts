/**
 * Starts Swagger UI on /docs. An external script rather than an inline one, so the page's CSP can
 * allow only this origin's scripts; `swagger-ui-bundle.js` (loaded first) defines the global.
 */
declare const SwaggerUIBundle: (options: Record<string, unknown>) => unknown;

SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // The default sends the document to validator.swagger.io and shows its badge: nothing leaves this origin.
  validatorUrl: null,
});
