export { createHandlers, realBaseUrls, type HandlerOptions } from './handlers.js';
