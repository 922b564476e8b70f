/**
 * Swagger UI over both documents, served by the mock itself (no CDN). The documents list this
 * mock first in `servers`, so "Try it out" calls the mock; use a seed token (ops-token,
 * vendor-token, client-token, partner-token) under "Authorize".
 */
SwaggerUIBundle({
  urls: [
    { url: '../spec/program-api.json', name: 'SoftwareOne Program API' },
    { url: '../spec/partner-center.json', name: 'Microsoft Partner Center' },
  ],
  'urls.primaryName': new URLSearchParams(location.search).get('api') ?? undefined,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  // The default would send the documents to validator.swagger.io.
  validatorUrl: null,
});
