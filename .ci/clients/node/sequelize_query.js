// medium_assoc from Sequelize 6, written the way its users write raw
// queries: sequelize.query(sql, { bind }) and { replacements }, on the
// tables sequelize-cli migrations make (.ci/clients/sequelize_cli.sql),
// whose NOT NULL "createdAt"/"updatedAt" the association fills.  The models
// are defined too, and read the links medium_assoc writes.
'use strict';
const { Sequelize, DataTypes, QueryTypes } = require('sequelize');
const assert = require('assert');

let passed = 0;
async function check(name, fn) {
  await fn();
  passed++;
  console.log(`ok ${passed} - ${name}`);
}

async function main() {
  const sequelize = new Sequelize(process.env.PGDATABASE, process.env.PGUSER,
    process.env.PGPASSWORD || null,
    { host: process.env.PGHOST, port: process.env.PGPORT, dialect: 'postgres', logging: false });
  const MediumUser = sequelize.define('MediumUser', { username: DataTypes.STRING });
  const MediumArticle = sequelize.define('MediumArticle', { title: DataTypes.STRING });
  const MediumReadingList = sequelize.define('MediumReadingList', {
    userId: DataTypes.INTEGER, articleId: DataTypes.INTEGER,
  });
  MediumUser.belongsToMany(MediumArticle, { through: MediumReadingList, as: 'readingList', foreignKey: 'userId', otherKey: 'articleId' });

  const scalar = async (sql, opts) =>
    Object.values((await sequelize.query(sql, { type: QueryTypes.SELECT, ...opts }))[0])[0];
  const titles = async (userId) => (await (await MediumUser.findByPk(userId))
    .getReadingList({ order: [['id', 'ASC']] })).map((a) => a.title);

  await check('add with bind (an array)', async () => {
    assert.strictEqual(Number(await scalar('SELECT "readingList_add"($1, $2)', { bind: [1, [1, 2, 3]] })), 3);
    assert.deepStrictEqual(await titles(1), ['article 1', 'article 2', 'article 3']);
  });
  await check('timestamps filled as Sequelize fills them', async () => {
    const rows = await MediumReadingList.findAll({ where: { userId: 1 } });
    assert.ok(rows.every((r) => r.createdAt instanceof Date && r.updatedAt instanceof Date));
  });
  await check('add with replacements (a list inside ARRAY[])', async () => {
    assert.strictEqual(Number(await scalar('SELECT "readingList_add"(:userId, ARRAY[:ids])',
      { replacements: { userId: 2, ids: [4, 5] } })), 2);
  });
  await check('add with the generic helper and bind', async () => {
    assert.strictEqual(Number(await scalar('SELECT medium_assoc.add($1, $2, $3)',
      { bind: ['readingList', 2, [6]] })), 1);
  });
  await check('reader, as getReadingList() reads it', async () => {
    const rows = await sequelize.query('SELECT * FROM "readingList"($1) ORDER BY id',
      { bind: [2], type: QueryTypes.SELECT });
    assert.deepStrictEqual(rows.map((r) => r.title), await titles(2));
  });
  await check('batch reader with bind', async () => {
    const rows = await sequelize.query('SELECT source, (target).id FROM "readingList_batch"($1) ORDER BY 1, 2',
      { bind: [[1, 2]], type: QueryTypes.SELECT });
    assert.strictEqual(rows.length, 6);
  });
  await check('has and count', async () => {
    assert.strictEqual(await scalar('SELECT "readingList_has"(:u, ARRAY[:ids])', { replacements: { u: 1, ids: [1, 2] } }), true);
    assert.strictEqual(await scalar('SELECT "readingList_has"($1, $2)', { bind: [1, [1, 9]] }), false);
    assert.strictEqual(Number(await scalar('SELECT "readingList_count"($1)', { bind: [1] })), 3);
    assert.strictEqual(Number(await scalar('SELECT medium_assoc.count(:name, :u)', { replacements: { name: 'readingList', u: 1 } })), 3);
  });
  await check('set and set to empty', async () => {
    const [r] = await sequelize.query('SELECT * FROM "readingList_set"($1, $2)', { bind: [1, [3, 4]], type: QueryTypes.SELECT });
    assert.deepStrictEqual([Number(r.added), Number(r.removed)], [1, 2]);
    const [e] = await sequelize.query('SELECT * FROM "readingList_set"($1, $2)', { bind: [1, []], type: QueryTypes.SELECT });
    assert.deepStrictEqual([Number(e.added), Number(e.removed)], [0, 2]);
    assert.deepStrictEqual(await titles(1), []);
  });
  await check('remove', async () => {
    assert.strictEqual(Number(await scalar('SELECT "readingList_remove"($1, $2)', { bind: [2, [4, 6]] })), 2);
    assert.deepStrictEqual(await titles(2), ['article 5']);
  });
  await sequelize.close();
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});
