/** The worker script for Node worker_threads: the shared handler over parentPort. */
import { parentPort } from 'node:worker_threads';
import * as api from './index.node.js';
import { createHandler } from './worker-handler.js';

const handle = createHandler(api, (msg, transfer) => parentPort.postMessage(msg, transfer));
parentPort.on('message', handle);
