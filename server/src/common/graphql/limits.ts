/**
 * Tokens one GraphQL document may hold, over HTTP and WebSocket alike. The dashboard's largest
 * operation is about 120; parsing and validating cost time in a document's size before the caller is
 * known (graphql-js's overlapping-fields check took ~250 ms at 3 000 tokens on the 2-core machine).
 */
export const GRAPHQL_MAX_TOKENS = 1000;
