/**
 * @module The headers and methods of a token route, named once for the route and its CORS.
 */

/** Names the optional fields left out of the token to fit the widget's size limit. */
export const DROPPED_FIELDS_HEADER = 'X-Connect-Dropped-Attributes'

/** The methods a token path answers. */
export const ALLOW = 'GET, OPTIONS'
