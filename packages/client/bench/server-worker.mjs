// A loopback server in a worker thread (so the client's event loop is the client's alone):
// GET /v2/task?task_id=big answers a 38 KB task, any other id a small one.
import { createServer } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { realisticTask } from '../../validators/bench/realistic-task.mjs';

const big = JSON.stringify(realisticTask(1));
const small = JSON.stringify({
  task_id: 'small',
  project: 'project_1',
  status: 'pending',
  created_at: '2025-01-01T00:00:00Z',
});
const server = createServer((request, response) => {
  const body = request.url.includes('task_id=big') ? big : small;
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () =>
  parentPort.postMessage({ port: server.address().port, bigBytes: big.length }),
);
parentPort.on('message', (message) => {
  if (message === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
