/**
 * @module The shop's Worker: its own routes, and the widget's token on `/chat/token`, verifying
 * the shop's own session cookie (a JWT signed with `SESSION_SECRET`) and signing with the
 * widget's key (`CONNECT_SECRET`). The widget id and the issuer are the environment's vars.
 */
import { env } from 'cloudflare:workers'
import { jwtCookie, widgetToken } from 'connect-widget-token'
import { type ShopBindings, shop } from './shop'

// What differs by environment comes from the app's own vars, read once when the Worker starts.
const { CHAT_WIDGET_ID, SHOP_ISSUER } = env as unknown as ShopBindings

shop.all(
  '/chat/token',
  widgetToken({
    widgetId: CHAT_WIDGET_ID,
    session: jwtCookie({
      cookie: '__Host-session',
      algorithms: ['HS256'],
      secret: 'SESSION_SECRET',
      issuer: SHOP_ISSUER,
    }),
    mapping: [
      { to: 'attributes.memberId', claim: 'sub', required: true },
      { to: 'attributes.name', claim: 'name' },
    ],
  }),
)

export default shop
