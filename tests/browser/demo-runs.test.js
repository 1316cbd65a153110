// How training runs end in the demo, on a desktop and on a phone-sized touch screen: a run
// whose loss explodes is a failed run (said so, nothing offered, and no late frame says
// otherwise), each optimizer gets a learning rate that trains, and MNIST is fetched once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, drawStrokes, fillTraining, frames, numbers, oneOfEachDigit, openDemo,
  skeletonStrokes, tid, trainToEnd, trainingView } from './helpers.js';

for (const device of [DESKTOP, PHONE]) {
  describe(device.name, () => {
    let env, page, errors;
    const mnistRequests = [];
    before(async () => {
      ({ env, page, errors } = await openDemo(device, { onPage: (p) => p.on('request', (r) => {
        if (r.url().includes('/data/mnist/')) mnistRequests.push(r.url());
      }) }));
    });
    after(async () => { await env?.close(); });

    test('MNIST at learning rate 1e9: the run fails, says why, offers nothing, and stays failed', async (t) => {
      await fillTraining(page, { dataset: 'mnist', 'learning-rate': '1e9', epochs: 1 });
      const end = await trainToEnd(page);
      t.diagnostic(JSON.stringify(end));
      assert.equal(end.state, 'failed');
      assert.match(end.progress, /failed/);
      assert.doesNotMatch(end.log, /running/, 'the log does not say the run is still going');
      assert.match(end.log, /failed/);
      assert.match(end.message, /Training failed: the loss (exploded|became infinite or NaN)/);
      assert.match(end.message, /not kept/);
      assert.match(end.message, /learning rate 1e\+9 is probably too high for SGD: try 0\.1/);
      assert.equal(end.messageKind, 'error');
      assert.equal(end.useTrained, false, '"Use trained model" is not offered');
      assert.equal(end.download, false, 'the download is not offered');
      await frames(page, 5);
      await page.waitForTimeout(300);   // anything still on its way from the worker has arrived
      assert.deepEqual(await trainingView(page), end, 'nothing overwrote the failed state');
      // the canvas still reads with the pretrained model: no NaN anywhere
      await page.click(tid('clear'));
      await drawStrokes(page, tid('draw-canvas'), skeletonStrokes((await oneOfEachDigit())[3].pixels));
      await page.waitForFunction((sel) => document.querySelector(sel).textContent.trim() === '3', tid('prediction'));
      assert.doesNotMatch(await page.locator(tid('probabilities')).textContent(), /NaN/);
    });

    test('the spiral at learning rate 1e9 fails instead of ending "done" at chance', async (t) => {
      await fillTraining(page, { dataset: 'spiral', 'learning-rate': '1e9', epochs: 30, 'slow-motion': false });
      const end = await trainToEnd(page);
      t.diagnostic(JSON.stringify(end));
      assert.equal(end.state, 'failed');
      assert.match(end.message, /the loss exploded to 1\.\d+e\+9 \(guessing scores 1\.1\), so the network was not kept/);
      assert.equal(end.download, false);
    });

    test('picking an optimizer sets a learning rate that trains: RMSprop on MNIST, Adam on the spiral', async (t) => {
      await fillTraining(page, { dataset: 'mnist', optimizer: 'rmsprop' });
      assert.equal(await page.inputValue(tid('learning-rate')), '0.001');
      await fillTraining(page, { epochs: 1 });
      const mnist = await trainToEnd(page);
      t.diagnostic(`RMSprop: ${mnist.log}`);
      assert.equal(mnist.state, 'done');
      const [testAccuracy] = numbers(mnist.log.match(/test accuracy ([\d.]+)/)[1]);
      assert.ok(testAccuracy > 0.9, `RMSprop at its usual rate reaches ${testAccuracy} in one epoch`);

      await fillTraining(page, { dataset: 'spiral', optimizer: 'adam', 'slow-motion': false });
      assert.equal(await page.inputValue(tid('learning-rate')), '0.1');
      const spiral = await trainToEnd(page);
      t.diagnostic(`Adam: ${spiral.log}`);
      const accuracy = Number(spiral.log.match(/accuracy ([\d.]+)/)[1]);
      assert.equal(spiral.state, 'done');
      assert.ok(accuracy > 0.9, `Adam at its usual rate reaches ${accuracy} on the spiral`);
      assert.equal(spiral.message, '', 'no warning for a good run');
    });

    test('MNIST is fetched once: a second run trains on the data already in the worker', async () => {
      await fillTraining(page, { dataset: 'mnist', epochs: 1, 'batch-size': 600 });
      const first = await trainToEnd(page);
      const second = await trainToEnd(page);
      assert.equal(first.state, 'done');
      assert.equal(second.state, 'done');
      // four runs on MNIST in this page so far, the four IDX files requested once
      assert.equal(mnistRequests.length, 4, `the IDX files were requested: ${mnistRequests.join(', ')}`);
    });

    test('no console errors or page errors on the way', () => {
      assert.deepEqual(errors, []);
    });
  });
}
