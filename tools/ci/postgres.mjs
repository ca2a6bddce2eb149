// Starts (or reuses) a throwaway PostgreSQL server on loopback for the tests, from the server binaries
// of the machine (Debian's postgresql package). Prints nothing but the connection URL on stdout.
//
//   node tools/ci/postgres.mjs start   -> prints postgres://... (idempotent: reuses a running server)
//   node tools/ci/postgres.mjs stop
//
// The cluster lives in .ci/.pg (git-ignored). As root, the server runs as the `postgres` user, because
// initdb refuses to run as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, chmodSync, chownSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';

const root = resolve(import.meta.dirname, '..', '..');
const dir = join(root, '.ci', '.pg');
const data = join(dir, 'data');
const port = Number(process.env.SHOTLINE_PG_PORT ?? 54329);
const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

function findBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : undefined;
}

function asServerUser(cmd, args) {
  const isRoot = userInfo().uid === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return spawnSync(file, argv, { encoding: 'utf8' });
}

function isReady(bin) {
  const r = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

const action = process.argv[2] ?? 'start';
const bin = findBin();
if (!bin) {
  console.error(
    'postgres: no server binaries under /usr/lib/postgresql (apt-get install postgresql)',
  );
  process.exit(3);
}

if (action === 'stop') {
  if (existsSync(data)) asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
  process.exit(0);
}

if (!isReady(bin)) {
  mkdirSync(dir, { recursive: true });
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  if (!existsSync(join(data, 'PG_VERSION'))) {
    const r = asServerUser(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    if (r.status !== 0) {
      console.error(`postgres: initdb failed:\n${r.stderr}`);
      process.exit(1);
    }
  }
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const r = asServerUser(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-o',
    opts,
    '-l',
    join(dir, 'server.log'),
    '-w',
    'start',
  ]);
  if (r.status !== 0) {
    console.error(`postgres: pg_ctl start failed:\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
}
console.log(url);
