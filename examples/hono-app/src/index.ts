/**
 * @module The shop's Worker: its own routes, and the widget's token on `/chat/token`, verifying
 * the shop's own session cookie (a JWT signed with `SESSION_SECRET`) and signing with the
 * widget's key (`CONNECT_SECRET`).
 */
import { jwtCookie, widgetToken } from 'connect-widget-token'
import { shop } from './shop'

shop.all(
  '/chat/token',
  widgetToken({
    widgetId: 'support-chat-widget',
    session: jwtCookie({
      cookie: '__Host-session',
      algorithms: ['HS256'],
      secret: 'SESSION_SECRET',
      issuer: 'https://shop.example.com',
    }),
    mapping: [
      { to: 'attributes.memberId', claim: 'sub', required: true },
      { to: 'attributes.name', claim: 'name' },
    ],
  }),
)

export default shop
