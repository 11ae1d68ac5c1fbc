/**
 * @module The production Worker: the token endpoint and nothing else.
 */
import { createWorker } from './app'

export default createWorker()
