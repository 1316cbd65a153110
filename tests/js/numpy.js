// python3 with numpy for the tests that compare with it, or null when this machine has none
// (Debian's python3-numpy lives in /usr/lib/python3/dist-packages, which a python3 from
// elsewhere does not search). Not a test file: the npz, examples and browser tests share it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** @returns {Promise<{python: string, env: object} | null>} */
export async function numpyPython() {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const env = { ...process.env, PYTHONPATH: ['/usr/lib/python3/dist-packages', process.env.PYTHONPATH].filter(Boolean).join(':') };
  try {
    await run(python, ['-c', 'import numpy'], { env });
    return { python, env };
  } catch {
    return null;
  }
}
