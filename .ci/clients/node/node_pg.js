// medium_assoc from node-postgres, written the way its users write it:
// client.query(text, values), parameters sent untyped, arrays as JS arrays,
// objects as JSON; a few with the casts node-postgres users add by habit.
// Every helper's answer is compared with the table itself.
'use strict';
const { Client } = require('pg');
const assert = require('assert');

let passed = 0;
async function check(name, fn) {
  await fn();
  passed++;
  console.log(`ok ${passed} - ${name}`);
}

async function main() {
  const client = new Client();   // PGHOST, PGPORT, PGUSER, PGDATABASE
  await client.connect();
  const links = async (uid) =>
    (await client.query(
      'SELECT article_id FROM medium_reading_list WHERE user_id = $1 ORDER BY 1', [uid]))
      .rows.map((r) => r.article_id);
  const one = async (text, values) => Object.values((await client.query(text, values)).rows[0])[0];

  await check('add one target', async () => {
    assert.strictEqual(await one('SELECT medium_assoc.add($1, $2, $3)', ['reading_list', 1, 3]), '1');
    assert.deepStrictEqual(await links(1), [3]);
  });
  await check('add many targets (a JS array)', async () => {
    assert.strictEqual(await one('SELECT medium_assoc.add($1, $2, $3)', ['reading_list', 1, [3, 4, 5]]), '2');
    assert.deepStrictEqual(await links(1), [3, 4, 5]);
  });
  await check('add with through attributes (a JS object)', async () => {
    await client.query('SELECT medium_assoc.add($1, $2, $3, $4)', ['reading_list', 2, [3], { note: 'later' }]);
    const r = await client.query('SELECT note FROM medium_reading_list WHERE user_id = 2 AND article_id = 3');
    assert.strictEqual(r.rows[0].note, 'later');
  });
  await check('add with the targets cast, the source not', async () => {
    assert.strictEqual(await one('SELECT medium_assoc.add($1, $2, $3::int[])', ['reading_list', 2, [4]]), '1');
  });
  await check('reader', async () => {
    const r = await client.query('SELECT * FROM reading_list($1) ORDER BY id', [1]);
    assert.deepStrictEqual(r.rows.map((a) => a.id), [3, 4, 5]);
    assert.ok('title' in r.rows[0]);
  });
  await check('link rows: a page with the link columns, parsed', async () => {
    const r = await client.query(
      'SELECT * FROM reading_list_links($1) ORDER BY id DESC LIMIT $2', [2, 1]);
    assert.strictEqual(r.rows.length, 1);
    assert.strictEqual(r.rows[0].id, 4);
    assert.strictEqual(r.rows[0].link_user_id, 2);
    assert.strictEqual(r.rows[0].link_article_id, 4);
    assert.ok('title' in r.rows[0] && 'link_note' in r.rows[0]);
  });
  await check('link rows of many users, by an array', async () => {
    const r = await client.query(
      'SELECT u.id AS user_id, l.id FROM medium_users u CROSS JOIN LATERAL reading_list_links(u.id) l' +
      ' WHERE u.id = ANY($1) ORDER BY 1, 2', [[1, 2]]);
    assert.deepStrictEqual(r.rows.map((x) => [x.user_id, x.id]), [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4]]);
  });
  await check('documents: a JS array of objects with the link nested', async () => {
    const r = await client.query('SELECT reading_list FROM reading_list_json($1, $2)', [2, ['note']]);
    const docs = r.rows[0].reading_list.sort((a, b) => a.id - b.id);
    assert.deepStrictEqual(docs.map((d) => d.id), [3, 4]);
    assert.deepStrictEqual(docs[0].medium_reading_list, { note: 'later' });
  });
  await check('batch reader with a JS array', async () => {
    const r = await client.query(
      'SELECT source, (target).id FROM reading_list_batch($1) ORDER BY 1, 2', [[1, 2]]);
    assert.deepStrictEqual(r.rows.map((x) => [x.source, x.id]), [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4]]);
  });
  await check('has one and many', async () => {
    assert.strictEqual(await one('SELECT medium_assoc.has($1, $2, $3)', ['reading_list', 1, 4]), true);
    assert.strictEqual(await one('SELECT medium_assoc.has($1, $2, $3)', ['reading_list', 1, [4, 9]]), false);
    assert.strictEqual(await one('SELECT medium_assoc.has($1, $2::int, $3)', ['reading_list', 1, [3, 5]]), true);
  });
  await check('count', async () => {
    assert.strictEqual(await one('SELECT medium_assoc.count($1, $2)', ['reading_list', 1]), '3');
  });
  await check('set', async () => {
    const r = await client.query('SELECT * FROM medium_assoc.set($1, $2, $3)', ['reading_list', 1, [5, 6]]);
    assert.deepStrictEqual(r.rows[0], { added: '1', removed: '2' });
    assert.deepStrictEqual(await links(1), [5, 6]);
  });
  await check('set to empty', async () => {
    const r = await client.query('SELECT * FROM medium_assoc.set($1, $2, $3)', ['reading_list', 1, []]);
    assert.deepStrictEqual(r.rows[0], { added: '0', removed: '2' });
    assert.deepStrictEqual(await links(1), []);
  });
  await check('remove one and many', async () => {
    assert.strictEqual(await one('SELECT medium_assoc.remove($1, $2, $3)', ['reading_list', 2, 3]), '1');
    assert.strictEqual(await one('SELECT medium_assoc.remove($1, $2, $3)', ['reading_list', 2, [3, 4]]), '1');
    assert.deepStrictEqual(await links(2), []);
  });
  await check('an error names its SQLSTATE and the association', async () => {
    await assert.rejects(client.query('SELECT medium_assoc.add($1, $2, $3)', ['reading_list', 1, 999]),
      (e) => e.code === '23503' && /reading_list/.test(e.message));
  });
  await client.end();
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});
