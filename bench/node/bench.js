#!/usr/bin/env node
'use strict';

// Sequelize 6 belongsToMany vs the medium_assoc readers through node-postgres.
//
//   lazy:  await user.getReading_list()           (one user, instance fetched beforehand)
//          SELECT * FROM reading_list($1)         (medium_assoc reader)
//          hand-written join                      (node-postgres)
//   eager: MediumUser.findAll({ include: reading_list }) for users 1..N
//          SELECT * FROM reading_list_batch($1)   (medium_assoc batch reader)
//          hand-written join with = ANY($1)       (node-postgres)
//
// Every case runs on one connection with one query in flight.  The cases of a
// scenario run in interleaved rounds (the order rotates each round); a case's
// result is the median of its per-round ops/s.
//
// Connection: the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
// PGDATABASE).  Settings (environment variable or --option):
//   BENCH_SECONDS     --seconds     time per case, split over the rounds  (5)
//   BENCH_ROUNDS      --rounds      interleaved rounds                    (10)
//   BENCH_ITERATIONS  --iterations  fixed operations per case per round
//                                   instead of a duration                 (unset)
//   BENCH_WARMUP      --warmup      untimed seconds per case first        (0.5)
//   BENCH_USERS       --users       users loaded by the eager case        (1000)
//   BENCH_LAZY_USERS  --lazyusers   the lazy case picks from users 1..N   (10000)
//   BENCH_SEED        --seed        seed of the random user sequence      (42)
//   BENCH_OUT         --out         markdown output                       (results/latest.md)

const fs = require('fs');
const os = require('os');
const path = require('path');
const pg = require('pg');
const { Sequelize, DataTypes, Op } = require('sequelize');

// ---------------------------------------------------------------- settings

function settings() {
  const opts = {
    seconds: process.env.BENCH_SECONDS,
    rounds: process.env.BENCH_ROUNDS,
    iterations: process.env.BENCH_ITERATIONS,
    warmup: process.env.BENCH_WARMUP,
    users: process.env.BENCH_USERS,
    lazyusers: process.env.BENCH_LAZY_USERS,
    seed: process.env.BENCH_SEED,
    out: process.env.BENCH_OUT,
  };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in opts)) {
      if (argv[i] !== '--help') console.error(`unknown argument: ${argv[i]}`);
      console.error('usage: node bench.js [--seconds S] [--rounds N] [--iterations N] '
        + '[--warmup S] [--users N] [--lazyusers N] [--seed N] [--out FILE]');
      process.exit(argv[i] === '--help' ? 0 : 2);
    }
    opts[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
  }
  const num = (v, dflt, name, min) => {
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) {
      console.error(`${name} must be a number >= ${min}, got ${v}`);
      process.exit(2);
    }
    return n;
  };
  return {
    seconds: num(opts.seconds, 5, 'seconds', 0.01),
    rounds: Math.round(num(opts.rounds, 10, 'rounds', 1)),
    iterations: opts.iterations ? Math.round(num(opts.iterations, 0, 'iterations', 1)) : null,
    warmup: num(opts.warmup, 0.5, 'warmup', 0),
    users: Math.round(num(opts.users, 1000, 'users', 1)),
    lazyUsers: Math.round(num(opts.lazyusers, 10000, 'lazyusers', 1)),
    seed: Math.round(num(opts.seed, 42, 'seed', 0)),
    out: opts.out || path.join(__dirname, 'results', 'latest.md'),
  };
}

function connectionParams() {
  const user = process.env.PGUSER || os.userInfo().username;
  return {
    host: process.env.PGHOST || 'localhost',
    port: Number(process.env.PGPORT || 5432),
    user,
    password: process.env.PGPASSWORD,
    database: process.env.PGDATABASE || user,
  };
}

// ---------------------------------------------------------------- models

function defineModels(sequelize) {
  const common = { timestamps: false, underscored: true, freezeTableName: true };

  const MediumUser = sequelize.define('MediumUser', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    username: { type: DataTypes.TEXT, allowNull: false },
  }, { ...common, tableName: 'medium_users' });

  const MediumArticle = sequelize.define('MediumArticle', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    title: { type: DataTypes.TEXT, allowNull: false },
    body: { type: DataTypes.TEXT },
    author_id: { type: DataTypes.INTEGER },
    created_at: { type: DataTypes.DATE },
  }, { ...common, tableName: 'medium_articles' });

  const MediumReadingList = sequelize.define('MediumReadingList', {
    user_id: { type: DataTypes.INTEGER, primaryKey: true },
    article_id: { type: DataTypes.INTEGER, primaryKey: true },
    saved_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
  }, { ...common, tableName: 'medium_reading_list' });

  MediumUser.belongsToMany(MediumArticle, {
    as: 'reading_list',
    through: MediumReadingList,
    foreignKey: 'user_id',
    otherKey: 'article_id',
  });

  return { MediumUser, MediumArticle, MediumReadingList };
}

// ---------------------------------------------------------------- SQL

const SQL = {
  reader: 'SELECT * FROM reading_list($1)',
  handOne: 'SELECT a.* FROM medium_reading_list rl'
    + ' JOIN medium_articles a ON a.id = rl.article_id'
    + ' WHERE rl.user_id = $1',
  batch: 'SELECT * FROM reading_list_batch($1)',
  batchExpanded: 'SELECT source, (target).* FROM reading_list_batch($1)',
  handMany: 'SELECT rl.user_id AS source, a.* FROM medium_reading_list rl'
    + ' JOIN medium_articles a ON a.id = rl.article_id'
    + ' WHERE rl.user_id = ANY($1)',
};

// ---------------------------------------------------------------- timing

const now = () => Number(process.hrtime.bigint()) / 1e9;

// mulberry32: a small deterministic PRNG, so every run loads the same users
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// run fn(i) for i = 0, 1, ... for `seconds` (or `iterations` times); ops/s
async function timeCase(fn, { seconds, iterations }) {
  let n = 0;
  const start = now();
  if (iterations) {
    for (; n < iterations; n++) await fn(n);
  } else {
    const deadline = start + seconds;
    do { await fn(n++); } while (now() < deadline);
  }
  return n / (now() - start);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// cases: [{ key, fn }]; returns { key: { median, rounds: [...] } }
async function runScenario(title, cases, cfg) {
  const perRound = cfg.seconds / cfg.rounds;
  if (cfg.warmup > 0) {
    for (const c of cases) await timeCase(c.fn, { seconds: cfg.warmup });
  }
  const samples = Object.fromEntries(cases.map((c) => [c.key, []]));
  for (let r = 0; r < cfg.rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(r + j) % cases.length];
      samples[c.key].push(await timeCase(c.fn, { seconds: perRound, iterations: cfg.iterations }));
    }
    process.stderr.write(`  ${title}: round ${r + 1}/${cfg.rounds} done\n`);
  }
  const out = {};
  for (const c of cases) out[c.key] = { median: median(samples[c.key]), rounds: samples[c.key] };
  return out;
}

// ---------------------------------------------------------------- checks

function assert(cond, msg) {
  if (!cond) throw new Error(`result check failed: ${msg}`);
}

const sortedIds = (xs) => xs.map(Number).sort((a, b) => a - b).join(',');

// all three lazy loaders return the same articles
async function checkLazy(users, client, uids) {
  let links = 0;
  for (const uid of uids) {
    const user = users.get(uid);
    const viaOrm = (await user.getReading_list()).map((a) => a.id);
    const viaReader = (await client.query(SQL.reader, [uid])).rows;
    const viaHand = (await client.query(SQL.handOne, [uid])).rows.map((a) => a.id);
    assert(sortedIds(viaOrm) === sortedIds(viaReader.map((a) => a.id)),
      `reading_list(${uid}) differs from getReading_list()`);
    assert(sortedIds(viaOrm) === sortedIds(viaHand),
      `hand join for ${uid} differs from getReading_list()`);
    if (viaReader.length > 0) {
      const cols = Object.keys(viaReader[0]);
      for (const c of ['id', 'title', 'body', 'author_id', 'created_at']) {
        assert(cols.includes(c), `reading_list(${uid}) has no column ${c}: ${cols.join(',')}`);
      }
    }
    links += viaOrm.length;
  }
  assert(links > 0, `none of users ${uids.join(',')} has a reading list`);
}

// all eager loaders return the same (user, article) pairs; returns the link count
async function checkEager(MediumUser, MediumArticle, client, ids) {
  const byUser = (pairs) => {
    const m = new Map();
    for (const [u, a] of pairs) {
      if (!m.has(u)) m.set(u, []);
      m.get(u).push(a);
    }
    return [...m.keys()].sort((a, b) => a - b)
      .map((u) => `${u}:${sortedIds(m.get(u))}`).join(';');
  };
  const users = await MediumUser.findAll({
    where: { id: { [Op.lte]: ids.length } },
    include: [{ model: MediumArticle, as: 'reading_list' }],
  });
  const orm = users.flatMap((u) => u.reading_list.map((a) => [u.id, a.id]));

  const batch = (await client.query(SQL.batch, [ids])).rows;
  // node-postgres has no parser for the table's row type: target arrives as
  // the composite's text form "(id,title,...)"; its first field is the id
  const batchPairs = batch.map((r) => {
    assert(typeof r.target === 'string' && r.target[0] === '(',
      `reading_list_batch target arrived as ${typeof r.target}`);
    return [r.source, parseInt(r.target.slice(1), 10)];
  });
  const expanded = (await client.query(SQL.batchExpanded, [ids])).rows.map((r) => [r.source, r.id]);
  const hand = (await client.query(SQL.handMany, [ids])).rows.map((r) => [r.source, r.id]);

  const want = byUser(orm);
  assert(orm.length > 0, 'eager load found no links');
  assert(byUser(batchPairs) === want, 'reading_list_batch differs from findAll include');
  assert(byUser(expanded) === want, 'reading_list_batch (target).* differs from findAll include');
  assert(byUser(hand) === want, 'hand join = ANY differs from findAll include');
  return { users: users.length, links: orm.length };
}

// ---------------------------------------------------------------- report

const fmtOps = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtMs = (ops) => (1000 / ops).toFixed(3);
const fmtX = (x) => `${x.toFixed(2)}x`;

// rows: [{ key, label }], res from runScenario, ref: key of the medium_assoc row
function table(rows, res, ref) {
  const lines = [
    '| method | ops/s (median) | ms/op | medium_assoc is N x as fast | rounds (ops/s) |',
    '|---|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const m = res[r.key].median;
    lines.push(`| ${r.label} | ${fmtOps(m)} | ${fmtMs(m)} | ${fmtX(res[ref].median / m)} | `
      + `${res[r.key].rounds.map(fmtOps).join(', ')} |`);
  }
  return lines.join('\n');
}

function versionOf(pkg) {
  return require(path.join(pkg, 'package.json')).version;
}

// ---------------------------------------------------------------- main

async function main() {
  const cfg = settings();
  const conn = connectionParams();

  const client = new pg.Client(conn);
  await client.connect();
  const sequelize = new Sequelize(conn.database, conn.user, conn.password, {
    host: conn.host,
    port: conn.port,
    dialect: 'postgres',
    dialectModule: pg,
    logging: false,
    pool: { max: 1, min: 1 },
  });
  const { MediumUser, MediumArticle } = defineModels(sequelize);

  try {
    const server = (await client.query('SHOW server_version')).rows[0].server_version;
    const ext = (await client.query(
      "SELECT extversion FROM pg_extension WHERE extname = 'medium_assoc'")).rows[0];
    assert(ext, 'extension medium_assoc is not installed in this database (CREATE EXTENSION medium_assoc)');
    const assoc = (await client.query(
      "SELECT 1 FROM medium_assoc.associations WHERE name = 'reading_list'")).rows[0];
    assert(assoc, 'association reading_list is not registered (run bench/node/setup.sql)');
    const counts = (await client.query(
      `SELECT (SELECT count(*) FROM medium_users)::int AS users,
              (SELECT count(*) FROM medium_articles)::int AS articles,
              (SELECT count(*) FROM medium_reading_list)::int AS links,
              (SELECT count(*) FROM medium_users WHERE id <= $1)::int AS eager_users`,
      [cfg.users])).rows[0];
    assert(counts.eager_users === cfg.users,
      `users 1..${cfg.users} should exist, found ${counts.eager_users}`);

    // the user instances, fetched once: the lazy case times the getter only
    const instances = await MediumUser.findAll({ where: { id: { [Op.lte]: cfg.lazyUsers } } });
    assert(instances.length > 0, `no users with id <= ${cfg.lazyUsers}`);
    const users = new Map(instances.map((u) => [u.id, u]));
    const uidPool = [...users.keys()].sort((a, b) => a - b);
    const lazyPool = uidPool.length;
    const rand = prng(cfg.seed);
    const seq = Array.from({ length: 10007 }, () => uidPool[Math.floor(rand() * uidPool.length)]);
    const uidAt = (i) => seq[i % seq.length];
    const ids = Array.from({ length: cfg.users }, (_, i) => i + 1);

    await checkLazy(users, client, seq.slice(0, 20));
    const eager = await checkEager(MediumUser, MediumArticle, client, ids);

    console.log(`node ${process.version}, sequelize ${versionOf('sequelize')}, `
      + `pg ${versionOf('pg')}, PostgreSQL ${server}, medium_assoc ${ext.extversion}`);
    console.log(`data: ${counts.users} users, ${counts.articles} articles, ${counts.links} links; `
      + `eager: ${eager.users} users, ${eager.links} links`);
    console.log(cfg.iterations
      ? `timing: ${cfg.rounds} interleaved rounds x ${cfg.iterations} ops per case, median`
      : `timing: ${cfg.seconds} s per case in ${cfg.rounds} interleaved rounds, median`);

    const lazy = await runScenario('lazy', [
      { key: 'orm', fn: (i) => users.get(uidAt(i)).getReading_list() },
      { key: 'reader', fn: (i) => client.query(SQL.reader, [uidAt(i)]) },
      { key: 'hand', fn: (i) => client.query(SQL.handOne, [uidAt(i)]) },
      { key: 'handPrepared', fn: (i) => client.query({ name: 'hand_one', text: SQL.handOne, values: [uidAt(i)] }) },
    ], cfg);

    const include = [{ model: MediumArticle, as: 'reading_list' }];
    const where = { id: { [Op.lte]: cfg.users } };
    const eagerRes = await runScenario('eager', [
      { key: 'orm', fn: () => MediumUser.findAll({ where, include }) },
      { key: 'batch', fn: () => client.query(SQL.batch, [ids]) },
      { key: 'expanded', fn: () => client.query(SQL.batchExpanded, [ids]) },
      { key: 'hand', fn: () => client.query(SQL.handMany, [ids]) },
    ], cfg);

    const lazyRows = [
      { key: 'orm', label: 'Sequelize `await user.getReading_list()`' },
      { key: 'reader', label: 'medium_assoc `SELECT * FROM reading_list($1)`' },
      { key: 'hand', label: 'hand-written join (node-postgres)' },
      { key: 'handPrepared', label: 'hand-written join, named prepared statement (node-postgres)' },
    ];
    const eagerRows = [
      { key: 'orm', label: 'Sequelize `findAll({ include: reading_list })`' },
      { key: 'batch', label: 'medium_assoc `SELECT * FROM reading_list_batch($1)`' },
      { key: 'expanded', label: 'medium_assoc `SELECT source, (target).* FROM reading_list_batch($1)`' },
      { key: 'hand', label: 'hand-written join `= ANY($1)` (node-postgres)' },
    ];
    const r = (res, a, b) => fmtX(res[a].median / res[b].median);
    const summary = [
      `- lazy: \`reading_list($1)\` is ${r(lazy, 'reader', 'orm')} as fast as `
        + `\`user.getReading_list()\`, ${r(lazy, 'reader', 'hand')} as fast as the hand-written join `
        + `(${r(lazy, 'reader', 'handPrepared')} as a named prepared statement).`,
      `- eager (${eager.users} users): \`reading_list_batch($1)\` is ${r(eagerRes, 'batch', 'orm')} as fast as `
        + `Sequelize \`findAll\` with \`include\`, ${r(eagerRes, 'batch', 'hand')} as fast as the hand-written join; `
        + `with \`(target).*\` expanded: ${r(eagerRes, 'expanded', 'orm')} and ${r(eagerRes, 'expanded', 'hand')}.`,
    ].join('\n');

    const cpus = os.cpus();
    const md = [
      '# medium_assoc vs Sequelize 6 (node-postgres)',
      '',
      `- node ${process.version}, sequelize ${versionOf('sequelize')}, pg ${versionOf('pg')}, `
        + `pg-hstore ${versionOf('pg-hstore')}; PostgreSQL ${server}, medium_assoc ${ext.extversion}`,
      `- ${cpus.length} x ${cpus.length ? cpus[0].model.trim() : 'unknown CPU'}, ${os.platform()} ${os.arch()}`,
      `- data: ${counts.users} users, ${counts.articles} articles, ${counts.links} reading-list links; `
        + `eager load: users 1..${cfg.users} (${eager.links} links)`,
      `- ${cfg.iterations
        ? `${cfg.iterations} operations per case per round`
        : `${cfg.seconds} s per case`}, ${cfg.rounds} interleaved rounds, median; `
        + 'one connection per client, one query in flight; lazy users drawn at random '
        + `(seed ${cfg.seed}) from the ${lazyPool} users with id <= ${cfg.lazyUsers}, `
        + 'Sequelize instances fetched beforehand',
      `- ${new Date().toISOString().slice(0, 10)}`,
      '',
      '## Lazy load: one user\'s reading list',
      '',
      table(lazyRows, lazy, 'reader'),
      '',
      `## Eager load: ${eager.users} users with their reading lists`,
      '',
      table(eagerRows, eagerRes, 'batch'),
      '',
      '## Summary',
      '',
      summary,
      '',
      'Sequelize rows are model instances (with the through row attached, Sequelize\'s default);',
      'node-postgres rows are plain objects. node-postgres sends a query with parameters as an',
      'unnamed statement, parsed and planned at every call; the named prepared statement is',
      'parsed once per connection with its plan cached (as is a reader\'s own query).',
      '`SELECT * FROM reading_list_batch($1)` returns',
      '`target` as the row type\'s text form, which node-postgres does not parse;',
      '`(target).*` returns the article columns as separate, parsed columns.',
      '',
    ].join('\n');

    console.log('\n## Lazy load: one user\'s reading list\n');
    console.log(table(lazyRows, lazy, 'reader'));
    console.log(`\n## Eager load: ${eager.users} users with their reading lists\n`);
    console.log(table(eagerRows, eagerRes, 'batch'));
    console.log(`\n${summary}`);

    fs.mkdirSync(path.dirname(cfg.out), { recursive: true });
    fs.writeFileSync(cfg.out, md);
    console.log(`\nwrote ${path.relative(process.cwd(), cfg.out) || cfg.out}`);
  } finally {
    await client.end();
    await sequelize.close();
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
