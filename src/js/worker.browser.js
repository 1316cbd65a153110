/** The worker script for browsers (a module Worker): the shared handler over self. */
import * as api from './index.browser.js';
import { createHandler } from './worker-handler.js';

const handle = createHandler(api, (msg, transfer) => self.postMessage(msg, transfer));
self.onmessage = (event) => handle(event.data);
