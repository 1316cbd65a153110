#!/usr/bin/env python3
"""Write the .npz fixtures of tests/js/npz.test.js with numpy, as a numpy user would.

Small networks in the seeds' layout (a params dict W1, b1, W2, b2, ...; W of inputs x outputs,
b of outputs, as in the seeds' TwoLayerNet), saved with np.savez or np.savez_compressed, with
inputs and the predictions numpy computes for them in float64 (expected.json). Also archives
that exercise the zip and .npy variants numpy and Python's zipfile produce (ZIP64 records,
data descriptors, .npy versions 2.0 and 3.0, integer dtypes, Fortran order), and malformed or
unsupported ones under bad/ that the loader must refuse.

    PYTHONPATH=/usr/lib/python3/dist-packages /usr/bin/python3 scripts/make-npz-fixtures.py

Needs numpy only. Fixed seeds, and zipfile dates entries opened by name 1980-01-01: reruns
write the same bytes.
"""
import io
import json
import os
import struct
import warnings
import zipfile
import zlib

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'npz')

# ---- the networks, in numpy --------------------------------------------------------------------

def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def softmax(a):
    e = np.exp(a - a.max(axis=1, keepdims=True))  # minus the max: no overflow
    return e / e.sum(axis=1, keepdims=True)


HIDDEN = {'sigmoid': sigmoid, 'tanh': np.tanh, 'relu': lambda a: np.maximum(a, 0)}
OUTPUT = {'softmax': softmax, 'sigmoid': sigmoid, 'identity': lambda a: a}


def init_params(sizes, rng, weight_std, bias_std, dtype):
    """The seeds' params dict: params['W1'] of (I, H), params['b1'] of (H,), and so on."""
    params = {}
    for l in range(1, len(sizes)):
        std = np.sqrt(2.0 / sizes[l - 1]) if weight_std == 'he' else weight_std
        # biases as training leaves them (not zero), so a lost or misplaced b shows
        params['W%d' % l] = (std * rng.standard_normal((sizes[l - 1], sizes[l]))).astype(dtype)
        params['b%d' % l] = (bias_std * rng.standard_normal(sizes[l])).astype(dtype)
    return params


def predict(params, x, activation, output):
    """the seeds' predict, in float64 whatever the stored dtype"""
    a = x.astype(np.float64)
    n = len(params) // 2
    for l in range(1, n + 1):
        a = a @ params['W%d' % l].astype(np.float64) + params['b%d' % l].astype(np.float64)
        a = HIDDEN[activation](a) if l < n else OUTPUT[output](a)
    return a


def floats(a):
    """a list of Python floats: json writes each with repr, which round-trips exactly"""
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


expected = {'models': {}, 'arrays': {}}


def model(saves, sizes, activation, output, seed, rows=6, weight_std=0.8, bias_std=0.3,
          dtype=np.float32, fortran=False):
    """a network saved by each of saves {file: save function}, with inputs and predictions"""
    rng = np.random.default_rng(seed)
    params = init_params(sizes, rng, weight_std, bias_std, dtype)
    x = rng.uniform(-2, 2, (rows, sizes[0])).astype(np.float32)  # float32: what nnwasm is given
    stored = dict(params)
    if fortran:
        # np.save writes an F-contiguous array as fortran_order True, its values column by column
        stored = {k: np.asfortranarray(v) if v.ndim == 2 else v for k, v in params.items()}
        assert all(v.flags.f_contiguous and not v.flags.c_contiguous for v in stored.values() if v.ndim == 2)
    for file, save in saves.items():
        save(os.path.join(OUT, file), **stored)
        check(file, params)
        expected['models'][file] = {
            'layers': sizes, 'activation': activation, 'output': output,
            'loss': 'mse' if output == 'identity' else 'cross_entropy',
            'dtype': np.dtype(dtype).name, 'x': floats(x),
            'predictions': floats(predict(params, x, activation, output)),
        }


def check(file, params):
    """np.load reads the archive back to the same arrays (and zipfile finds no bad CRC)"""
    path = os.path.join(OUT, file)
    assert zipfile.ZipFile(path).testzip() is None
    with np.load(path) as got:
        assert sorted(got.files) == sorted(params)
        for k, v in params.items():
            assert got[k].dtype == v.dtype and np.array_equal(got[k], v), (file, k)


# ---- zip variants numpy's readers accept ----------------------------------------------------------

class Unseekable(io.RawIOBase):
    """a write-only stream: zipfile then writes sizes and CRCs after the data (flag bit 3)"""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def savez_streamed(path, **params):
    stream = Unseekable()
    np.savez(stream, **params)
    with open(path, 'wb') as f:
        f.write(stream.data)


def npy_bytes(a, version=None):
    f = io.BytesIO()
    np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


def write_zip64(path, **params):
    """A stored zip with every ZIP64 record: local and central sizes (and offsets) 0xFFFFFFFF with
    the values in ZIP64 extra fields (after an unrelated extra field the reader must skip), a
    ZIP64 end record and locator, and an archive comment after the end record."""
    out = bytearray()
    central = bytearray()
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 1 << 5 | 1
    for name, a in params.items():
        data = npy_bytes(a)
        fname = (name + '.npy').encode()
        crc = zlib.crc32(data)
        other = struct.pack('<HHB4s', 0x5455, 5, 1, b'\0\0\0\0')  # an extended-timestamp field
        offset = len(out)
        extra = other + struct.pack('<HHQQ', 1, 16, len(data), len(data))
        out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 0, dos_time, dos_date, crc,
                           0xFFFFFFFF, 0xFFFFFFFF, len(fname), len(extra)) + fname + extra + data
        extra = other + struct.pack('<HHQQQ', 1, 24, len(data), len(data), offset)
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 0, dos_time, dos_date, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(fname), len(extra), 0, 0, 0, 0,
                               0xFFFFFFFF) + fname + extra
    cd_offset = len(out)
    out += central
    end64 = len(out)
    n = len(params)
    out += struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, n, n, len(central), cd_offset)
    out += struct.pack('<IIQI', 0x07064b50, 0, end64, 1)
    comment = b'written by scripts/make-npz-fixtures.py'
    out += struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                       len(comment)) + comment
    with open(path, 'wb') as f:
        f.write(out)


def zip_entries(path, entries, compression=zipfile.ZIP_STORED):
    """a zip of raw entries [(name, bytes)], opened as numpy opens them (force_zip64)"""
    with zipfile.ZipFile(path, 'w', compression=compression) as z:
        for name, data in entries:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')  # the duplicate-name fixture
                with z.open(name, 'w', force_zip64=True) as f:
                    f.write(data)


# ---- the fixtures ---------------------------------------------------------------------------------

os.makedirs(os.path.join(OUT, 'bad'), exist_ok=True)

# the seeds' TwoLayerNet shape: 4-5-3, sigmoid hidden, softmax out; stored and deflated
model({'two-layer-sigmoid.npz': np.savez, 'two-layer-sigmoid-compressed.npz': np.savez_compressed},
      [4, 5, 3], 'sigmoid', 'softmax', seed=1)
assert all(i.compress_type == zipfile.ZIP_DEFLATED
           for i in zipfile.ZipFile(os.path.join(OUT, 'two-layer-sigmoid-compressed.npz')).infolist())
# three layers, ReLU, He init, float64 as numpy's default dtype leaves them
model({'three-layer-relu-f64.npz': np.savez}, [3, 8, 6, 4], 'relu', 'softmax', seed=2,
      weight_std='he', dtype=np.float64)
# W in Fortran order, tanh, identity output, deflated
model({'fortran-tanh.npz': np.savez_compressed}, [5, 4, 3], 'tanh', 'identity', seed=3, fortran=True)
# sigmoid outputs, written to a stream that cannot seek: data descriptors after each entry
model({'streamed.npz': savez_streamed}, [2, 3, 2], 'sigmoid', 'sigmoid', seed=4)
# every ZIP64 record
model({'zip64.npz': write_zip64}, [3, 2, 2], 'tanh', 'softmax', seed=5)

# a network with integer parameters in .npy versions 1.0, 2.0 and 3.0
rng = np.random.default_rng(6)
ints = {'W1': rng.integers(-3, 4, (2, 3)).astype(np.int8),
        'b1': rng.integers(-2, 3, 3).astype(np.int16),
        'W2': np.asfortranarray(rng.integers(0, 3, (3, 2)).astype(np.uint8)),
        'b2': np.array([-1, 2], dtype=np.int64)}
versions = {'W1': (2, 0), 'b1': (3, 0), 'W2': (1, 0), 'b2': (2, 0)}
zip_entries(os.path.join(OUT, 'int-versions.npz'),
            [(k + '.npy', npy_bytes(v, versions[k])) for k, v in ints.items()])
x = rng.uniform(-1, 1, (4, 2)).astype(np.float32)
expected['models']['int-versions.npz'] = {
    'layers': [2, 3, 2], 'activation': 'sigmoid', 'output': 'sigmoid', 'loss': 'cross_entropy', 'dtype': 'int',
    'x': floats(x), 'predictions': floats(predict(ints, x, 'sigmoid', 'sigmoid'))}
check('int-versions.npz', ints)

# one array of each dtype readNpz knows, with extreme values, and a 3-D Fortran-order array
arrays = {}
for code in ('i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8'):
    info = np.iinfo(np.dtype(code))
    arrays[code] = np.array([info.min, -1 if info.min else 1, 0, info.max], dtype=np.dtype('<' + code))
arrays['f4'] = np.array([1.5, -0.0, np.float32(3.4028235e38), np.float32(1e-45)], dtype='<f4')
arrays['f8'] = np.array([0.1, -2.5e-310, 1.7976931348623157e308, 3.0], dtype='<f8')
arrays['cube'] = np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4))
arrays['scalar'] = np.array(7.25, dtype='<f8')
arrays['empty'] = np.zeros((0, 3), dtype='<f4')
np.savez(os.path.join(OUT, 'dtypes.npz'), **arrays)
check('dtypes.npz', arrays)
for k, v in arrays.items():
    # 64-bit integers as strings: JSON numbers would lose their low bits
    values = [str(int(e)) for e in v.ravel()] if v.dtype.itemsize == 8 and v.dtype.kind in 'iu' else \
        [float(e) for e in v.ravel()]
    expected['arrays'][k] = {'dtype': v.dtype.str[1:], 'shape': list(v.shape), 'values': values}

# ---- archives the loader must refuse ------------------------------------------------------------

bad = lambda f: os.path.join(OUT, 'bad', f)
rng = np.random.default_rng(7)
W1 = rng.standard_normal((4, 5)).astype(np.float32)
b1 = rng.standard_normal(5).astype(np.float32)
W2 = rng.standard_normal((5, 3)).astype(np.float32)
b2 = rng.standard_normal(3).astype(np.float32)

np.savez(bad('big-endian.npz'), W1=W1.astype('>f4'), b1=b1, W2=W2, b2=b2)
np.savez(bad('object.npz'), W1=np.array([[1.0, 'a']], dtype=object), b1=b1)
np.savez(bad('float16.npz'), W1=W1.astype(np.float16), b1=b1, W2=W2, b2=b2)
np.savez(bad('structured.npz'), W1=np.zeros(3, dtype=[('w', '<f4'), ('g', '<f4')]), b1=b1)
np.savez(bad('missing-b2.npz'), W1=W1, b1=b1, W2=W2)
# MultiLayerNetExtend's batch normalisation parameters between the dense layers
np.savez(bad('batchnorm.npz'), W1=W1, b1=b1, gamma1=np.ones(5, np.float32),
         beta1=np.zeros(5, np.float32), W2=W2, b2=b2)
np.savez(bad('positional.npz'), W1, b1, W2, b2)  # arr_0, arr_1, ...
np.savez(bad('no-chain.npz'), W1=W1, b1=b1, W2=rng.standard_normal((6, 3)).astype(np.float32), b2=b2)
np.savez(bad('b-row.npz'), W1=W1, b1=b1.reshape(1, 5), W2=W2, b2=b2)
np.savez(bad('w-flat.npz'), W1=W1.ravel(), b1=b1, W2=W2, b2=b2)
big = W1.astype(np.float64)
big[1, 2] = 1e39
np.savez(bad('f64-range.npz'), W1=big, b1=b1, W2=W2, b2=b2)
nan = W2.copy()
nan[4, 0] = np.nan
np.savez(bad('nan.npz'), W1=W1, b1=b1, W2=nan, b2=b2)


def npy_raw(header, data, version=(1, 0)):
    """a .npy with a header of our choosing (padded as numpy pads it)"""
    h = header.encode('latin1')
    size = 2 if version == (1, 0) else 4
    h += b' ' * (63 - (6 + 2 + size + len(h)) % 64) + b'\n'
    return b'\x93NUMPY' + bytes(version) + len(h).to_bytes(size, 'little') + h + data


f32 = W1.astype('<f4').tobytes()
zip_entries(bad('header-keys.npz'), [('W1.npy', npy_raw("{'descr': '<f4', 'shape': (4, 5), }", f32))])
zip_entries(bad('header-syntax.npz'), [('W1.npy', npy_raw("{'descr': '<f4', 'fortran_order': False, "
                                                          "'shape': (4, 5), ", f32))])
zip_entries(bad('npy-version.npz'), [('W1.npy', npy_raw("{'descr': '<f4', 'fortran_order': False, "
                                                        "'shape': (4, 5), }", f32, (4, 0)))])
zip_entries(bad('short-data.npz'), [('W1.npy', npy_raw("{'descr': '<f4', 'fortran_order': False, "
                                                       "'shape': (4, 5), }", f32[:-4]))])
zip_entries(bad('no-magic.npz'), [('W1.npy', b'W1 as text: 0.5 0.25\n')])
zip_entries(bad('not-npy.npz'), [('W1.npy', npy_bytes(W1)), ('notes.txt', b'trained on 2024-01-01\n')])
zip_entries(bad('duplicate.npz'), [('W1.npy', npy_bytes(W1)), ('W1.npy', npy_bytes(W1))])
zip_entries(bad('bzip2.npz'), [('W1.npy', npy_bytes(W1)), ('b1.npy', npy_bytes(b1))],
            compression=zipfile.ZIP_BZIP2)
assert zipfile.ZipFile(bad('bzip2.npz')).infolist()[0].compress_type == zipfile.ZIP_BZIP2

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
print('wrote', sorted(os.listdir(OUT)), sorted(os.listdir(os.path.join(OUT, 'bad'))))
