/*-------------------------------------------------------------------------
 *
 * register.c
 *	  medium_assoc.belongs_to_many() and medium_assoc.drop_association():
 *	  registering an association and removing it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

static void require_arg(FunctionCallInfo fcinfo, int argno, const char *name);
static char *name_arg(FunctionCallInfo fcinfo, int argno);
static void check_may_register(const AssocDef *def);
static void check_name_free(const AssocDef *def);
static void check_helper_names_free(const AssocDef *def, Oid nsp, Oid sktype);
static void check_link_names_free(const AssocDef *def, Oid nsp, Oid sktype);
static Oid	register_definition(AssocDef *def);
static Oid	register_target_key_kind(FunctionCallInfo fcinfo, AssocKind kind);
static bool leads_an_index(Oid relid, AttrNumber attnum);
static void advise_indexes(const AssocDef *def);
static void require_owner_to_drop(const AssocDef *def);
static bool same_tables(const AssocDef *a, const AssocDef *b);
static AssocDef *lock_association_to_drop(const char *name);

static void
require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}

static char *
name_arg(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(argno)));
}

/*
 * check_references
 *		The association pins columns of target and through (their drop and
 *		type change are refused), so, as for a foreign key, the caller needs
 *		REFERENCES on them.
 */
static void
check_references(Oid relid, const char *argname)
{
	if (pg_class_aclcheck(relid, GetUserId(), ACL_REFERENCES) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", ma_relation_name(relid)),
				 errdetail("Registering an association needs the REFERENCES privilege on its %s table.",
						   argname)));
}

/*
 * check_may_register
 *		The caller must own the source table, may create functions in its
 *		schema, and may reference the target and through tables (42501).
 *		Checked before anything else, so that nothing about tables the
 *		caller may not use is revealed.
 */
static void
check_may_register(const AssocDef *def)
{
	Oid			nsp = get_rel_namespace(def->source);
	AclResult	aclresult;

	if (!ma_table_ownercheck(def->source, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", ma_relation_name(def->source)),
				 errdetail("Registering or dropping an association requires owning its source table.")));
	aclresult = ma_schema_aclcheck(nsp, GetUserId(), ACL_CREATE);
	if (aclresult != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for schema %s",
						quote_identifier(get_namespace_name(nsp))),
				 errdetail("The reader of an association is created in the schema of its source table.")));
	check_references(def->target, "target");
	check_references(def->through, "through");
}

/*
 * check_name_free
 *		Neither the alias nor the reader signatures may be taken (42710).
 */
static void
check_name_free(const AssocDef *def)
{
	Oid			nsp = get_rel_namespace(def->source);
	Oid			sktype = get_atttype(def->source, def->keyattnum[MA_SK]);
	Oid			skarray = get_array_type(sktype);
	char	   *batch = ma_batch_name(def->name);

	if (ma_registry_fetch(def->name, true) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("association \"%s\" already exists", def->name),
				 errhint("Association names are unique in the database; drop it with medium_assoc.drop_association() or choose another alias.")));
	/* a reader of that name left in any schema would be taken for this one's */
	if (OidIsValid(ma_find_function(def->name, MA_READER_SYMBOL)) ||
		OidIsValid(ma_find_function(batch, MA_BATCH_SYMBOL)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("a medium_assoc reader named \"%s\" already exists", def->name),
				 errhint("Choose another alias, or drop the leftover function.")));
	if (SearchSysCacheExists3(PROCNAMEARGSNSP, CStringGetDatum(def->name),
							  PointerGetDatum(buildoidvector(&sktype, 1)),
							  ObjectIdGetDatum(nsp)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("function %s.%s(%s) already exists",
						quote_identifier(get_namespace_name(nsp)),
						quote_identifier(def->name), format_type_be(sktype)),
				 errhint("Choose another alias.")));
	if (SearchSysCacheExists3(PROCNAMEARGSNSP, CStringGetDatum(batch),
							  PointerGetDatum(buildoidvector(&skarray, 1)),
							  ObjectIdGetDatum(nsp)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("function %s.%s(%s) already exists",
						quote_identifier(get_namespace_name(nsp)),
						quote_identifier(batch), format_type_be(skarray)),
				 errhint("Choose another alias.")));
	check_helper_names_free(def, nsp, sktype);
}

/*
 * check_helper_names_free
 *		Nor may the typed helpers' names (42710): a leftover helper of that
 *		name anywhere, or a function of that signature in the schema.
 */
static void
check_helper_names_free(const AssocDef *def, Oid nsp, Oid sktype)
{
	Oid			tktype = get_atttype(def->target, def->keyattnum[MA_TK]);

	for (int i = 0; i < ma_helper_count(def->name); i++)
	{
		char	   *name = ma_helper_name(def->name, i);
		Oid			argtypes[4];
		int			nargs = ma_helper_argtypes(i, sktype, tktype, argtypes);

		if (!ma_helper_applies(def, i))
			continue;

		if (OidIsValid(ma_find_function(name, ma_helper_symbol(i))))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("a medium_assoc helper named \"%s\" already exists", name),
					 errhint("Choose another alias, or drop the leftover function.")));
		if (SearchSysCacheExists3(PROCNAMEARGSNSP, CStringGetDatum(name),
								  PointerGetDatum(buildoidvector(argtypes, nargs)),
								  ObjectIdGetDatum(nsp)))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("function %s.%s already exists with the signature of the association's helper",
							quote_identifier(get_namespace_name(nsp)),
							quote_identifier(name)),
					 errhint("Choose another alias.")));
	}
	if (ma_helper_count(def->name) > 0)
		check_link_names_free(def, nsp, sktype);
}

/*
 * check_link_names_free
 *		The names of the link rows view and functions must be free in the
 *		schema: a relation <alias>_links (42P07), <alias>_links(source) and
 *		<alias>_json(source, text[]) (42710).
 */
static void
check_link_names_free(const AssocDef *def, Oid nsp, Oid sktype)
{
	char	   *links = ma_links_name(def->name);
	char	   *json = psprintf("%s_json", def->name);
	Oid			jsonargs[2] = {sktype, TEXTARRAYOID};

	if (!ma_direct(def) && OidIsValid(get_relname_relid(links, nsp)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation %s.%s already exists",
						quote_identifier(get_namespace_name(nsp)),
						quote_identifier(links)),
				 errdetail("Association \"%s\" needs the name for its link rows view.",
						   def->name),
				 errhint("Rename or drop that relation, or choose another alias.")));
	if (!ma_direct(def) &&
		OidIsValid(GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								   CStringGetDatum(links), ObjectIdGetDatum(nsp))))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("type %s.%s already exists",
						quote_identifier(get_namespace_name(nsp)),
						quote_identifier(links)),
				 errdetail("Association \"%s\" needs the name for the row type of its link rows view.",
						   def->name),
				 errhint("Rename or drop that type, or choose another alias.")));
	if (SearchSysCacheExists3(PROCNAMEARGSNSP, CStringGetDatum(links),
							  PointerGetDatum(buildoidvector(&sktype, 1)),
							  ObjectIdGetDatum(nsp)) ||
		SearchSysCacheExists3(PROCNAMEARGSNSP, CStringGetDatum(json),
							  PointerGetDatum(buildoidvector(jsonargs, 2)),
							  ObjectIdGetDatum(nsp)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("function %s.%s or %s.%s already exists with the signature of the association's link rows",
						quote_identifier(get_namespace_name(nsp)), quote_identifier(links),
						quote_identifier(get_namespace_name(nsp)), quote_identifier(json)),
				 errhint("Choose another alias.")));
}

/*
 * medium_assoc_belongs_to_many
 *		belongs_to_many(source, target, through, alias, foreign_key,
 *		other_key, source_key, target_key, scope, timestamps, target_scope)
 *		RETURNS regprocedure:
 *		validate, record, create the readers; returns the reader.
 */
PG_FUNCTION_INFO_V1(medium_assoc_belongs_to_many);
Datum
medium_assoc_belongs_to_many(PG_FUNCTION_ARGS)
{
	AssocDef   *def = palloc0(sizeof(AssocDef));

	require_arg(fcinfo, 0, "source");
	require_arg(fcinfo, 1, "target");
	require_arg(fcinfo, 2, "through");
	require_arg(fcinfo, 3, "alias");

	def->source = PG_GETARG_OID(0);
	def->target = PG_GETARG_OID(1);
	def->through = PG_GETARG_OID(2);
	def->name = name_arg(fcinfo, 3);
	def->keyname[MA_FK] = name_arg(fcinfo, 4);
	def->keyname[MA_OK] = name_arg(fcinfo, 5);
	def->keyname[MA_SK] = name_arg(fcinfo, 6);
	def->keyname[MA_TK] = name_arg(fcinfo, 7);
	def->scope = PG_ARGISNULL(8) ? NULL : PG_GETARG_JSONB_P_COPY(8);
	/* the 1.0 signature has no timestamps argument, and the registry no place */
	if (PG_NARGS() <= 9)
		def->timestamps_arg = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																 CStringGetDatum("false")));
	else if (!PG_ARGISNULL(9))
		def->timestamps_arg = PG_GETARG_JSONB_P_COPY(9);
	if (PG_NARGS() > 10 && !PG_ARGISNULL(10))
		def->target_scope = PG_GETARG_JSONB_P_COPY(10);
	PG_RETURN_OID(register_definition(def));
}

/*
 * register_target_key_kind
 *		has_many or has_one(source, target, alias, foreign_key, source_key,
 *		scope): the targets whose foreign key holds the source's key.
 *		Registered as an association whose "through" table is the target
 *		itself: the foreign key, and the target's own key as the other key.
 */
static Oid
register_target_key_kind(FunctionCallInfo fcinfo, AssocKind kind)
{
	AssocDef   *def = palloc0(sizeof(AssocDef));

	require_arg(fcinfo, 0, "source");
	require_arg(fcinfo, 1, "target");
	require_arg(fcinfo, 2, "alias");

	def->kind = kind;
	def->source = PG_GETARG_OID(0);
	def->target = PG_GETARG_OID(1);
	def->through = def->target;
	def->name = name_arg(fcinfo, 2);
	def->keyname[MA_FK] = name_arg(fcinfo, 3);
	def->keyname[MA_SK] = name_arg(fcinfo, 4);
	def->scope = PG_ARGISNULL(5) ? NULL : PG_GETARG_JSONB_P_COPY(5);
	def->timestamps_arg = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															 CStringGetDatum("false")));
	return register_definition(def);
}

/* has_many(...): Sequelize's hasMany */
PG_FUNCTION_INFO_V1(medium_assoc_has_many);
Datum
medium_assoc_has_many(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(register_target_key_kind(fcinfo, AK_HAS_MANY));
}

/* has_one(...): a has_many of one target at most (Sequelize's hasOne) */
PG_FUNCTION_INFO_V1(medium_assoc_has_one);
Datum
medium_assoc_has_one(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(register_target_key_kind(fcinfo, AK_HAS_ONE));
}

/*
 * medium_assoc_belongs_to
 *		belongs_to(source, target, alias, foreign_key, target_key): the
 *		target the source's foreign key points at (Sequelize's belongsTo).
 *		Registered as an association whose "through" table is the source
 *		itself: its own key as the foreign key, its foreign key as the
 *		other key.
 */
PG_FUNCTION_INFO_V1(medium_assoc_belongs_to);
Datum
medium_assoc_belongs_to(PG_FUNCTION_ARGS)
{
	AssocDef   *def = palloc0(sizeof(AssocDef));

	require_arg(fcinfo, 0, "source");
	require_arg(fcinfo, 1, "target");
	require_arg(fcinfo, 2, "alias");

	def->kind = AK_BELONGS_TO;
	def->source = PG_GETARG_OID(0);
	def->target = PG_GETARG_OID(1);
	def->through = def->source;
	def->name = name_arg(fcinfo, 2);
	def->keyname[MA_OK] = name_arg(fcinfo, 3);
	def->keyname[MA_TK] = name_arg(fcinfo, 4);
	def->timestamps_arg = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															 CStringGetDatum("false")));
	PG_RETURN_OID(register_definition(def));
}

/*
 * register_definition
 *		Validate, record and create the objects of an association given to
 *		belongs_to_many or has_many; returns its reader.
 */
static Oid
register_definition(AssocDef *def)
{
	Oid			reader;

	/*
	 * Keep the tables from going away, then take one registration at a
	 * time.  Tables before the registry, as in drop_association, so that
	 * the two cannot deadlock.
	 */
	check_may_register(def);
	LockRelationOid(def->source, AccessShareLock);
	LockRelationOid(def->target, AccessShareLock);
	LockRelationOid(def->through, AccessShareLock);
	LockRelationOid(ma_registry_relid(), ShareUpdateExclusiveLock);
	/* and again after the waits: ownership may have moved meanwhile */
	check_may_register(def);
	ma_validate_definition(def);
	check_name_free(def);

	ma_registry_insert(def);
	CommandCounterIncrement();

	reader = ma_find_function(def->name, MA_READER_SYMBOL);
	if (!OidIsValid(reader))
		elog(ERROR, "reader of association \"%s\" was not created", def->name);
	advise_indexes(def);
	return reader;
}

/*
 * leads_an_index
 *		Is attnum the first column of a valid, non-partial index of relid,
 *		which can serve lookups by that column alone?
 */
static bool
leads_an_index(Oid relid, AttrNumber attnum)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID,
										  ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;

		if (!HeapTupleIsValid(tup))
			continue;
		index = (Form_pg_index) GETSTRUCT(tup);
		found |= index->indisvalid && index->indnkeyatts > 0 &&
			index->indkey.values[0] == attnum &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL);
		ReleaseSysCache(tup);
	}
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * advise_indexes
 *		A NOTICE for each walk no index serves: from a source to its links
 *		(the through table by its foreign key), and from a link to its
 *		target (the target by its key), naming the index to create.  The
 *		associations view shows the same advice.
 */
static void
advise_indexes(const AssocDef *def)
{
	struct
	{
		Oid			relid;
		int			key;
		const char *walk;
	}			walks[2] = {
		{def->through, MA_FK, "from a source to its links"},
		{def->target, MA_TK, "from a link to its target"},
	};

	for (int i = 0; i < 2; i++)
	{
		const char *column = def->keyname[walks[i].key];

		if (leads_an_index(walks[i].relid, def->keyattnum[walks[i].key]))
			continue;
		ereport(NOTICE,
				(errmsg("no index serves association \"%s\"'s walk %s",
						def->name, walks[i].walk),
				 errhint("CREATE INDEX ON %s (%s);",
						 ma_relation_name(walks[i].relid),
						 quote_identifier(column))));
	}
}

/*
 * require_owner_to_drop
 *		Dropping an association requires owning its source table (42501).
 */
static void
require_owner_to_drop(const AssocDef *def)
{
	if (!ma_table_ownercheck(def->source, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", ma_relation_name(def->source)),
				 errdetail("Registering or dropping an association requires owning its source table.")));
}

/* do two definitions name the same tables? */
static bool
same_tables(const AssocDef *a, const AssocDef *b)
{
	return a->source == b->source && a->target == b->target &&
		a->through == b->through;
}

/*
 * lock_association_to_drop
 *		The definition of the association named name, with the locks that
 *		dropping it needs, checked after every wait.  Ownership is checked
 *		before any lock is taken (so that only an owner can make others
 *		wait), and again on what the registry holds once the locks are
 *		held: while we waited, the association may have been dropped and
 *		another registered under its name by someone else.
 *
 *		In this order: ACCESS SHARE on the through table, which keeps it
 *		from being dropped meanwhile and needs no more than the REFERENCES
 *		privilege that registering took; then a wait, without a lock, for
 *		the transactions that hold a lock on the through table (every
 *		reader and helper call takes one), as CREATE INDEX CONCURRENTLY
 *		waits: the drop waits for the transactions using the tables, and
 *		their reads and writes do not wait for it; then the
 *		registry's lock, which keeps registrations and drops from running
 *		concurrently, so that what is checked is what is deleted.  (Taken
 *		last, so that a transaction the drop waits for may still register
 *		or drop another association; a try that finds another association
 *		under the name releases both locks before the next.)  A waited-for
 *		transaction that wants ACCESS EXCLUSIVE on the through table (ALTER
 *		TABLE) waits for the drop's ACCESS SHARE, and one of the two is
 *		ended as a deadlock, as with any DDL.
 */
static AssocDef *
lock_association_to_drop(const char *name)
{
	AssocDef   *def = ma_registry_fetch(name, false);

	for (;;)
	{
		AssocDef   *now;
		LOCKTAG		tag;

		require_owner_to_drop(def);
		LockRelationOid(def->through, AccessShareLock);
		SET_LOCKTAG_RELATION(tag, MyDatabaseId, def->through);
		WaitForLockers(tag, AccessExclusiveLock, false);
		LockRelationOid(ma_registry_relid(), ShareUpdateExclusiveLock);
		now = ma_registry_fetch(name, false);
		if (same_tables(def, now))
		{
			require_owner_to_drop(now);
			return now;
		}
		/* start again with the new definition, holding nothing */
		UnlockRelationOid(ma_registry_relid(), ShareUpdateExclusiveLock);
		UnlockRelationOid(def->through, AccessShareLock);
		def = now;
	}
}

/*
 * medium_assoc_drop_association
 *		drop_association(association) RETURNS void: remove the registration
 *		and the readers.  Waits for the transactions that used its through
 *		table, blocking none (see lock_association_to_drop).
 */
PG_FUNCTION_INFO_V1(medium_assoc_drop_association);
Datum
medium_assoc_drop_association(PG_FUNCTION_ARGS)
{
	AssocDef   *def;
	Oid			reader;

	require_arg(fcinfo, 0, "association");
	def = lock_association_to_drop(text_to_cstring(PG_GETARG_TEXT_PP(0)));

	ma_registry_delete(def);
	reader = ma_find_function(def->name, MA_READER_SYMBOL);
	if (OidIsValid(reader))
	{
		ObjectAddress addr;

		ObjectAddressSet(addr, ProcedureRelationId, reader);
		performDeletion(&addr, DROP_RESTRICT, 0);
	}
	PG_RETURN_VOID();
}
