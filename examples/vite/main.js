// Read a digit drawn on the canvas with the MNIST model shipped in the repository. The network
// runs in a Web Worker (WorkerNetwork): Vite bundles the worker and both find the .wasm.
import { WorkerNetwork } from 'nnwasm';
// ?url: Vite copies the model into the build and gives its URL
import modelUrl from '../../web/models/mnist.nnw?url';

const pad = document.querySelector('#pad');
const pen = pad.getContext('2d', { willReadFrequently: true });
const digit = document.querySelector('#digit');

// 784-128-64-10, trained on MNIST (white digits on black, 28×28)
const response = await fetch(modelUrl);
if (!response.ok) throw new Error(`cannot fetch the model: HTTP ${response.status}`);
const net = await WorkerNetwork.load(await response.arrayBuffer());
document.querySelector('#status').textContent = 'ready';

function clear() {
  pen.fillStyle = 'black';
  pen.fillRect(0, 0, pad.width, pad.height);
  digit.textContent = '-';
}

// MNIST digits were scaled to fit 20×20 pixels, then placed in 28×28 with their centre of
// mass at the centre: crop the ink, scale it to 20 pixels, then shift it the same way
function toMnist() {
  const { data } = pen.getImageData(0, 0, pad.width, pad.height);
  let left = pad.width, top = pad.height, right = -1, bottom = -1;
  for (let y = 0; y < pad.height; y++) {
    for (let x = 0; x < pad.width; x++) {
      if (data[4 * (y * pad.width + x)] > 64) {     // red channel: 0 black, 255 white ink
        left = Math.min(left, x); right = Math.max(right, x);
        top = Math.min(top, y); bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;                       // nothing drawn
  const w = right - left + 1, h = bottom - top + 1, scale = 20 / Math.max(w, h);
  const small = new OffscreenCanvas(28, 28).getContext('2d', { willReadFrequently: true });
  small.fillRect(0, 0, 28, 28);                     // black
  small.imageSmoothingQuality = 'high';             // average the pixels, do not pick them
  small.drawImage(pad, left, top, w, h, 14 - (w * scale) / 2, 14 - (h * scale) / 2, w * scale, h * scale);
  const pixels = small.getImageData(0, 0, 28, 28).data;
  let mass = 0, mx = 0, my = 0;
  for (let i = 0; i < 784; i++) {
    const v = pixels[4 * i] / 255;
    mass += v; mx += v * (i % 28); my += v * Math.floor(i / 28);
  }
  const dx = Math.round(14 - mx / mass), dy = Math.round(14 - my / mass);
  const x = new Float32Array(784);
  for (let i = 0; i < 784; i++) {
    const tx = (i % 28) + dx, ty = Math.floor(i / 28) + dy;
    if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) x[ty * 28 + tx] = pixels[4 * i] / 255;
  }
  return x;
}

async function classify() {
  const x = toMnist();
  if (!x) return;
  const p = await net.predict(x);                   // 10 probabilities, computed in the worker
  digit.textContent = p.indexOf(Math.max(...p));
}

// a thick round white pen; classify whenever a stroke ends
pen.lineWidth = 20;
pen.lineCap = pen.lineJoin = 'round';
pen.strokeStyle = 'white';
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  pen.beginPath();
  pen.moveTo(e.offsetX, e.offsetY);
  pen.lineTo(e.offsetX, e.offsetY);
  pen.stroke();
});
pad.addEventListener('pointermove', (e) => {
  if (!pad.hasPointerCapture(e.pointerId)) return;
  pen.lineTo(e.offsetX, e.offsetY);
  pen.stroke();
});
pad.addEventListener('pointerup', classify);
document.querySelector('#clear').addEventListener('click', clear);
clear();
