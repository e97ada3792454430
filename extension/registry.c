/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  The registry of associations (medium_assoc.registry) and the
 *	  backend-local cache of their run-time form and prepared plans.
 *
 * The registry is read and written as its owner, the way the system
 * catalogs are: callers have already checked what the user may do.  Every
 * change to it sends a relcache invalidation for the registry table, which
 * each backend's callback turns into a flush of its cache.  A relcache
 * invalidation of one of an association's tables (DDL, a trigger disabled,
 * an index added, a partition attached) marks it for reload, and one of a
 * partition its index walk scans makes the walk be planned again; a change
 * to pg_proc makes its index walk look up again the functions it calls
 * directly.  Plans are
 * prepared once per backend and association, kept with SPI_keepplan, and
 * rebuilt from fresh catalog names when plancache reports them invalid
 * (a rename, say), as the foreign-key triggers do.
 *
 * A call may be using an association (and running one of its plans) when a
 * nested call finds it invalidated and loads it again, so what is replaced
 * is not freed at once: it goes to a list freed at the end of the
 * transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/regproc.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

/* an entry of the cache: the association lives in its own memory context */
typedef struct CacheSlot
{
	char		name[NAMEDATALEN];	/* hash key */
	Association *assoc;
} CacheSlot;

static HTAB *assoc_cache = NULL;
static List *retired_assocs = NIL;	/* replaced, freed at transaction end */
static List *retired_plans = NIL;
static List *retired_contexts = NIL;	/* of other caches, freed likewise */
static bool cache_stale = false;
static Oid	registry_relid = InvalidOid;
static bool registry_inserting = false;	/* within ma_registry_insert */

/* bumped whenever a cached association is freed */
static uint64 cache_generation = 0;

static void relcache_callback(Datum arg, Oid relid);
static Association *lookup_by_function_name(Oid fn_oid, const char *suffix,
											bool array_arg, const char *what);
static void timestamps_from_row(AssocDef *def, HeapTuple tuple,
								TupleDesc tupdesc);
static void function_callback(Datum arg, int cacheid, uint32 hashvalue);
static void ensure_cache(void);
static void release_entry(CacheSlot *slot);
static void free_retired(XactEvent event, void *arg);
static void query_argtypes(const Association *assoc, AssocQuery query,
						   Oid *argtypes);
static char *attrs_variant(List *attrs);

/*
 * ma_register_callbacks
 *		Called once from _PG_init: listen for relcache invalidations.
 */
void
ma_register_callbacks(void)
{
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(PROCOID, function_callback, (Datum) 0);
	RegisterXactCallback(free_retired, NULL);
}

/*
 * free_retired
 *		At the end of a transaction, no call can be using the associations
 *		and plans that were replaced during it: free them.
 */
static void
free_retired(XactEvent event, void *arg)
{
	ListCell   *lc;
	ListCell   *lp;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT && event != XACT_EVENT_PREPARE)
		return;
	foreach(lc, retired_plans)
		SPI_freeplan((SPIPlanPtr) lfirst(lc));
	foreach(lc, retired_assocs)
	{
		Association *assoc = (Association *) lfirst(lc);

		foreach(lp, assoc->plans)
			SPI_freeplan(((AssocPlan *) lfirst(lp))->plan);
		MemoryContextDelete(assoc->mcxt);
	}
	foreach(lc, retired_contexts)
		MemoryContextDelete((MemoryContext) lfirst(lc));
	list_free(retired_plans);
	list_free(retired_assocs);
	list_free(retired_contexts);
	retired_plans = NIL;
	retired_assocs = NIL;
	retired_contexts = NIL;
}

/*
 * ma_retire_context
 *		Free a cache's memory context at the end of the transaction, when
 *		no call can be using what it holds.
 */
void
ma_retire_context(MemoryContext cxt)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

	retired_contexts = lappend(retired_contexts, cxt);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * relcache_callback
 *		A change to the registry flushes the whole cache; a change to a
 *		participating table marks the associations using it for reload.
 */
static void
relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	CacheSlot  *slot;

	if (relid == InvalidOid || relid == registry_relid)
	{
		cache_stale = true;
		registry_relid = InvalidOid;
		return;
	}
	if (assoc_cache == NULL)
		return;
	hash_seq_init(&status, assoc_cache);
	while ((slot = (CacheSlot *) hash_seq_search(&status)) != NULL)
	{
		AssocDef   *def = slot->assoc->def;

		if (def->source == relid || def->target == relid || def->through == relid)
			slot->assoc->valid = false;
		else if (ma_walk_reads(slot->assoc, relid))
			slot->assoc->walk.checked = false;
	}
}

/*
 * function_callback
 *		A function changed (replaced, dropped, its EXECUTE privilege): the
 *		functions a cached association's index walk calls directly (the
 *		equality of scope columns, kept as FmgrInfos) are looked up again
 *		on next use, and so is medium_assoc._linked().  Its prepared statements are the plan cache's to
 *		invalidate.
 */
static void
function_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS status;
	CacheSlot  *slot;

	if (assoc_cache == NULL)
		return;
	hash_seq_init(&status, assoc_cache);
	while ((slot = (CacheSlot *) hash_seq_search(&status)) != NULL)
	{
		slot->assoc->walk.checked = false;
		slot->assoc->linked_fn_checked = false;
	}
}

/*
 * ma_cache_generation
 *		Changes whenever a cached association is freed: holders of an
 *		Association pointer across calls compare it before reusing it.
 */
uint64
ma_cache_generation(void)
{
	return cache_generation;
}

/*
 * ma_registry_relid
 *		OID of medium_assoc.registry; fails if the extension is missing.
 */
Oid
ma_registry_relid(void)
{
	if (!OidIsValid(registry_relid))
	{
		Oid			nsp = get_namespace_oid(MA_SCHEMA, true);

		if (OidIsValid(nsp))
			registry_relid = get_relname_relid(MA_REGISTRY, nsp);
		if (!OidIsValid(registry_relid))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("extension \"%s\" is not installed in this database",
							MA_EXTENSION)));
	}
	return registry_relid;
}

/*
 * ma_chains_relid
 *		The table of chains (1.1), or InvalidOid before the update.
 */
Oid
ma_chains_relid(void)
{
	Oid			nsp = get_namespace_oid(MA_SCHEMA, true);

	return OidIsValid(nsp) ? get_relname_relid("registry_chains", nsp) : InvalidOid;
}

/*
 * ma_registry_changed
 *		Tell every backend (this one included, at commit) to flush its cache.
 */
void
ma_registry_changed(void)
{
	CacheInvalidateRelcacheByRelid(ma_registry_relid());
}

/*
 * ma_become_registry_owner
 *		Switch to the registry's owner, with search_path pg_catalog, for
 *		reading or writing it; ma_restore_user switches back.
 */
void
ma_become_registry_owner(RegistryUser *saved)
{
	HeapTuple	tuple;
	Oid			owner;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(ma_registry_relid()));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", registry_relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);

	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(owner, saved->sec_context |
						   SECURITY_LOCAL_USERID_CHANGE);
	saved->guc_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
}

/*
 * ma_restore_user
 *		Return to the caller's identity and search_path.
 */
void
ma_restore_user(RegistryUser *saved)
{
	AtEOXact_GUC(true, saved->guc_nestlevel);
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}

/*
 * ma_registry_snapshot
 *		The snapshot the registry is read with: like a system catalog's, a
 *		fresh one, whatever the isolation level.  A catalog snapshot rather
 *		than GetLatestSnapshot(), which parallel workers may not take: the
 *		reader below a Gather must find what the serial path finds.
 */
Snapshot
ma_registry_snapshot(void)
{
	return GetCatalogSnapshot(ma_registry_relid());
}

/*
 * ma_registry_fetch
 *		Read one association's definition, with a fresh snapshot (the
 *		registry behaves like a catalog), into the caller's memory context.
 */
AssocDef *
ma_registry_fetch(const char *name, bool missing_ok)
{
	MemoryContext caller = CurrentMemoryContext;
	RegistryUser saved;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	SPIPlanPtr	plan;
	AssocDef   *def = NULL;

	values[0] = CStringGetTextDatum(name);
	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare("SELECT * FROM medium_assoc.registry"
					   " WHERE name OPERATOR(pg_catalog.=) $1::pg_catalog.name",
					   1, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_execute_snapshot(plan, values, NULL, ma_registry_snapshot(),
							 InvalidSnapshot, true, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the association registry");
	if (SPI_processed > 0)
	{
		MemoryContext spicxt = MemoryContextSwitchTo(caller);

		def = ma_def_from_row(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	ma_restore_user(&saved);

	if (def == NULL && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("association \"%s\" does not exist", name),
				 errhint("Register it with medium_assoc.belongs_to_many().")));
	return def;
}

/*
 * ma_timestamp_key
 *		The key of timestamp i in the registry's timestamps object, which
 *		is also the name Sequelize gives the column.
 */
const char *
ma_timestamp_key(int i)
{
	static const char *const keys[MA_NTIMESTAMPS] = {
		"createdAt", "updatedAt", "deletedAt"
	};

	return keys[i];
}

/*
 * ma_registry_has_timestamps
 *		Does the registry have the columns of version 1.1 (timestamps,
 *		target_scope)?  The library serves databases not yet updated from
 *		1.0 too.
 */
bool
ma_registry_has_timestamps(void)
{
	return ma_registry_has_column("timestamps") &&
		ma_registry_has_column("target_scope");
}

/*
 * ma_registry_has_column
 *		Does the registry have the named column?
 */
bool
ma_registry_has_column(const char *name)
{
	return get_attnum(ma_registry_relid(), name) != InvalidAttrNumber;
}

/*
 * timestamps_from_row
 *		Read a registry row's timestamp columns, by name and, when the row
 *		has them, by attribute number.
 */
static void
timestamps_from_row(AssocDef *def, HeapTuple tuple, TupleDesc tupdesc)
{
	int			col = SPI_fnumber(tupdesc, "timestamps");
	bool		isnull;
	Datum		d;
	Jsonb	   *ts;

	if (col <= 0)
		return;
	d = SPI_getbinval(tuple, tupdesc, col, &isnull);
	if (isnull)
		return;
	ts = DatumGetJsonbP(d);
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
	{
		JsonbValue	key;
		JsonbValue *v;

		key.type = jbvString;
		key.val.string.val = (char *) ma_timestamp_key(i);
		key.val.string.len = strlen(key.val.string.val);
		v = findJsonbValueFromContainer(&ts->root, JB_FOBJECT, &key);
		if (v != NULL && v->type == jbvString)
			def->tsname[i] = pnstrdup(v->val.string.val, v->val.string.len);
	}

	(void) ma_attnums_from_row(tuple, tupdesc, "timestamp_attnums",
							   def->tsattnum, MA_NTIMESTAMPS);
}

/*
 * ma_attnums_from_row
 *		Read up to max attribute numbers from the int2[] column colname of
 *		a registry row into out; returns how many the row holds, or -1 when
 *		the registry has no such column or the row holds NULL.
 */
int
ma_attnums_from_row(HeapTuple tuple, TupleDesc tupdesc, const char *colname,
					AttrNumber *out, int max)
{
	int			col = SPI_fnumber(tupdesc, colname);
	bool		isnull;
	Datum		d;
	Datum	   *elems;
	int			nelems;

	if (col <= 0)
		return -1;
	d = SPI_getbinval(tuple, tupdesc, col, &isnull);
	if (isnull)
		return -1;
	deconstruct_array(DatumGetArrayTypeP(d), INT2OID, 2, true, TYPALIGN_SHORT,
					  &elems, NULL, &nelems);
	for (int i = 0; i < max && i < nelems; i++)
		out[i] = DatumGetInt16(elems[i]);
	return nelems;
}

/*
 * ma_attnums_datum
 *		n attribute numbers as an int2[] Datum, as the registry keeps them.
 */
Datum
ma_attnums_datum(const AttrNumber *attnums, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = Int16GetDatum(attnums[i]);
	return PointerGetDatum(construct_array(elems, n, INT2OID, 2, true,
										   TYPALIGN_SHORT));
}

/*
 * ma_timestamps_jsonb
 *		A definition's timestamp columns as the registry stores them, or
 *		NULL when it has none.
 */
Jsonb *
ma_timestamps_jsonb(const AssocDef *def)
{
	JsonbParseState *state = NULL;
	JsonbValue	v;
	JsonbValue *result;
	bool		any = false;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
	{
		if (def->tsname[i] == NULL)
			continue;
		any = true;
		v.type = jbvString;
		v.val.string.val = (char *) ma_timestamp_key(i);
		v.val.string.len = strlen(v.val.string.val);
		pushJsonbValue(&state, WJB_KEY, &v);
		v.val.string.val = def->tsname[i];
		v.val.string.len = strlen(def->tsname[i]);
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return any ? JsonbValueToJsonb(result) : NULL;
}

/*
 * ma_def_from_row
 *		Build an AssocDef from a registry row (found by column name), in the
 *		current memory context.  The attribute numbers are read too, unless
 *		the row has none yet (a row being inserted).
 */
AssocDef *
ma_def_from_row(HeapTuple tuple, TupleDesc tupdesc)
{
	static const char *const keycols[MA_NKEYS] = {
		"foreign_key", "other_key", "source_key", "target_key"
	};
	AssocDef   *def = palloc0(sizeof(AssocDef));
	bool		isnull;
	Datum		d;
	AttrNumber *attnums;
	int			nattnums;

	def->name = SPI_getvalue(tuple, tupdesc, SPI_fnumber(tupdesc, "name"));
	def->kind = ma_kind_from_name(SPI_getvalue(tuple, tupdesc,
											   SPI_fnumber(tupdesc, "kind")));
	def->source = DatumGetObjectId(SPI_getbinval(tuple, tupdesc,
												 SPI_fnumber(tupdesc, "source"),
												 &isnull));
	def->target = DatumGetObjectId(SPI_getbinval(tuple, tupdesc,
												 SPI_fnumber(tupdesc, "target"),
												 &isnull));
	def->through = DatumGetObjectId(SPI_getbinval(tuple, tupdesc,
												  SPI_fnumber(tupdesc, "through"),
												  &isnull));
	for (int i = 0; i < MA_NKEYS; i++)
		def->keyname[i] = SPI_getvalue(tuple, tupdesc,
									   SPI_fnumber(tupdesc, keycols[i]));
	d = SPI_getbinval(tuple, tupdesc, SPI_fnumber(tupdesc, "scope"), &isnull);
	def->scope = isnull ? NULL : DatumGetJsonbPCopy(d);
	if (SPI_fnumber(tupdesc, "target_scope") > 0)
	{
		d = SPI_getbinval(tuple, tupdesc, SPI_fnumber(tupdesc, "target_scope"),
						  &isnull);
		def->target_scope = isnull ? NULL : DatumGetJsonbPCopy(d);
	}
	ma_parse_scope(def);

	timestamps_from_row(def, tuple, tupdesc);
	(void) ma_attnums_from_row(tuple, tupdesc, "target_scope_attnums",
							   def->tscopeattnum, def->ntscope);

	/* keys, then the scope's columns; none yet in a row being inserted */
	attnums = palloc(sizeof(AttrNumber) * (MA_NKEYS + def->nscope));
	nattnums = ma_attnums_from_row(tuple, tupdesc, "attnums", attnums,
								   MA_NKEYS + def->nscope);
	if (nattnums < 0)
		return def;
	if (nattnums != MA_NKEYS + def->nscope)
		elog(ERROR, "association \"%s\" has %d attribute numbers, expected %d",
			 def->name, nattnums, MA_NKEYS + def->nscope);
	memcpy(def->keyattnum, attnums, sizeof(AttrNumber) * MA_NKEYS);
	memcpy(def->scopeattnum, attnums + MA_NKEYS,
		   sizeof(AttrNumber) * def->nscope);
	return def;
}

/*
 * ma_registry_all
 *		Every association's definition, in name order, in the current
 *		memory context, read with a fresh snapshot.
 */
List *
ma_registry_all(void)
{
	MemoryContext caller = CurrentMemoryContext;
	RegistryUser saved;
	List	   *defs = NIL;
	SPIPlanPtr	plan;

	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare("SELECT * FROM medium_assoc.registry ORDER BY name",
					   0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_execute_snapshot(plan, NULL, NULL, ma_registry_snapshot(),
							 InvalidSnapshot, true, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the association registry");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		MemoryContext spicxt = MemoryContextSwitchTo(caller);

		defs = lappend(defs, ma_def_from_row(SPI_tuptable->vals[i],
											 SPI_tuptable->tupdesc));
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	ma_restore_user(&saved);
	return defs;
}

/* the kinds of association, by their names in the registry */
static const char *const kind_names[] = {
	[AK_BELONGS_TO_MANY] = MA_KIND,
	[AK_HAS_MANY] = "has_many",
	[AK_HAS_ONE] = "has_one",
	[AK_BELONGS_TO] = "belongs_to",
};

const char *
ma_kind_name(const AssocDef *def)
{
	return kind_names[def->kind];
}

AssocKind
ma_kind_from_name(const char *name)
{
	for (int i = 0; i < (int) lengthof(kind_names); i++)
		if (name != NULL && strcmp(kind_names[i], name) == 0)
			return (AssocKind) i;
	elog(ERROR, "unrecognized association kind \"%s\"", name ? name : "");
	return AK_BELONGS_TO_MANY;	/* keep compiler quiet */
}

/*
 * ma_registry_insert
 *		Add a validated definition.  The registry's insert trigger fills in
 *		the attribute numbers and creates the readers and dependencies.
 */
void
ma_registry_insert(const AssocDef *def)
{
	RegistryUser saved;
	Oid			argtypes[12] = {TEXTOID, OIDOID, OIDOID, OIDOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID, JSONBOID, TEXTOID};
	Datum		values[12];
	char		nulls[12];
	Jsonb	   *timestamps = ma_timestamps_jsonb(def);
	bool		with_timestamps = ma_registry_has_timestamps();
	int			rc = 0;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(def->name);
	values[1] = ObjectIdGetDatum(def->source);
	values[2] = ObjectIdGetDatum(def->target);
	values[3] = ObjectIdGetDatum(def->through);
	for (int i = 0; i < MA_NKEYS; i++)
		values[4 + i] = CStringGetTextDatum(def->keyname[i]);
	if (def->scope)
		values[8] = JsonbPGetDatum(def->scope);
	else
		nulls[8] = 'n';
	if (timestamps)
		values[9] = JsonbPGetDatum(timestamps);
	else
		nulls[9] = 'n';
	if (def->target_scope)
		values[10] = JsonbPGetDatum(def->target_scope);
	else
		nulls[10] = 'n';
	values[11] = CStringGetTextDatum(ma_kind_name(def));
	if ((timestamps || def->target_scope || ma_direct(def)) && !with_timestamps)
		elog(ERROR, "the association registry has no timestamps or target_scope column");

	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	registry_inserting = true;
	PG_TRY();
	{
		if (with_timestamps)
			rc = SPI_execute_with_args("INSERT INTO medium_assoc.registry"
									   " (name, source, target, through, foreign_key,"
									   " other_key, source_key, target_key, scope,"
									   " timestamps, target_scope, kind)"
									   " VALUES ($1::pg_catalog.name, $2::pg_catalog.regclass,"
									   " $3::pg_catalog.regclass, $4::pg_catalog.regclass,"
									   " $5::pg_catalog.name, $6::pg_catalog.name,"
									   " $7::pg_catalog.name, $8::pg_catalog.name, $9, $10,"
									   " $11, $12)",
									   12, argtypes, values, nulls, false, 0);
		else
			rc = SPI_execute_with_args("INSERT INTO medium_assoc.registry"
									   " (name, source, target, through, foreign_key,"
									   " other_key, source_key, target_key, scope)"
									   " VALUES ($1::pg_catalog.name, $2::pg_catalog.regclass,"
									   " $3::pg_catalog.regclass, $4::pg_catalog.regclass,"
									   " $5::pg_catalog.name, $6::pg_catalog.name,"
									   " $7::pg_catalog.name, $8::pg_catalog.name, $9)",
									   9, argtypes, values, nulls, false, 0);
	}
	PG_FINALLY();
	{
		registry_inserting = false;
	}
	PG_END_TRY();
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into the association registry");
	SPI_finish();
	ma_restore_user(&saved);
	ma_registry_changed();
}

/*
 * ma_registry_set_scope
 *		Store a definition's scope (in canonical form) in its row.
 */
void
ma_registry_set_scope(const AssocDef *def)
{
	RegistryUser saved;
	Oid			argtypes[2] = {TEXTOID, JSONBOID};
	Datum		values[2];

	values[0] = CStringGetTextDatum(def->name);
	values[1] = JsonbPGetDatum(def->scope);
	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("UPDATE medium_assoc.registry SET scope = $2"
							  " WHERE name OPERATOR(pg_catalog.=) $1::pg_catalog.name",
							  2, argtypes, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update the association registry");
	SPI_finish();
	ma_restore_user(&saved);
	ma_registry_changed();
}

/*
 * ma_registry_inserting
 *		Is the row being inserted into the registry a registration's (as
 *		opposed to one pg_restore loads)?
 */
bool
ma_registry_inserting(void)
{
	return registry_inserting;
}

/*
 * ma_registry_delete
 *		Remove an association's row: the one with def's name and tables,
 *		so that a row registered again under that name is left alone.
 */
void
ma_registry_delete(const AssocDef *def)
{
	RegistryUser saved;
	Oid			argtypes[4] = {TEXTOID, OIDOID, OIDOID, OIDOID};
	Datum		values[4];

	values[0] = CStringGetTextDatum(def->name);
	values[1] = ObjectIdGetDatum(def->source);
	values[2] = ObjectIdGetDatum(def->target);
	values[3] = ObjectIdGetDatum(def->through);
	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("DELETE FROM medium_assoc.registry"
							  " WHERE name OPERATOR(pg_catalog.=) $1::pg_catalog.name"
							  " AND source::pg_catalog.oid OPERATOR(pg_catalog.=) $2"
							  " AND target::pg_catalog.oid OPERATOR(pg_catalog.=) $3"
							  " AND through::pg_catalog.oid OPERATOR(pg_catalog.=) $4",
							  4, argtypes, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not delete from the association registry");
	SPI_finish();
	ma_restore_user(&saved);
	ma_registry_changed();
}

/*
 * ensure_cache
 *		Create the cache on first use; flush it after a registry change.
 */
static void
ensure_cache(void)
{
	if (assoc_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(CacheSlot);
		assoc_cache = hash_create("medium_assoc associations", 16, &ctl,
								  HASH_ELEM | HASH_STRINGS);
		cache_stale = false;
	}
	else if (cache_stale)
	{
		HASH_SEQ_STATUS status;
		CacheSlot  *slot;

		cache_stale = false;
		hash_seq_init(&status, assoc_cache);
		while ((slot = (CacheSlot *) hash_seq_search(&status)) != NULL)
			release_entry(slot);
	}
}

/*
 * release_entry
 *		Remove an association from the cache; it is freed, with its plans,
 *		at the end of the transaction.
 */
static void
release_entry(CacheSlot *slot)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

	cache_generation++;
	retired_assocs = lappend(retired_assocs, slot->assoc);
	MemoryContextSwitchTo(oldcxt);
	hash_search(assoc_cache, slot->name, HASH_REMOVE, NULL);
}

/*
 * build_association
 *		Read an association from the registry and describe it, in mcxt.
 */
static Association *
build_association(const char *name, MemoryContext mcxt)
{
	Association *assoc = MemoryContextAllocZero(mcxt, sizeof(Association));

	assoc->mcxt = mcxt;
	namestrcpy(&assoc->name, name);
	assoc->def = ma_registry_fetch(name, false);
	LockRelationOid(assoc->def->through, AccessShareLock);
	LockRelationOid(assoc->def->target, AccessShareLock);
	/* the definition may have changed while we waited for the locks */
	assoc->def = ma_registry_fetch(name, false);
	if (get_rel_relkind(assoc->def->through) == '\0' ||
		get_rel_relkind(assoc->def->target) == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("association \"%s\" does not exist", name)));
	ma_describe(assoc);
	return assoc;
}

/*
 * load_association
 *		A new association entry in its own memory context, freed on error.
 */
static Association *
load_association(const char *name)
{
	MemoryContext mcxt = AllocSetContextCreate(TopMemoryContext,
											   "medium_assoc association",
											   ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = CurrentMemoryContext;
	Association *assoc;

	PG_TRY();
	{
		MemoryContextSwitchTo(mcxt);
		assoc = build_association(name, mcxt);
		MemoryContextSwitchTo(oldcxt);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(mcxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSetIdentifier(mcxt, assoc->def->name);
	return assoc;
}

/*
 * ma_lookup
 *		The cached run-time form of the named association, loading it from
 *		the registry when absent or invalidated.  Fails with 42704 when no
 *		such association exists.
 */
Association *
ma_lookup(const char *name)
{
	CacheSlot  *slot;
	Association *assoc;
	bool		found;

	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("association \"%s\" does not exist", name)));

	/* process pending invalidations, such as another backend's drop */
	AcceptInvalidationMessages();
	ensure_cache();
	slot = hash_search(assoc_cache, name, HASH_FIND, NULL);
	if (slot != NULL && slot->assoc->valid)
	{
		/*
		 * Lock the tables before using what was cached about them: a drop
		 * that committed while we waited is then seen, and the entry is
		 * reloaded (and found gone) below.  (drop_association waits for
		 * these locks' holders.)
		 */
		assoc = slot->assoc;
		LockRelationOid(assoc->def->through, AccessShareLock);
		LockRelationOid(assoc->def->target, AccessShareLock);
		if (assoc->valid && !cache_stale)
			return assoc;
		ensure_cache();
		slot = hash_search(assoc_cache, name, HASH_FIND, NULL);
	}
	if (slot != NULL)
		release_entry(slot);

	assoc = load_association(name);
	slot = hash_search(assoc_cache, name, HASH_ENTER, &found);
	slot->assoc = assoc;
	assoc->valid = true;
	return assoc;
}

/*
 * lookup_by_function_name
 *		The association whose reader or helper fn_oid is: the function's
 *		name is the alias followed by suffix ("" for the reader), and its
 *		first argument must be the source key (an array of them, for the
 *		batch reader).  what names the function in messages.
 */
static Association *
lookup_by_function_name(Oid fn_oid, const char *suffix, bool array_arg,
						const char *what)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
	Form_pg_proc proc;
	char	   *proname;
	Oid			argtype;
	size_t		len;
	size_t		slen = strlen(suffix);
	Association *assoc;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("%s function %u no longer exists", what, fn_oid),
				 errdetail("Its association was dropped.")));
	proc = (Form_pg_proc) GETSTRUCT(tup);
	proname = pstrdup(NameStr(proc->proname));
	argtype = proc->pronargs >= 1 ? proc->proargtypes.values[0] : InvalidOid;
	ReleaseSysCache(tup);
	len = strlen(proname);
	if (len <= slen || strcmp(proname + len - slen, suffix) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("function \"%s\" is not the %s of an association",
						proname, what)));
	proname[len - slen] = '\0';
	assoc = ma_lookup(proname);
	if (argtype != (array_arg ? assoc->skarraytype : assoc->keytype[MA_SK]))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function %s is not the %s of association \"%s\"",
						format_procedure(fn_oid), what, proname)));
	return assoc;
}

/*
 * ma_lookup_for_function
 *		The association whose reader (or batch reader) is fn_oid.
 */
Association *
ma_lookup_for_function(Oid fn_oid, bool batch)
{
	return batch ?
		lookup_by_function_name(fn_oid, MA_BATCH_SUFFIX, true, "batch reader") :
		lookup_by_function_name(fn_oid, "", false, "reader");
}

/*
 * ma_lookup_for_helper
 *		The association whose typed helper (name ending in suffix) is fn_oid.
 */
Association *
ma_lookup_for_helper(Oid fn_oid, const char *suffix)
{
	return lookup_by_function_name(fn_oid, suffix, false, "helper");
}

/*
 * query_argtypes
 *		Parameter types of each statement: the source key, then the target
 *		key (or an array of them), then through_attrs as jsonb, then the
 *		scope's values; the parameters a statement does not use are typed
 *		too.  argtypes has room for ma_nparams(assoc).
 */
static void
query_argtypes(const Association *assoc, AssocQuery query, Oid *argtypes)
{
	argtypes[0] = assoc->keytype[MA_SK];
	argtypes[1] = assoc->tkarraytype;
	argtypes[2] = JSONBOID;
	for (int i = 0; i < assoc->def->nscope; i++)
		argtypes[MA_FIRST_SCOPE_PARAM - 1 + i] = assoc->scope_type[i];
	for (int i = 0; i < assoc->def->ntscope; i++)
		argtypes[ma_tscope_param(assoc, i) - 1] = assoc->tscope_type[i];
	switch (query)
	{
		case AQ_BATCH:
			argtypes[0] = assoc->skarraytype;
			break;
		case AQ_HAS_ONE:
		case AQ_INSERT_ONE:
		case AQ_INSERT_ONE_WALKED:
		case AQ_LINKED:
		case AQ_DELETE_ONE:
			argtypes[1] = assoc->keytype[MA_TK];
			break;
		case AQ_READ:
		case AQ_COUNT:
		case AQ_HAS_ALL:
		case AQ_REVIVE:
		case AQ_CHECK:
		case AQ_DELETE:
		case AQ_DELETE_OTHERS:
		case AQ_OTHERS:
		case AQ_INSERT:
		case AQ_UPDATE:
			break;
		default:
			elog(ERROR, "unrecognized association query %d", (int) query);
	}
}

/*
 * ma_fill_scope_params
 *		Put the scope's and the target scope's values into a statement's
 *		parameter arrays (of ma_nparams(assoc) entries, SPI's nulls
 *		convention).
 */
void
ma_fill_scope_params(const Association *assoc, Datum *values, char *nulls)
{
	for (int i = 0; i < assoc->def->nscope; i++)
	{
		values[MA_FIRST_SCOPE_PARAM - 1 + i] = assoc->scope_value[i];
		nulls[MA_FIRST_SCOPE_PARAM - 1 + i] = assoc->scope_null[i] ? 'n' : ' ';
	}
	for (int i = 0; i < assoc->def->ntscope; i++)
	{
		values[ma_tscope_param(assoc, i) - 1] = assoc->tscope_value[i];
		nulls[ma_tscope_param(assoc, i) - 1] = assoc->tscope_null[i] ? 'n' : ' ';
	}
}

/*
 * attrs_variant
 *		A key naming the set of through_attrs columns a statement writes.
 */
static char *
attrs_variant(List *attrs)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, attrs)
		appendStringInfo(&buf, "%d,", lfirst_int(lc));
	return buf.data;
}

/*
 * ma_get_plan
 *		The prepared statement of one kind for an association (and, for
 *		writes with through_attrs, one set of attr columns), preparing it on
 *		first use and again after plancache invalidated it.  Must be called
 *		within an SPI connection.
 */
SPIPlanPtr
ma_get_plan(Association *assoc, AssocQuery query, List *attrs)
{
	char	   *variant = attrs_variant(attrs);
	ListCell   *lc;
	AssocPlan  *entry;
	char	   *sql;
	Oid		   *argtypes;
	SPIPlanPtr	plan;
	MemoryContext oldcxt;

	foreach(lc, assoc->plans)
	{
		entry = (AssocPlan *) lfirst(lc);
		if (entry->query != query || strcmp(entry->variant, variant) != 0)
			continue;
		if (SPI_plan_is_valid(entry->plan))
			return entry->plan;
		/* rebuild from scratch: names in the text may have changed */
		oldcxt = MemoryContextSwitchTo(TopMemoryContext);
		retired_plans = lappend(retired_plans, entry->plan);
		MemoryContextSwitchTo(oldcxt);
		assoc->plans = foreach_delete_current(assoc->plans, lc);
		pfree(entry->variant);
		pfree(entry);
		break;
	}

	sql = ma_build_query(assoc, query, attrs);
	argtypes = palloc(sizeof(Oid) * ma_nparams(assoc));
	query_argtypes(assoc, query, argtypes);
	/*
	 * A generic plan, made once: these statements look rows up by key, and
	 * the planner's guess of ten array elements would otherwise make it
	 * plan afresh for every call.  The batch reader, whose array may be
	 * large, lets the planner see it.
	 */
	plan = SPI_prepare_cursor(sql, ma_nparams(assoc), argtypes,
							  query == AQ_BATCH ? 0 : CURSOR_OPT_GENERIC_PLAN);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
			 SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	oldcxt = MemoryContextSwitchTo(assoc->mcxt);
	entry = palloc(sizeof(AssocPlan));
	entry->query = query;
	entry->variant = pstrdup(variant);
	entry->plan = plan;
	assoc->plans = lappend(assoc->plans, entry);
	MemoryContextSwitchTo(oldcxt);
	return plan;
}
