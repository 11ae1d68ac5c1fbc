/**
 * @module The shop as it was before the chat: a Hono app with routes of its own. Kept apart from
 * the entry so that the bundle-size script can measure the token route's share of the bundle.
 */
import { Hono } from 'hono'

export interface ShopBindings {
  SHOP_NAME: string
  /** The chat widget's id and the issuer of the shop's sessions: they differ by environment. */
  CHAT_WIDGET_ID: string
  SHOP_ISSUER: string
  /** Secrets: the widget's security key, and the key the shop signs its session cookies with. */
  CONNECT_SECRET: string
  SESSION_SECRET: string
}

export const shop = new Hono<{ Bindings: ShopBindings }>()

shop.get('/', (c) => c.text(`Welcome to ${c.env.SHOP_NAME}`))
shop.get('/api/orders', (c) => c.json({ orders: [] }))
