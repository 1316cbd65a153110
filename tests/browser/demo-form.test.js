// The training form, on a desktop and on a phone-sized touch screen: every bad value is refused
// at its own field (marked invalid, focused, in view), the summary line says what Start would
// say, and Start and Stop hand the keyboard focus to each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, fillTraining, openDemo, tid, waitReady } from './helpers.js';

const FIELDS = { architecture: 'architecture-error', 'learning-rate': 'learning-rate-error', epochs: 'epochs-error',
  'batch-size': 'batch-size-error' };

for (const device of [DESKTOP, PHONE]) {
  describe(device.name, () => {
    let env, page, errors;
    before(async () => { ({ env, page, errors } = await openDemo(device)); });
    after(async () => { await env?.close(); });

    /* each field's error text, whether it is marked invalid, and what has the focus */
    const formState = () => page.evaluate((fields) => {
      const el = (id) => document.querySelector(`[data-testid="${id}"]`);
      const out = { focused: document.activeElement?.dataset?.testid ?? document.activeElement?.tagName, fields: {} };
      for (const [field, error] of Object.entries(fields)) {
        const input = el(field);
        const message = el(error);
        const describedBy = (input.getAttribute('aria-describedby') ?? '').split(/\s+/);
        out.fields[field] = { error: message.textContent.trim(), invalid: input.getAttribute('aria-invalid') === 'true',
          described: describedBy.includes(message.id) };
      }
      out.summary = el('architecture-summary').textContent.trim();
      out.running = el('train-progress').dataset.state === 'running';
      return out;
    }, FIELDS);

    const inView = (id) => page.evaluate((sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
    }, tid(id));

    test('learning rate 0, epochs 0 and batch 0: an error at each field, the first focused and in view', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await fillTraining(page, { dataset: 'mnist', 'learning-rate': '0', epochs: '0', 'batch-size': '0' });
      await page.click(tid('train-start'));
      const s = await formState();
      assert.equal(s.running, false, 'nothing started');
      assert.match(s.fields['learning-rate'].error, /Enter a number above 0, not "0"/);
      assert.match(s.fields.epochs.error, /Enter a whole number at least 1, not "0"/);
      assert.match(s.fields['batch-size'].error, /Enter a whole number at least 1, not "0"/);
      for (const f of ['learning-rate', 'epochs', 'batch-size']) {
        assert.ok(s.fields[f].invalid, `${f} is marked aria-invalid`);
        assert.ok(s.fields[f].described, `${f} is described by its error`);
      }
      assert.deepEqual(s.fields.architecture, { error: '', invalid: false, described: true });
      assert.equal(s.focused, 'learning-rate', 'the first field at fault has the focus');
      assert.ok(await inView('learning-rate-error'), 'its message is on screen');
      // corrected, the field's error goes as the user types
      await page.fill(tid('learning-rate'), '0.1');
      assert.deepEqual((await formState()).fields['learning-rate'], { error: '', invalid: false, described: true });
    });

    test('hidden layers "100,,50", "1e2", "" and 20 layers, and a batch over the data set, are refused at their field', async () => {
      await fillTraining(page, { dataset: 'mnist' });   // the defaults again
      const cases = [
        ['architecture', '100,,50', /Size 2 is empty/],
        ['architecture', '1e2', /"1e2" is not a size/],
        ['architecture', '', /Enter at least one hidden layer size/],
        ['architecture', Array(20).fill(4).join(','), /spec\.layers needs 2 to 16 sizes .* got 22/],
        ['architecture', '100,-5', /"-5" is not a size/],
        ['batch-size', '100000', /At most 60,000: MNIST has 60,000 training images, not 100,000/],
        ['learning-rate', 'fast', /Enter a number above 0, not "fast"/],
        ['epochs', '2.5', /Enter a whole number at least 1, not "2.5"/],
      ];
      for (const [field, value, expected] of cases) {
        await page.fill(tid(field), value);
        const live = await formState();
        if (field === 'architecture') {
          assert.match(live.summary, expected, `the summary line for "${value}" says what Start will`);
        }
        await page.click(tid('train-start'));
        const s = await formState();
        assert.equal(s.running, false, `"${value}" in ${field} starts nothing`);
        assert.match(s.fields[field].error, expected, `${field} "${value}"`);
        assert.ok(s.fields[field].invalid);
        assert.equal(s.focused, field);
        await fillTraining(page, { dataset: 'spiral' });
        await fillTraining(page, { dataset: 'mnist' });   // back to the defaults
      }
      assert.match((await formState()).summary, /^784 → 100 → 50 → 10 · .* 84,060 parameters$/);
    });

    test('Start hands the focus to Stop, and Stop back to Start', async () => {
      await fillTraining(page, { dataset: 'spiral', epochs: 1000000 });
      await page.focus(tid('train-start'));
      await page.keyboard.press('Enter');
      await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'running', tid('train-progress'));
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'train-stop');
      await page.keyboard.press('Enter');
      await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'stopped', tid('train-progress'));
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'train-start');
    });

    test('a file that is not a model: the error is at the file input, which gets the focus', async () => {
      await page.setInputFiles(tid('load-model'), { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await page.waitForFunction((sel) => /notes\.txt/.test(document.querySelector(sel).textContent), tid('load-model-message'));
      const s = await page.evaluate((ids) => {
        const input = document.querySelector(ids.input);
        const message = document.querySelector(ids.message);
        const r = message.getBoundingClientRect();
        return { text: message.textContent, invalid: input.getAttribute('aria-invalid'), focused: document.activeElement === input,
          visible: r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight };
      }, { input: tid('load-model'), message: tid('load-model-message') });
      assert.match(s.text, /Could not load it: .*notes\.txt/);
      assert.equal(s.invalid, 'true');
      assert.ok(s.focused, 'the file input has the focus');
      assert.ok(s.visible, 'the message is on screen');
    });

    test('every control has a name, and Tab visits them in reading order', async () => {
      await page.reload();
      await waitReady(page);
      const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, button, a, canvas, output')]
        .filter((el) => !(el.getAttribute('aria-label') || el.labels?.[0]?.textContent.trim() || el.textContent.trim()))
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unnamed, []);
      const order = [];
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName));
      }
      // disabled buttons, the hidden slow-motion box and the download link without a model are skipped
      assert.deepEqual(order, ['clear', 'load-model', 'dataset', 'architecture', 'activation', 'optimizer',
        'learning-rate', 'epochs', 'batch-size', 'train-start']);
    });

    test('no console errors or page errors on the way', () => {
      assert.deepEqual(errors, []);
    });
  });
}
