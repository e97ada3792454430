// medium_assoc from postgres.js, written the way its users write it: tagged
// templates with plain values and JS arrays.  postgres.js asks the server for
// the parameters' types, so the typed helpers (<alias>_add(source,
// targets[]), ...) give it integers and integer arrays to send.
'use strict';
const postgres = require('postgres');
const assert = require('assert');

let passed = 0;
async function check(name, fn) {
  await fn();
  passed++;
  console.log(`ok ${passed} - ${name}`);
}

async function main() {
  const sql = postgres({ onnotice: () => {} });   // PGHOST, PGPORT, PGUSER, PGDATABASE
  const links = async (uid) =>
    (await sql`SELECT article_id FROM medium_reading_list WHERE user_id = ${uid} ORDER BY 1`)
      .map((r) => r.article_id);
  const uid = 1;

  await check('add one target (an array of one)', async () => {
    const [r] = await sql`SELECT reading_list_add(${uid}, ${[3]}) AS n`;
    assert.strictEqual(Number(r.n), 1);
  });
  await check('add many targets', async () => {
    const [r] = await sql`SELECT reading_list_add(${uid}, ${[3, 4, 5]}) AS n`;
    assert.strictEqual(Number(r.n), 2);
    assert.deepStrictEqual(await links(uid), [3, 4, 5]);
  });
  await check('add with through attributes (sql.json)', async () => {
    await sql`SELECT reading_list_add(${2}, ${[3, 4]}, ${sql.json({ note: 'later' })})`;
    const rows = await sql`SELECT note FROM medium_reading_list WHERE user_id = 2`;
    assert.deepStrictEqual(rows.map((r) => r.note), ['later', 'later']);
  });
  await check('reader', async () => {
    const rows = await sql`SELECT * FROM reading_list(${uid}) ORDER BY id`;
    assert.deepStrictEqual(rows.map((r) => r.id), [3, 4, 5]);
  });
  await check('batch reader with a JS array', async () => {
    const rows = await sql`SELECT source, (target).id FROM reading_list_batch(${[1, 2]}) ORDER BY 1, 2`;
    assert.deepStrictEqual(rows.map((r) => [r.source, r.id]), [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4]]);
  });
  await check('has one and many', async () => {
    assert.strictEqual((await sql`SELECT reading_list_has(${uid}, ${[4]}) AS h`)[0].h, true);
    assert.strictEqual((await sql`SELECT reading_list_has(${uid}, ${[4, 9]}) AS h`)[0].h, false);
  });
  await check('count', async () => {
    assert.strictEqual(Number((await sql`SELECT reading_list_count(${uid}) AS c`)[0].c), 3);
  });
  await check('set', async () => {
    const [r] = await sql`SELECT * FROM reading_list_set(${uid}, ${[5, 6]})`;
    assert.deepStrictEqual([Number(r.added), Number(r.removed)], [1, 2]);
    assert.deepStrictEqual(await links(uid), [5, 6]);
  });
  await check('set to empty', async () => {
    const [r] = await sql`SELECT * FROM reading_list_set(${uid}, ${[]})`;
    assert.deepStrictEqual([Number(r.added), Number(r.removed)], [0, 2]);
  });
  await check('remove one and many', async () => {
    assert.strictEqual(Number((await sql`SELECT reading_list_remove(${2}, ${[3]}) AS n`)[0].n), 1);
    assert.strictEqual(Number((await sql`SELECT reading_list_remove(${2}, ${[3, 4]}) AS n`)[0].n), 1);
    assert.deepStrictEqual(await links(2), []);
  });
  await check('the generic helpers with single values', async () => {
    const [r] = await sql`SELECT medium_assoc.add('reading_list', ${uid}, ${7}) AS n`;
    assert.strictEqual(Number(r.n), 1);
    assert.strictEqual((await sql`SELECT medium_assoc.has('reading_list', ${uid}, ${7}) AS h`)[0].h, true);
  });
  await check('an error names its SQLSTATE and the association', async () => {
    await assert.rejects(sql`SELECT reading_list_add(${uid}, ${[999]})`,
      (e) => e.code === '23503' && /reading_list/.test(e.message));
  });
  await sql.end();
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});
