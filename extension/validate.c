/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  Validation of an association against the system catalogs: tables,
 *	  key columns, key uniqueness, foreign-key inference, comparability of
 *	  key types, the scope and through_attrs.  Also derives the run-time
 *	  description (types and equality operators) of a registered one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_trigger.h"
#include "access/genam.h"
#include "utils/fmgroids.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "medium_assoc.h"

static const char *const key_argname[MA_NKEYS] = {
	"foreign_key", "other_key", "source_key", "target_key"
};

static void check_alias(const char *name);
static void check_target_scope(AssocDef *def);
static bool column_not_null(Oid relid, AttrNumber attnum);
static AttrNumber timestamp_column_named(Oid through, const char *name1,
										 const char *name2);
static bool timestamps_given(AssocDef *def, bool *mentioned);
static void check_timestamp_column(const AssocDef *def, int i);
static void resolve_timestamps(AssocDef *def);
static AttrNumber single_column_fk_target(Oid through, AttrNumber col,
										  Oid referenced);
static void key_from_columns_foreign_key(AssocDef *def, int fk, int key);
static void check_foreign_key_agrees(const AssocDef *def, int fk, int key);
static void keys_from_only_foreign_key(AssocDef *def, int fk, int key);
static bool triggers_fire(Oid conoid);
static bool column_writable(Oid relid, AttrNumber attnum);
static void check_table(Oid relid, const char *argname);
static AttrNumber column_attnum(Oid relid, const char *colname);
static Oid	unique_index_on(Oid relid, AttrNumber attnum, Oid excluding);
static AttrNumber resolve_unique_key(Oid relid, const char *colname,
									 const char *argname);
static AttrNumber infer_foreign_key(Oid through, Oid referenced,
									AttrNumber refattnum, AttrNumber exclude,
									const char *argname);
static Oid	equality_operator(Oid ltype, Oid rtype);
static void check_comparable(const AssocDef *def, int fk, int key);
static void check_same_collation(const AssocDef *def, int fk, int key);
static Oid	get_attcollation_of(Oid relid, AttrNumber attnum);
static const char *collation_name(Oid collation);
static void check_scope_values(const AssocDef *def);
static void resolve_has_many_keys(AssocDef *def);
static void resolve_belongs_to_many_keys(AssocDef *def);
static void resolve_belongs_to_keys(AssocDef *def);
static void check_scope(AssocDef *def);

/*
 * ma_validate_definition
 *		Check a definition given to belongs_to_many and complete it: key
 *		names left NULL are inferred, attribute numbers are filled in.
 *		Raises the SQLSTATEs the contract lists; changes nothing.
 */
void
ma_validate_definition(AssocDef *def)
{
	check_alias(def->name);
	check_table(def->source, "source");
	check_table(def->target, "target");
	check_table(def->through, "through");

	if (ma_has_many(def))
		resolve_has_many_keys(def);
	else if (ma_belongs_to(def))
		resolve_belongs_to_keys(def);
	else
		resolve_belongs_to_many_keys(def);

	/* store the names as the catalog spells them */
	def->keyname[MA_FK] = get_attname(def->through, def->keyattnum[MA_FK], false);
	def->keyname[MA_OK] = get_attname(def->through, def->keyattnum[MA_OK], false);
	def->keyname[MA_SK] = get_attname(def->source, def->keyattnum[MA_SK], false);
	def->keyname[MA_TK] = get_attname(def->target, def->keyattnum[MA_TK], false);

	check_comparable(def, MA_FK, MA_SK);
	check_comparable(def, MA_OK, MA_TK);
	check_foreign_key_agrees(def, MA_FK, MA_SK);
	check_foreign_key_agrees(def, MA_OK, MA_TK);
	check_scope(def);
	check_scope_values(def);
	check_target_scope(def);
	ma_canonicalize_scope(def);
	resolve_timestamps(def);
}

/*
 * resolve_has_many_keys
 *		has_many: the source key (given, or the primary key), the target's
 *		foreign key to it (given, or inferred from the target's foreign
 *		keys), and the target's own key (its primary key) as the other key
 *		and the target key.  The foreign key must be writable; it need not
 *		be nullable (then remove() is refused by its NOT NULL).
 */
static void
resolve_has_many_keys(AssocDef *def)
{
	def->keyattnum[MA_SK] = resolve_unique_key(def->source,
											   def->keyname[MA_SK],
											   "source_key");
	def->keyattnum[MA_TK] = resolve_unique_key(def->target, NULL, NULL);
	def->keyattnum[MA_OK] = def->keyattnum[MA_TK];
	if (def->keyname[MA_FK] != NULL)
		def->keyattnum[MA_FK] = column_attnum(def->through, def->keyname[MA_FK]);
	else
		def->keyattnum[MA_FK] = infer_foreign_key(def->through, def->source,
												  def->keyattnum[MA_SK],
												  def->keyattnum[MA_TK],
												  "foreign_key");
	if (def->keyattnum[MA_FK] == def->keyattnum[MA_OK])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("foreign_key cannot be the key of the target")));
	if (!column_writable(def->through, def->keyattnum[MA_FK]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("foreign_key must be a column that can be written"),
				 errdetail("Generated columns and identity columns GENERATED ALWAYS cannot hold links.")));
}

/*
 * resolve_belongs_to_keys
 *		belongs_to: the source's own key (its primary key) as the foreign
 *		key and the source key of its "through" table, the source itself;
 *		its foreign key to the target (given, or inferred) as the other
 *		key; the target key (given, what that foreign key references, or
 *		the primary key).
 */
static void
resolve_belongs_to_keys(AssocDef *def)
{
	def->keyattnum[MA_SK] = resolve_unique_key(def->source, NULL, NULL);
	def->keyattnum[MA_FK] = def->keyattnum[MA_SK];
	key_from_columns_foreign_key(def, MA_OK, MA_TK);
	def->keyattnum[MA_TK] = resolve_unique_key(def->target,
											   def->keyname[MA_TK],
											   "target_key");
	if (def->keyname[MA_OK] != NULL)
		def->keyattnum[MA_OK] = column_attnum(def->through, def->keyname[MA_OK]);
	else
		def->keyattnum[MA_OK] = infer_foreign_key(def->through, def->target,
												  def->keyattnum[MA_TK],
												  def->keyattnum[MA_SK],
												  "foreign_key");
	if (def->keyattnum[MA_OK] == def->keyattnum[MA_FK])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("foreign_key cannot be the key of the source")));
	if (!column_writable(def->through, def->keyattnum[MA_OK]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("foreign_key must be a column that can be written"),
				 errdetail("Generated columns and identity columns GENERATED ALWAYS cannot hold links.")));
}

/*
 * resolve_belongs_to_many_keys
 *		belongs_to_many: the four keys, given or inferred from the through
 *		table's foreign keys.
 */
static void
resolve_belongs_to_many_keys(AssocDef *def)
{
	key_from_columns_foreign_key(def, MA_FK, MA_SK);
	key_from_columns_foreign_key(def, MA_OK, MA_TK);
	if (def->source != def->target)
	{
		keys_from_only_foreign_key(def, MA_FK, MA_SK);
		keys_from_only_foreign_key(def, MA_OK, MA_TK);
	}
	def->keyattnum[MA_SK] = resolve_unique_key(def->source,
											   def->keyname[MA_SK],
											   "source_key");
	def->keyattnum[MA_TK] = resolve_unique_key(def->target,
											   def->keyname[MA_TK],
											   "target_key");

	if (def->keyname[MA_FK] != NULL)
		def->keyattnum[MA_FK] = column_attnum(def->through, def->keyname[MA_FK]);
	else if (def->source == def->target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("cannot infer the foreign keys of self-referential association \"%s\"",
						def->name),
				 errdetail("Both columns of %s point at %s.",
						   ma_relation_name(def->through),
						   ma_relation_name(def->source)),
				 errhint("Pass foreign_key and other_key.")));
	else
		def->keyattnum[MA_FK] = infer_foreign_key(def->through, def->source,
												  def->keyattnum[MA_SK],
												  InvalidAttrNumber,
												  "foreign_key");

	if (def->keyname[MA_OK] != NULL)
		def->keyattnum[MA_OK] = column_attnum(def->through, def->keyname[MA_OK]);
	else if (def->source == def->target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("cannot infer the other key of self-referential association \"%s\"",
						def->name),
				 errhint("Pass other_key.")));
	else
		def->keyattnum[MA_OK] = infer_foreign_key(def->through, def->target,
												  def->keyattnum[MA_TK],
												  def->keyattnum[MA_FK],
												  "other_key");

	if (def->keyattnum[MA_FK] == def->keyattnum[MA_OK])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("foreign_key and other_key must be different columns")));
	if (!column_writable(def->through, def->keyattnum[MA_FK]) ||
		!column_writable(def->through, def->keyattnum[MA_OK]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("foreign_key and other_key must be columns that can be written"),
				 errdetail("Generated columns and identity columns GENERATED ALWAYS cannot hold links.")));
}

/*
 * check_scope
 *		The scope's columns: through columns, not keys, writable (new links
 *		are written with the scope's values).
 */
static void
check_scope(AssocDef *def)
{
	ma_parse_scope(def);
	for (int i = 0; i < def->nscope; i++)
	{
		def->scopeattnum[i] = column_attnum(def->through, def->scopename[i]);
		if (def->scopeattnum[i] == def->keyattnum[MA_FK] ||
			def->scopeattnum[i] == def->keyattnum[MA_OK])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scope cannot constrain key column \"%s\"",
							def->scopename[i])));
		if (!column_writable(def->through, def->scopeattnum[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scope cannot constrain column \"%s\", which cannot be written",
							def->scopename[i]),
					 errdetail("New links are written with the scope's values.")));
	}
}

/*
 * single_column_fk_target
 *		The column of referenced that through.col references through a
 *		single-column foreign key; InvalidAttrNumber if it has none, or
 *		foreign keys to several columns of referenced.
 */
static AttrNumber
single_column_fk_target(Oid through, AttrNumber col, Oid referenced)
{
	Relation	rel = table_open(through, AccessShareLock);
	List	   *fkeys = RelationGetFKeyList(rel);
	AttrNumber	found = InvalidAttrNumber;
	ListCell   *lc;

	foreach(lc, fkeys)
	{
		ForeignKeyCacheInfo *fk = (ForeignKeyCacheInfo *) lfirst(lc);

		if (fk->confrelid != referenced || fk->nkeys != 1 ||
			fk->conkey[0] != col)
			continue;
		if (AttributeNumberIsValid(found) && found != fk->confkey[0])
		{
			found = InvalidAttrNumber;
			break;
		}
		found = fk->confkey[0];
	}
	table_close(rel, NoLock);
	return found;
}

/*
 * key_from_columns_foreign_key
 *		A through column named (foreign_key or other_key, fk) without the
 *		key it points at (key): the column's own foreign key names the key,
 *		as Sequelize's sourceKey/targetKey default to what the foreign key
 *		references.
 */
static void
key_from_columns_foreign_key(AssocDef *def, int fk, int key)
{
	Oid			rel = (key == MA_SK) ? def->source : def->target;
	AttrNumber	col;
	AttrNumber	refcol;

	if (def->keyname[fk] == NULL || def->keyname[key] != NULL)
		return;
	col = column_attnum(def->through, def->keyname[fk]);
	refcol = single_column_fk_target(def->through, col, rel);
	if (AttributeNumberIsValid(refcol))
		def->keyname[key] = get_attname(rel, refcol, false);
}

/*
 * keys_from_only_foreign_key
 *		Neither a through column (fk) nor the key it points at (key) named,
 *		and no foreign key of the through table references the key's
 *		table's primary key: if exactly one single-column foreign key
 *		references that table, it names both.
 */
static void
keys_from_only_foreign_key(AssocDef *def, int fk, int key)
{
	Oid			rel = (key == MA_SK) ? def->source : def->target;
	Relation	through;
	Relation	referenced;
	Oid			pk;
	AttrNumber	pkcol = InvalidAttrNumber;
	AttrNumber	col = InvalidAttrNumber;
	AttrNumber	refcol = InvalidAttrNumber;
	int			nfound = 0;
	ListCell   *lc;

	if (def->keyname[fk] != NULL || def->keyname[key] != NULL)
		return;
	referenced = table_open(rel, AccessShareLock);
	pk = RelationGetPrimaryKeyIndex(referenced);
	table_close(referenced, NoLock);
	if (OidIsValid(pk))
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pk));

		if (HeapTupleIsValid(tup))
		{
			Form_pg_index index = (Form_pg_index) GETSTRUCT(tup);

			if (index->indnkeyatts == 1)
				pkcol = index->indkey.values[0];
			ReleaseSysCache(tup);
		}
	}

	through = table_open(def->through, AccessShareLock);
	foreach(lc, RelationGetFKeyList(through))
	{
		ForeignKeyCacheInfo *fkey = (ForeignKeyCacheInfo *) lfirst(lc);

		if (fkey->confrelid != rel || fkey->nkeys != 1)
			continue;
		if (fkey->confkey[0] == pkcol)
		{
			nfound = 0;			/* the usual inference applies */
			break;
		}
		if (nfound == 0 || fkey->conkey[0] != col || fkey->confkey[0] != refcol)
			nfound++;
		col = fkey->conkey[0];
		refcol = fkey->confkey[0];
	}
	table_close(through, NoLock);
	if (nfound != 1)
		return;
	def->keyname[fk] = get_attname(def->through, col, false);
	def->keyname[key] = get_attname(rel, refcol, false);
}

/*
 * check_foreign_key_agrees
 *		A through column with a foreign key to the key's table must point
 *		at the association's key: otherwise no link could be written (the
 *		foreign key checks another column) and none read.
 */
static void
check_foreign_key_agrees(const AssocDef *def, int fk, int key)
{
	Oid			rel = (key == MA_SK) ? def->source : def->target;
	AttrNumber	refcol = single_column_fk_target(def->through,
												 def->keyattnum[fk], rel);

	if (AttributeNumberIsValid(refcol) && refcol != def->keyattnum[key])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("%s \"%s\" references column \"%s\" of %s, not %s \"%s\"",
						key_argname[fk], get_attname(def->through, def->keyattnum[fk], false),
						get_attname(rel, refcol, false), ma_relation_name(rel),
						key_argname[key], get_attname(rel, def->keyattnum[key], false)),
				 errdetail("Its foreign key would refuse every link the association writes."),
				 errhint("Pass %s => '%s', or leave %s out to use what the foreign key references.",
						 key_argname[key], get_attname(rel, refcol, false),
						 key_argname[key])));
}

/*
 * timestamp_column_named
 *		Attribute number of the first of two candidate names of a timestamp
 *		column that the through table has with a date/time type, or
 *		InvalidAttrNumber.
 */
static AttrNumber
timestamp_column_named(Oid through, const char *name1, const char *name2)
{
	const char *names[2] = {name1, name2};

	for (int i = 0; i < 2; i++)
	{
		AttrNumber	attnum = get_attnum(through, names[i]);

		if (attnum > 0 &&
			TypeCategory(get_atttype(through, attnum)) == TYPCATEGORY_DATETIME)
			return attnum;
	}
	return InvalidAttrNumber;
}

/*
 * timestamps_given
 *		Read the timestamps argument: true (or NULL) finds "createdAt" and
 *		"updatedAt" by name, false means none, and an object names columns
 *		({"createdAt": "created_at", "deletedAt": "deletedAt"}; null or
 *		false leaves one out), the keys it leaves out of "createdAt" and
 *		"updatedAt" being found by name.  Sets def->tsname of the keys
 *		named and mentioned[i] of the keys given; returns false for "none".
 */
static bool
timestamps_given(AssocDef *def, bool *mentioned)
{
	Jsonb	   *arg = def->timestamps_arg;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			current = -1;

	if (arg == NULL)
		return true;
	if (JB_ROOT_IS_SCALAR(arg))
	{
		JsonbValue	scalar;

		if (JsonbExtractScalar(&arg->root, &scalar) && scalar.type == jbvBool)
			return scalar.val.boolean;
	}
	if (!JB_ROOT_IS_OBJECT(arg) || JB_ROOT_IS_SCALAR(arg))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timestamps must be true, false or a JSON object"),
				 errhint("Name the columns: {\"createdAt\": \"created_at\", \"updatedAt\": \"updated_at\", \"deletedAt\": \"deleted_at\"}; null or false leaves one out.")));
	it = JsonbIteratorInit(&arg->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			char	   *key = pnstrdup(v.val.string.val, v.val.string.len);

			current = -1;
			for (int i = 0; i < MA_NTIMESTAMPS; i++)
				if (strcmp(key, ma_timestamp_key(i)) == 0)
					current = i;
			if (current < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown key \"%s\" in timestamps", key),
						 errhint("The keys are \"createdAt\", \"updatedAt\" and \"deletedAt\".")));
			mentioned[current] = true;
		}
		else if (tok == WJB_VALUE)
		{
			if (v.type == jbvString)
				def->tsname[current] = pnstrdup(v.val.string.val,
												v.val.string.len);
			else if (v.type != jbvNull &&
					 !(v.type == jbvBool && !v.val.boolean))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("timestamps value of \"%s\" must be a column name, null or false",
								ma_timestamp_key(current))));
		}
	}
	return true;
}

/*
 * check_timestamp_column
 *		A timestamp column must be writable, not a key or scope column, and
 *		take a timestamptz by assignment.
 */
static void
check_timestamp_column(const AssocDef *def, int i)
{
	AttrNumber	attnum = def->tsattnum[i];
	Oid			type = get_atttype(def->through, attnum);
	Oid			from = TIMESTAMPTZOID;

	if (attnum == def->keyattnum[MA_FK] || attnum == def->keyattnum[MA_OK])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timestamp column \"%s\" is a key column", def->tsname[i])));
	for (int j = 0; j < def->nscope; j++)
		if (attnum == def->scopeattnum[j])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("timestamp column \"%s\" is a scope column",
							def->tsname[i])));
	if (!column_writable(def->through, attnum))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timestamp column \"%s\" cannot be written", def->tsname[i])));
	if (!can_coerce_type(1, &from, &type, COERCION_ASSIGNMENT))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("timestamp column \"%s\" of type %s cannot hold a timestamp",
						def->tsname[i], format_type_be(type))));
}

/*
 * resolve_timestamps
 *		The through columns that hold the links' creation, update and
 *		(paranoid) deletion times, as Sequelize keeps them: "createdAt" and
 *		"updatedAt" (or created_at and updated_at, Sequelize's underscored
 *		names) are found by name when the through table has them with a
 *		date/time type, unless the timestamps argument names them or leaves
 *		them out; "deletedAt" is used only when named.
 */
static void
resolve_timestamps(AssocDef *def)
{
	bool		mentioned[MA_NTIMESTAMPS] = {false};
	bool		any = timestamps_given(def, mentioned);

	for (int i = 0; i < MA_NTIMESTAMPS; i++)
	{
		if (!any)
			def->tsname[i] = NULL;
		if (def->tsname[i] != NULL)
			def->tsattnum[i] = column_attnum(def->through, def->tsname[i]);
		else if (any && !mentioned[i] && i == MA_TS_CREATED)
			def->tsattnum[i] = timestamp_column_named(def->through,
													  "createdAt", "created_at");
		else if (any && !mentioned[i] && i == MA_TS_UPDATED)
			def->tsattnum[i] = timestamp_column_named(def->through,
													  "updatedAt", "updated_at");
		else
			def->tsattnum[i] = InvalidAttrNumber;
	}

	for (int i = 0; i < MA_NTIMESTAMPS; i++)
	{
		def->tsname[i] = AttributeNumberIsValid(def->tsattnum[i]) ?
			get_attname(def->through, def->tsattnum[i], false) : NULL;
		if (def->tsname[i] == NULL)
			continue;
		check_timestamp_column(def, i);
		for (int j = 0; j < i; j++)
			if (def->tsname[j] != NULL && def->tsattnum[j] == def->tsattnum[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s and %s must be different columns",
								ma_timestamp_key(j), ma_timestamp_key(i))));
	}
	if (def->tsname[MA_TS_DELETED] != NULL &&
		column_not_null(def->through, def->tsattnum[MA_TS_DELETED]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deletedAt column \"%s\" is NOT NULL",
						def->tsname[MA_TS_DELETED]),
				 errdetail("A link is live while its deletedAt is null.")));
}

/*
 * check_target_scope
 *		The target scope names columns of the target table, of types with
 *		an equality operator.
 */
static void
check_target_scope(AssocDef *def)
{
	for (int i = 0; i < def->ntscope; i++)
	{
		Oid			coltype;

		def->tscopeattnum[i] = column_attnum(def->target, def->tscopename[i]);
		coltype = get_atttype(def->target, def->tscopeattnum[i]);
		if (!OidIsValid(lookup_type_cache(coltype, TYPECACHE_EQ_OPR)->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target_scope column \"%s\" has no equality operator",
							def->tscopename[i])));
		/* stored as the catalog spells it */
		def->tscopename[i] = get_attname(def->target, def->tscopeattnum[i], false);
	}
}

/* is relid.attnum NOT NULL? */
static bool
column_not_null(Oid relid, AttrNumber attnum)
{
	HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
									  Int16GetDatum(attnum));
	bool		notnull = false;

	if (HeapTupleIsValid(tup))
	{
		notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
		ReleaseSysCache(tup);
	}
	return notnull;
}

/*
 * check_alias
 *		An alias is a non-empty name that leaves room for "_batch".
 */
static void
check_alias(const char *name)
{
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("association alias must not be empty")));
	if ((int) strlen(name) > MA_MAX_ALIAS_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("association alias \"%s\" is too long", name),
				 errdetail("An alias is at most %d bytes, so that its batch reader \"%s%s\" fits in a name.",
						   MA_MAX_ALIAS_LEN, name, MA_BATCH_SUFFIX)));
}

/*
 * check_table
 *		The relation must exist and be a table (plain or partitioned).
 */
static void
check_table(Oid relid, const char *argname)
{
	char		relkind = get_rel_relkind(relid);

	if (relkind == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("%s table with OID %u does not exist", argname, relid)));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s \"%s\" is not a table", argname,
						ma_relation_name(relid))));
	if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s \"%s\" is a temporary table", argname,
						ma_relation_name(relid)),
				 errdetail("An association outlives the session; its tables must too.")));
}

/*
 * column_attnum
 *		Attribute number of a user column, or 42703.
 */
static AttrNumber
column_attnum(Oid relid, const char *colname)
{
	AttrNumber	attnum = get_attnum(relid, colname);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, ma_relation_name(relid))));
	return attnum;
}

/*
 * column_writable
 *		A column the helpers can write: not generated, not GENERATED ALWAYS
 *		AS IDENTITY.
 */
static bool
column_writable(Oid relid, AttrNumber attnum)
{
	HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
									  Int16GetDatum(attnum));
	bool		writable = true;

	if (HeapTupleIsValid(tup))
	{
		Form_pg_attribute att = (Form_pg_attribute) GETSTRUCT(tup);

		writable = att->attgenerated == '\0' &&
			att->attidentity != ATTRIBUTE_IDENTITY_ALWAYS;
		ReleaseSysCache(tup);
	}
	return writable;
}

/*
 * unique_index_on
 *		A valid, immediate, non-partial unique index on exactly this one
 *		column, other than excluding, or InvalidOid.  The primary key index
 *		is preferred.
 */
static Oid
unique_index_on(Oid relid, AttrNumber attnum, Oid excluding)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	Oid			found = InvalidOid;
	ListCell   *lc;

	foreach(lc, indexes)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		Form_pg_index index;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for index %u", indexoid);
		index = (Form_pg_index) GETSTRUCT(tup);
		if (indexoid != excluding &&
			index->indisunique && index->indisvalid && index->indimmediate &&
			index->indnkeyatts == 1 && index->indkey.values[0] == attnum &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			(!OidIsValid(found) || indexoid == pk))
			found = indexoid;
		ReleaseSysCache(tup);
	}
	table_close(rel, NoLock);
	return found;
}

/*
 * ma_key_is_unique
 *		Is relid.attnum unique on its own, without the index excluding?
 */
bool
ma_key_is_unique(Oid relid, AttrNumber attnum, Oid excluding)
{
	return OidIsValid(unique_index_on(relid, attnum, excluding));
}

/*
 * resolve_unique_key
 *		The named column, or the single-column primary key when colname is
 *		NULL; either way it must be unique on its own.
 */
static AttrNumber
resolve_unique_key(Oid relid, const char *colname, const char *argname)
{
	AttrNumber	attnum;

	if (colname == NULL)
	{
		Relation	rel = table_open(relid, AccessShareLock);
		Oid			pk = RelationGetPrimaryKeyIndex(rel);
		HeapTuple	tup;
		Form_pg_index index;

		table_close(rel, NoLock);
		if (!OidIsValid(pk))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("table \"%s\" has no primary key",
							ma_relation_name(relid)),
					 argname != NULL ?
					 errhint("Pass %s to name a unique column.", argname) :
					 errhint("has_many, has_one and belongs_to need a single-column primary key on the table with the foreign key; a junction table is the through table of a belongs_to_many.")));
		tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pk));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for index %u", pk);
		index = (Form_pg_index) GETSTRUCT(tup);
		if (index->indnkeyatts != 1)
		{
			ReleaseSysCache(tup);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("primary key of table \"%s\" has more than one column",
							ma_relation_name(relid)),
					 argname != NULL ?
					 errhint("Pass %s to name a unique column.", argname) :
					 errhint("has_many, has_one and belongs_to need a single-column primary key on the table with the foreign key; a junction table is the through table of a belongs_to_many.")));
		}
		attnum = index->indkey.values[0];
		ReleaseSysCache(tup);
		return attnum;
	}

	attnum = column_attnum(relid, colname);
	if (!OidIsValid(unique_index_on(relid, attnum, InvalidOid)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("column \"%s\" of table \"%s\" is not unique",
						colname, ma_relation_name(relid)),
				 errdetail("The %s must have a primary key or unique constraint of its own.",
						   argname),
				 errhint("Add a unique constraint on that column, or pass another %s.",
						 argname)));
	return attnum;
}

/*
 * infer_foreign_key
 *		The single through column whose single-column foreign key points at
 *		referenced.refattnum, skipping the column exclude.
 */
static AttrNumber
infer_foreign_key(Oid through, Oid referenced, AttrNumber refattnum,
				  AttrNumber exclude, const char *argname)
{
	Relation	rel = table_open(through, AccessShareLock);
	List	   *fkeys = RelationGetFKeyList(rel);
	AttrNumber	found = InvalidAttrNumber;
	AttrNumber	other_column = InvalidAttrNumber;
	AttrNumber	other_referenced = InvalidAttrNumber;
	int			nfound = 0;
	ListCell   *lc;

	foreach(lc, fkeys)
	{
		ForeignKeyCacheInfo *fk = (ForeignKeyCacheInfo *) lfirst(lc);

		if (fk->confrelid != referenced || fk->nkeys != 1 ||
			fk->conkey[0] == exclude)
			continue;
		if (fk->confkey[0] != refattnum)
		{
			other_column = fk->conkey[0];
			other_referenced = fk->confkey[0];
			continue;
		}
		if (nfound == 0 || fk->conkey[0] != found)
			nfound++;
		found = fk->conkey[0];
	}
	table_close(rel, NoLock);

	if (nfound == 0 && AttributeNumberIsValid(other_column))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("cannot infer %s: no foreign key of table \"%s\" references column \"%s\" of \"%s\"",
						argname, ma_relation_name(through),
						get_attname(referenced, refattnum, false),
						ma_relation_name(referenced)),
				 errdetail("Column \"%s\" references column \"%s\" instead.",
						   get_attname(through, other_column, false),
						   get_attname(referenced, other_referenced, false)),
				 errhint("Leave the key of \"%s\" out, or pass %s.",
						 ma_relation_name(referenced), argname)));
	if (nfound == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("cannot infer %s: table \"%s\" has no foreign key to \"%s\"",
						argname, ma_relation_name(through),
						ma_relation_name(referenced)),
				 errhint("Pass %s to name the column of \"%s\" that points at \"%s\".",
						 argname, ma_relation_name(through),
						 ma_relation_name(referenced))));
	if (nfound > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("cannot infer %s: table \"%s\" has several foreign keys to \"%s\"",
						argname, ma_relation_name(through),
						ma_relation_name(referenced)),
				 errhint("Pass %s to choose one.", argname)));
	return found;
}

/*
 * equality_operator
 *		The btree equality operator comparing ltype with rtype, found in the
 *		default btree operator family of ltype, or InvalidOid.
 */
static Oid
equality_operator(Oid ltype, Oid rtype)
{
	TypeCacheEntry *l = lookup_type_cache(ltype, TYPECACHE_BTREE_OPFAMILY);
	TypeCacheEntry *r = lookup_type_cache(rtype, TYPECACHE_BTREE_OPFAMILY);
	Oid			rin;

	if (!OidIsValid(l->btree_opf))
		return InvalidOid;
	rin = (r->btree_opf == l->btree_opf) ? r->btree_opintype : rtype;
	return get_opfamily_member(l->btree_opf, l->btree_opintype, rin,
							   BTEqualStrategyNumber);
}

/*
 * check_comparable
 *		A through column and the key it points at must be comparable with a
 *		btree equality operator, and the key must be assignable to it.
 */
static void
check_comparable(const AssocDef *def, int fk, int key)
{
	Oid			rel = (key == MA_SK) ? def->source : def->target;
	Oid			fktype = get_atttype(def->through, def->keyattnum[fk]);
	Oid			keytype = get_atttype(rel, def->keyattnum[key]);

	if (!OidIsValid(equality_operator(fktype, keytype)) ||
		!OidIsValid(equality_operator(keytype, keytype)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s \"%s\" and %s \"%s\" cannot be compared",
						key_argname[fk], def->keyname[fk],
						key_argname[key], def->keyname[key]),
				 errdetail("Key columns are of incompatible types: %s and %s.",
						   format_type_be(fktype), format_type_be(keytype))));
	if (!can_coerce_type(1, &keytype, &fktype, COERCION_ASSIGNMENT))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s \"%s\" cannot be assigned to %s \"%s\"",
						key_argname[key], def->keyname[key],
						key_argname[fk], def->keyname[fk]),
				 errdetail("There is no assignment cast from %s to %s.",
						   format_type_be(keytype), format_type_be(fktype))));
	if (!OidIsValid(get_array_type(keytype)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("type %s of %s \"%s\" has no array type",
						format_type_be(keytype), key_argname[key],
						def->keyname[key])));
	check_same_collation(def, fk, key);
}

/*
 * check_same_collation
 *		A through column and the key it points at must have the same
 *		collation: comparing two columns of different collations has no
 *		collation to use (42P22 in every statement), and the index walk
 *		would compare with one of them.
 */
static void
check_same_collation(const AssocDef *def, int fk, int key)
{
	Oid			rel = (key == MA_SK) ? def->source : def->target;
	Oid			fkcoll = get_attcollation_of(def->through, def->keyattnum[fk]);
	Oid			keycoll = get_attcollation_of(rel, def->keyattnum[key]);

	if (fkcoll != keycoll)
		ereport(ERROR,
				(errcode(ERRCODE_COLLATION_MISMATCH),
				 errmsg("%s \"%s\" and %s \"%s\" have different collations",
						key_argname[fk], def->keyname[fk],
						key_argname[key], def->keyname[key]),
				 errdetail("Column \"%s\" of %s uses collation %s, column \"%s\" of %s uses %s.",
						   def->keyname[fk], ma_relation_name(def->through),
						   collation_name(fkcoll), def->keyname[key],
						   ma_relation_name(rel), collation_name(keycoll)),
				 errhint("Give both columns the same collation.")));
}

/* the collation of a column, InvalidOid for a type without one */
static Oid
get_attcollation_of(Oid relid, AttrNumber attnum)
{
	Oid			type;
	int32		typmod;
	Oid			collation;

	get_atttypetypmodcoll(relid, attnum, &type, &typmod, &collation);
	return collation;
}

/* a collation's name for a message, or "none" */
static const char *
collation_name(Oid collation)
{
	char	   *name;

	if (!OidIsValid(collation))
		return "none";
	name = get_collation_name(collation);
	return name ? quote_identifier(name) : "none";
}

/*
 * check_scope_values
 *		Every scope column's type needs an equality operator.  (Every value
 *		must be valid input for it: ma_canonicalize_scope checks that.)
 */
static void
check_scope_values(const AssocDef *def)
{
	for (int i = 0; i < def->nscope; i++)
	{
		Oid			coltype = get_atttype(def->through, def->scopeattnum[i]);

		if (!OidIsValid(lookup_type_cache(coltype, TYPECACHE_EQ_OPR)->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scope column \"%s\" has no equality operator",
							def->scopename[i])));
	}
}

/*
 * ma_resolve_attnums
 *		Look up the attribute numbers of a definition's columns by name, as
 *		after a restore, where pg_dump may have renumbered them.
 */
void
ma_resolve_attnums(AssocDef *def)
{
	def->keyattnum[MA_FK] = column_attnum(def->through, def->keyname[MA_FK]);
	def->keyattnum[MA_OK] = column_attnum(def->through, def->keyname[MA_OK]);
	def->keyattnum[MA_SK] = column_attnum(def->source, def->keyname[MA_SK]);
	def->keyattnum[MA_TK] = column_attnum(def->target, def->keyname[MA_TK]);
	for (int i = 0; i < def->nscope; i++)
		def->scopeattnum[i] = column_attnum(def->through, def->scopename[i]);
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
		if (def->tsname[i] != NULL)
			def->tsattnum[i] = column_attnum(def->through, def->tsname[i]);
	for (int i = 0; i < def->ntscope; i++)
		def->tscopeattnum[i] = column_attnum(def->target, def->tscopename[i]);
}

/*
 * triggers_fire
 *		Do all the triggers that enforce a constraint fire in origin mode?
 *		(DISABLE TRIGGER turns a foreign key off without dropping it.)
 */
static bool
triggers_fire(Oid conoid)
{
	Relation	rel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		fire = true;

	ScanKeyInit(&key, Anum_pg_trigger_tgconstraint, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(conoid));
	scan = systable_beginscan(rel, TriggerConstraintIndexId, true, NULL, 1, &key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		char		enabled = ((Form_pg_trigger) GETSTRUCT(tup))->tgenabled;

		if (enabled != TRIGGER_FIRES_ON_ORIGIN && enabled != TRIGGER_FIRES_ALWAYS)
			fire = false;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return fire;
}

/*
 * foreign_key_enforces
 *		Does a validated, non-deferrable single-column foreign key, whose
 *		triggers are enabled, make through.col reference refrel.refcol?
 *		Callers also check that the session does not run as a replica.
 */
static bool
foreign_key_enforces(Oid through, AttrNumber col, Oid refrel, AttrNumber refcol)
{
	Relation	rel = table_open(through, AccessShareLock);
	List	   *fkeys = RelationGetFKeyList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, fkeys)
	{
		ForeignKeyCacheInfo *fk = (ForeignKeyCacheInfo *) lfirst(lc);
		HeapTuple	tup;

		if (fk->confrelid != refrel || fk->nkeys != 1 ||
			fk->conkey[0] != col || fk->confkey[0] != refcol)
			continue;
		tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(fk->conoid));
		if (HeapTupleIsValid(tup))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

			found = con->convalidated && !con->condeferrable;
			ReleaseSysCache(tup);
			found = found && triggers_fire(fk->conoid);
		}
		if (found)
			break;
	}
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * ma_describe
 *		Fill in the types and operators of a cached association from its
 *		definition's attribute numbers.
 */
void
ma_describe(Association *assoc)
{
	AssocDef   *def = assoc->def;
	Oid			rels[MA_NKEYS] = {def->through, def->through, def->source, def->target};
	int32		typmod;
	Oid			collation;

	for (int i = 0; i < MA_NKEYS; i++)
	{
		get_atttypetypmodcoll(rels[i], def->keyattnum[i], &assoc->keytype[i],
							  &typmod, &collation);
		if (i == MA_SK)
			assoc->sk_collation = collation;
		else if (i == MA_TK)
			assoc->tk_collation = collation;
	}
	assoc->ok_fk_enforced =
		foreign_key_enforces(def->through, def->keyattnum[MA_OK], def->target,
							 def->keyattnum[MA_TK]);
	assoc->fk_enforced = assoc->ok_fk_enforced &&
		foreign_key_enforces(def->through, def->keyattnum[MA_FK], def->source,
							 def->keyattnum[MA_SK]);
	ma_scope_values(assoc);
	assoc->skarraytype = get_array_type(assoc->keytype[MA_SK]);
	assoc->tkarraytype = get_array_type(assoc->keytype[MA_TK]);
	assoc->fk_eq_opr = equality_operator(assoc->keytype[MA_FK], assoc->keytype[MA_SK]);
	assoc->ok_eq_opr = equality_operator(assoc->keytype[MA_OK], assoc->keytype[MA_TK]);
	assoc->sk_eq_opr = equality_operator(assoc->keytype[MA_SK], assoc->keytype[MA_SK]);
	assoc->tk_eq_opr = equality_operator(assoc->keytype[MA_TK], assoc->keytype[MA_TK]);
	if (!OidIsValid(assoc->fk_eq_opr) || !OidIsValid(assoc->ok_eq_opr) ||
		!OidIsValid(assoc->sk_eq_opr) || !OidIsValid(assoc->tk_eq_opr) ||
		!OidIsValid(assoc->skarraytype) || !OidIsValid(assoc->tkarraytype))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("key types of association \"%s\" cannot be compared",
						def->name)));
}

/*
 * ma_through_attr_columns
 *		Validate through_attrs (a JSON object naming through columns other
 *		than the keys and the scope) and return its columns' attribute
 *		numbers in table order.
 */
List *
ma_through_attr_columns(const Association *assoc, Jsonb *attrs)
{
	const AssocDef *def = assoc->def;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	List	   *result = NIL;

	if (attrs == NULL)
		return NIL;
	if (!JB_ROOT_IS_OBJECT(attrs) || JB_ROOT_IS_SCALAR(attrs))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("through_attrs must be a JSON object")));

	it = JsonbIteratorInit(&attrs->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *col;
		AttrNumber	attnum;

		if (tok != WJB_KEY)
			continue;
		col = pnstrdup(v.val.string.val, v.val.string.len);
		attnum = column_attnum(def->through, col);
		if (attnum == def->keyattnum[MA_FK] || attnum == def->keyattnum[MA_OK])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("through_attrs cannot set key column \"%s\"", col)));
		for (int i = 0; i < def->nscope; i++)
			if (attnum == def->scopeattnum[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("through_attrs cannot set scope column \"%s\"",
								col)));

		if (!column_writable(def->through, attnum))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("through_attrs cannot set column \"%s\", which is generated",
							col)));
		if (ma_paranoid(def) && attnum == def->tsattnum[MA_TS_DELETED])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("through_attrs cannot set deletedAt column \"%s\"",
							col),
					 errhint("Use medium_assoc.remove() to delete a link.")));
		result = list_append_unique_int(result, attnum);
	}
	list_sort(result, list_int_cmp);
	return result;
}
