// The mock servers of the export benchmark, in a worker thread so that serving pages does not
// compete with the bench's own loop on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { startMockServer } from '@scale-contracts/mock-server';

const mocks = [];
for (const size of workerData.sizes) {
  mocks.push(await startMockServer({ seed: 42, size, validateResponses: false }));
}
parentPort.postMessage(mocks.map((mock) => ({ url: mock.url, apiKeys: mock.apiKeys })));
parentPort.on('message', async (message) => {
  if (message === 'close') {
    await Promise.all(mocks.map((mock) => mock.close()));
    parentPort.close();
  }
});
