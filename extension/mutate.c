/*-------------------------------------------------------------------------
 *
 * mutate.c
 *	  The link helpers: add, remove, set, has and count.
 *
 * Every helper runs its association's prepared statements through SPI as
 * the caller, so the caller's privileges and row-level security apply.
 * Writers first take transaction-scoped locks on (through table, key
 * value) (see lock_links), so concurrent add/remove/set of one source, or
 * of one link from either direction, run one after the other and never
 * duplicate a link or lose a change, with or without a unique constraint
 * on the through table.  As in the foreign-key triggers,
 * under REPEATABLE READ or SERIALIZABLE they look for existing links with
 * the latest snapshot and cross-check changes against the transaction's,
 * which raises a serialization failure rather than acting on stale rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "medium_assoc.h"

/* distinguishes medium_assoc's locks from user advisory locks in pg_locks */
#define MA_LOCK_KIND 0x4D41

/* lock buckets per through column (see lock_links) */
#define MA_LOCK_BUCKETS 256

/* up to this many targets, foreign keys may check existence (see below) */
#define MA_MAX_FK_CHECKED 16

/* the arguments of a helper call, converted to key values */
typedef struct LinkCall
{
	Association *assoc;
	Datum	   *values;			/* source key, target key array, attrs, */
	char	   *nulls;			/* then the scope's values (registry.c) */
	int			ntargets;
	bool		has_null_target;
	List	   *attrcols;		/* through_attrs columns */
	Datum		create_attrs;	/* through_attrs || create_attrs, or 0 */
	List	   *createcols;		/* their columns, when create_attrs given */
	Oid			helper;			/* the helper function called */
	char	   *helper_name;	/* its name, once a statement needed it */
} LinkCall;

static void prepare_call(FunctionCallInfo fcinfo, LinkCall *call,
						 bool with_targets, bool with_attrs, int names,
						 const char *suffix);
static uint32 key_hash(Oid keytype, Oid collation, Datum value,
					   AttrNumber attnum);
static void lock_hash(Oid through, uint32 hash);
static int	uint32_cmp(const void *a, const void *b);
static int	lock_links(const LinkCall *call, bool with_targets,
					   bool with_others);
static uint64 run_write(LinkCall *call, AssocQuery query, List *attrs,
						int expected);
static void run_read(LinkCall *call, AssocQuery query);
static char *statement_context(LinkCall *call, AssocQuery query);
static void check_links_possible(LinkCall *call);
static bool links_checked_by_foreign_keys(const LinkCall *call);
static bool check_links_before(LinkCall *call);
static void check_links_after(LinkCall *call, bool by_foreign_keys,
							  uint64 added);
static bool may_see_all(Oid relid);

/* SELECT on the whole table, and no row-level security applies */
static bool
may_see_all(Oid relid)
{
	return pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}
static uint64 add_links(LinkCall *call);
static bool may_walk_insert(Association *assoc);
static bool read_bool(LinkCall *call, AssocQuery query);
static int	delete_result(const LinkCall *call);
static int	insert_result(const LinkCall *call);
static void check_direct_links_made(LinkCall *call);
static void alloc_params(LinkCall *call);
static void start_direct_call(LinkCall *call, Association *assoc, Oid helper,
							  Datum source);
static void refuse_on_single(const LinkCall *call, const char *operation);
static int	single_distinct(const LinkCall *call);
static Datum single_target(const LinkCall *call);

/*
 * single_target
 *		The only element of a call's one-element target array.
 */
static Datum
single_target(const LinkCall *call)
{
	Oid			tktype = call->assoc->keytype[MA_TK];
	Datum	   *elems;
	int			nelems;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(tktype, &typlen, &typbyval, &typalign);
	deconstruct_array(DatumGetArrayTypeP(call->values[1]), tktype, typlen,
					  typbyval, typalign, &elems, NULL, &nelems);
	Assert(nelems == 1);
	return elems[0];
}
static void count_link(TupleTableSlot *row, void *arg);

/* LinkVisitor of count */
static void
count_link(TupleTableSlot *row, void *arg)
{
	(*(int64 *) arg)++;
}

/*
 * prepare_call
 *		Look up the association, check USAGE on the schemas of the tables
 *		the call's statements name (names: MA_NAMES_*, as the parser would),
 *		and convert the source (and the targets) to key values.  Writers
 *		pass with_attrs; NULL association, source or targets are errors for
 *		them.  The generic helpers take the association's name first; a
 *		typed helper (suffix is its name's, as "_add") is the association's
 *		own, and takes the source first.
 */
static void
prepare_call(FunctionCallInfo fcinfo, LinkCall *call, bool with_targets,
			 bool with_attrs, int names, const char *suffix)
{
	int			first = 1;		/* argument number of the source */

	memset(call, 0, sizeof(LinkCall));
	call->helper = fcinfo->flinfo->fn_oid;

	if (suffix != NULL)
	{
		/* a typed helper: the association is in its name */
		call->assoc = ma_lookup_for_helper(fcinfo->flinfo->fn_oid, suffix);
		first = 0;
	}
	else
	{
		if (PG_ARGISNULL(0))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("association must not be null")));
		call->assoc = ma_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	}
	ma_require_association_usage(call->assoc, names);
	alloc_params(call);

	if (PG_ARGISNULL(first))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source must not be null")));
	call->values[0] = ma_key_from_arg(fcinfo, first, call->assoc->keytype[MA_SK]);

	if (with_targets)
	{
		ArrayType  *targets;

		if (PG_ARGISNULL(first + 1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("targets must not be null"),
					 errhint("Pass an empty array for no targets.")));
		targets = ma_keys_from_arg(fcinfo, first + 1, call->assoc->keytype[MA_TK],
								   &call->has_null_target);
		call->values[1] = PointerGetDatum(targets);
		call->ntargets = ArrayGetNItems(ARR_NDIM(targets), ARR_DIMS(targets));
	}
	else
		call->nulls[1] = 'n';

	call->nulls[2] = 'n';
	if (with_attrs && ma_direct(call->assoc->def) &&
		((PG_NARGS() > first + 2 && !PG_ARGISNULL(first + 2)) ||
		 (PG_NARGS() > first + 3 && !PG_ARGISNULL(first + 3))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("association \"%s\" is a %s: its links have no attributes",
						NameStr(call->assoc->name), ma_kind_name(call->assoc->def)),
				 errhint("through_attrs and create_attrs apply to belongs_to_many associations.")));
	if (with_attrs && PG_NARGS() > first + 2 && !PG_ARGISNULL(first + 2))
	{
		Jsonb	   *attrs = PG_GETARG_JSONB_P(first + 2);

		call->attrcols = ma_through_attr_columns(call->assoc, attrs);
		call->values[2] = JsonbPGetDatum(attrs);
		call->nulls[2] = ' ';
	}
	if (with_attrs && PG_NARGS() > first + 3 && !PG_ARGISNULL(first + 3))
	{
		Jsonb	   *create = PG_GETARG_JSONB_P(first + 3);

		/* validated as through_attrs; given both ways, create_attrs wins */
		call->createcols = list_concat_unique_int(list_copy(call->attrcols),
												  ma_through_attr_columns(call->assoc,
																		  create));
		list_sort(call->createcols, list_int_cmp);
		call->create_attrs = call->nulls[2] == 'n' ? JsonbPGetDatum(create) :
			DirectFunctionCall2(jsonb_concat, call->values[2],
								JsonbPGetDatum(create));
	}

	if (with_attrs && call->has_null_target)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("targets must not contain null")));
}

/*
 * key_hash
 *		The lock bucket of a value of one through column.
 */
static uint32
key_hash(Oid keytype, Oid collation, Datum value, AttrNumber attnum)
{
	TypeCacheEntry *tc = lookup_type_cache(keytype, TYPECACHE_HASH_PROC_FINFO);
	uint32		hash;

	if (OidIsValid(tc->hash_proc))
		hash = DatumGetUInt32(FunctionCall1Coll(&tc->hash_proc_finfo,
												collation, value));
	else
	{
		char	   *text = ma_key_to_text(value, keytype);

		hash = hash_bytes((unsigned char *) text, strlen(text));
	}
	return (uint32) attnum * MA_LOCK_BUCKETS + hash % MA_LOCK_BUCKETS;
}

/* a transaction-scoped exclusive lock on one hash of a through table */
static void
lock_hash(Oid through, uint32 hash)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, through, hash, MA_LOCK_KIND);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

static int
uint32_cmp(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/*
 * lock_links
 *		Serialize writers of the same links.  Every writer locks (through
 *		table, foreign key column, source value): add, remove and set of one
 *		source run one after the other.  A link can also be written from the
 *		other direction (the reverse association, on the same through
 *		table), so the lock that counts for a link is the one on the value
 *		of its lower-numbered column: a writer whose other key is that
 *		column also locks each target value it adds or removes (for set,
 *		also those of the links it will remove), in one sorted pass so that
 *		two such writers cannot deadlock.
 *
 *		Values are hashed into MA_LOCK_BUCKETS locks per column of a through
 *		table, so that a transaction writing the links of many sources holds
 *		a bounded number of locks; writers of distinct values that share a
 *		bucket just wait for each other.  Returns the number of links set
 *		will remove, when it looked them up (with_others), else -1.
 */
static int
lock_links(const LinkCall *call, bool with_targets, bool with_others)
{
	Association *assoc = call->assoc;
	AssocDef   *def = assoc->def;
	AttrNumber	okattnum = def->keyattnum[MA_OK];
	Oid			tktype = assoc->keytype[MA_TK];
	Datum	   *targets;
	uint32	   *buckets;
	int			ntargets;
	int			nothers = 0;
	int			nbuckets = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	lock_hash(def->through, key_hash(assoc->keytype[MA_SK], assoc->sk_collation,
									 call->values[0], def->keyattnum[MA_FK]));
	/*
	 * Targets' locks: where the other key comes first (the lower-numbered
	 * column serializes both directions), and always where a target row is
	 * what is written (has_many and the like: two set() calls trading
	 * targets would otherwise update rows in opposite orders).
	 */
	if (!with_targets || (okattnum > def->keyattnum[MA_FK] && !ma_direct(def)))
		return -1;

	get_typlenbyvalalign(tktype, &typlen, &typbyval, &typalign);
	deconstruct_array(DatumGetArrayTypeP(call->values[1]), tktype,
					  typlen, typbyval, typalign, &targets, NULL, &ntargets);
	/* set: the links it will remove too, now that no same-source writer runs */
	if (with_others)
	{
		run_write((LinkCall *) call, AQ_OTHERS, NIL, SPI_OK_SELECT);
		nothers = (int) SPI_processed;
	}
	buckets = palloc(sizeof(uint32) * (ntargets + nothers + 1));
	for (int i = 0; i < ntargets; i++)
		buckets[nbuckets++] = key_hash(tktype, assoc->tk_collation, targets[i],
									   okattnum);
	for (int i = 0; i < nothers; i++)
	{
		bool		isnull;
		Datum		other = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			buckets[nbuckets++] = key_hash(tktype, assoc->tk_collation, other,
										   okattnum);
	}
	if (nbuckets == 0)
		return nothers;
	qsort(buckets, nbuckets, sizeof(uint32), uint32_cmp);
	ntargets = nbuckets;
	nbuckets = 0;
	for (int i = 0; i < ntargets; i++)
		if (nbuckets == 0 || buckets[nbuckets - 1] != buckets[i])
			buckets[nbuckets++] = buckets[i];
	for (int i = 0; i < nbuckets; i++)
		lock_hash(def->through, buckets[i]);
	return nothers;
}

/*
 * statement_context
 *		The context line of a statement the call runs; the helper's name
 *		is looked up once per call.
 */
static char *
statement_context(LinkCall *call, AssocQuery query)
{
	if (call->helper_name == NULL)
		call->helper_name = ma_function_name(call->helper);
	return ma_statement_context(call->assoc, query, call->helper_name);
}

/*
 * run_write
 *		Run one statement of a writer (of kind query, for the through_attrs
 *		columns attrs).  Under a transaction snapshot, see the latest
 *		committed links and cross-check against the transaction snapshot,
 *		as ri_triggers.c does.
 */
static uint64
run_write(LinkCall *call, AssocQuery query, List *attrs, int expected)
{
	SPIPlanPtr	plan = ma_get_plan(call->assoc, query, attrs);
	char	   *context = statement_context(call, query);
	Snapshot	test_snapshot = InvalidSnapshot;
	Snapshot	crosscheck_snapshot = InvalidSnapshot;
	MemoryContext cxt = CurrentMemoryContext;
	int			rc = 0;

	if (IsolationUsesXactSnapshot())
	{
		CommandCounterIncrement();
		test_snapshot = GetLatestSnapshot();
		crosscheck_snapshot = GetTransactionSnapshot();
	}
	PG_TRY();
	{
		rc = SPI_execute_snapshot(plan, call->values, call->nulls,
								  test_snapshot, crosscheck_snapshot, false,
								  true, 0);
	}
	PG_CATCH();
	{
		ma_rethrow_in_context(cxt, context, plan);
	}
	PG_END_TRY();
	if (rc != expected)
		elog(ERROR, "statement of association \"%s\" failed: %s",
			 NameStr(call->assoc->name), SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * run_read
 *		Run one read-only statement of has() or count(): one row.
 */
static void
run_read(LinkCall *call, AssocQuery query)
{
	SPIPlanPtr	plan = ma_get_plan(call->assoc, query, NIL);
	char	   *context = statement_context(call, query);
	MemoryContext cxt = CurrentMemoryContext;
	int			rc = 0;

	PG_TRY();
	{
		rc = SPI_execute_plan(plan, call->values, call->nulls, true, 1);
	}
	PG_CATCH();
	{
		ma_rethrow_in_context(cxt, context, plan);
	}
	PG_END_TRY();
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "statement of association \"%s\" failed: %s",
			 NameStr(call->assoc->name), SPI_result_code_string(rc));
}

/*
 * links_checked_by_foreign_keys
 *		Will foreign keys on both through columns check every link this
 *		call creates, with the outcome the caller's own check would have
 *		(SELECT on both tables, no row-level security, no target scope)?  Not for many
 *		targets: one set-based check fails faster than a foreign-key check
 *		per row.  They check only the links created: a link that exists
 *		already may point at a row that is gone (inside a cascade, or after
 *		DISABLE TRIGGER), so the caller checks after all when fewer links
 *		were created than targets given.
 */
static bool
links_checked_by_foreign_keys(const LinkCall *call)
{
	Association *assoc = call->assoc;

	return assoc->fk_enforced && assoc->def->ntscope == 0 &&
		call->ntargets > 0 &&
		call->ntargets <= MA_MAX_FK_CHECKED &&
		SessionReplicationRole != SESSION_REPLICATION_ROLE_REPLICA &&
		may_see_all(assoc->def->source) && may_see_all(assoc->def->target);
}

/*
 * check_links_possible
 *		The source and every target must exist (and be visible to the
 *		caller), whether or not the through table has foreign keys: 23503.
 */
static void
check_links_possible(LinkCall *call)
{
	Association *assoc = call->assoc;
	AssocDef   *def = assoc->def;
	bool		isnull;
	Datum		missing;

	run_write(call, AQ_CHECK, NIL, SPI_OK_SELECT);
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
									SPI_tuptable->tupdesc, 1, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("source of association \"%s\" does not exist",
						def->name),
				 errdetail("Key (%s)=(%s) is not present in table %s.",
						   quote_identifier(def->keyname[MA_SK]),
						   ma_key_to_text(call->values[0], assoc->keytype[MA_SK]),
						   ma_relation_name(def->source))));
	missing = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
							&isnull);
	if (!isnull && def->ntscope > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("target of association \"%s\" does not exist or is outside its target scope",
						def->name),
				 errdetail("Key (%s)=(%s) is not present in table %s with %s.",
						   quote_identifier(def->keyname[MA_TK]),
						   ma_key_to_text(missing, assoc->keytype[MA_TK]),
						   ma_relation_name(def->target),
						   JsonbToCString(NULL, &def->target_scope->root,
										  VARSIZE(def->target_scope)))));
	if (!isnull)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("target of association \"%s\" does not exist",
						def->name),
				 errdetail("Key (%s)=(%s) is not present in table %s.",
						   quote_identifier(def->keyname[MA_TK]),
						   ma_key_to_text(missing, assoc->keytype[MA_TK]),
						   ma_relation_name(def->target))));
}

/*
 * check_links_before
 *		Check that the links can exist, unless foreign keys will; returns
 *		true when they will (check_links_after must then follow).
 */
static bool
check_links_before(LinkCall *call)
{
	if (links_checked_by_foreign_keys(call))
		return true;
	check_links_possible(call);
	return false;
}

/*
 * check_links_after
 *		When foreign keys checked the links created, check the rest if some
 *		targets were linked already (or given twice).
 */
static void
check_links_after(LinkCall *call, bool by_foreign_keys, uint64 added)
{
	if (by_foreign_keys && added < (uint64) call->ntargets)
		check_links_possible(call);
}

/*
 * delete_result
 *		What the statements that unlink return: paranoid associations mark
 *		links deleted rather than deleting them.
 */
static int
delete_result(const LinkCall *call)
{
	return ma_paranoid(call->assoc->def) || ma_direct(call->assoc->def) ?
		SPI_OK_UPDATE : SPI_OK_DELETE;
}

/*
 * refuse_on_single
 *		has_one and belongs_to have no add() or remove(): set() changes
 *		their one target (Sequelize gives them set, get and create).
 */
static void
refuse_on_single(const LinkCall *call, const char *operation)
{
	if (ma_single(call->assoc->def))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s() is not an operation of %s association \"%s\"",
						operation, ma_kind_name(call->assoc->def),
						NameStr(call->assoc->name)),
				 errhint("Use set() with one target, or with none to unlink.")));
}

/*
 * single_distinct
 *		The number of distinct targets of a set() of a has_one or
 *		belongs_to: at most one (22023 otherwise).
 */
static int
single_distinct(const LinkCall *call)
{
	ArrayType  *targets = DatumGetArrayTypeP(call->values[1]);
	Oid			keytype = call->assoc->keytype[MA_TK];
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	int			n;
	FmgrInfo	eq;

	get_typlenbyvalalign(keytype, &typlen, &typbyval, &typalign);
	deconstruct_array(targets, keytype, typlen, typbyval, typalign, &elems,
					  NULL, &n);
	fmgr_info(get_opcode(call->assoc->tk_eq_opr), &eq);
	for (int i = 1; i < n; i++)
		if (!DatumGetBool(FunctionCall2Coll(&eq, call->assoc->tk_collation,
											elems[0], elems[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s association \"%s\" has one target at most",
							ma_kind_name(call->assoc->def),
							NameStr(call->assoc->name))));
	return n > 0 ? 1 : 0;
}

/* what the statement that creates links returns: has_many updates */
static int
insert_result(const LinkCall *call)
{
	return ma_direct(call->assoc->def) ? SPI_OK_UPDATE : SPI_OK_INSERT;
}

/*
 * add_links
 *		Apply through_attrs to the existing links to the targets, then link
 *		the targets not linked yet, with through_attrs and create_attrs;
 *		returns the number of links created.
 */
static uint64
add_links(LinkCall *call)
{
	Datum		targets = call->values[1];
	Datum		attrs = call->values[2];
	char		attrsnull = call->nulls[2];
	List	   *insertcols = call->attrcols;
	uint64		added;
	uint64		revived = 0;

	/* paranoid: a deleted link is restored rather than added again */
	if (ma_paranoid(call->assoc->def))
		revived = run_write(call, AQ_REVIVE, NIL, SPI_OK_UPDATE);
	if (ma_attrs_update_links(call->assoc, call->attrcols))
		run_write(call, AQ_UPDATE, call->attrcols, SPI_OK_UPDATE);

	/* links created take create_attrs too */
	if (call->createcols != NIL)
	{
		insertcols = call->createcols;
		call->values[2] = call->create_attrs;
		call->nulls[2] = ' ';
	}
	if (call->ntargets != 1)
		added = run_write(call, AQ_INSERT, insertcols, insert_result(call));
	else
	{
		/*
		 * One target, the common case: a statement without unnest, whose
		 * test for the link walks the index where it can (_linked).
		 */
		call->values[1] = single_target(call);
		added = run_write(call, may_walk_insert(call->assoc) ?
						  AQ_INSERT_ONE_WALKED : AQ_INSERT_ONE,
						  insertcols, insert_result(call));
		call->values[1] = targets;
	}
	call->values[2] = attrs;
	call->nulls[2] = attrsnull;
	if (ma_direct(call->assoc->def) && added < (uint64) call->ntargets)
		check_direct_links_made(call);
	return revived + added;
}

/*
 * may_walk_insert
 *		May add() of one target of a belongs_to_many look for the link with
 *		_linked()?  Where the walk is usable, the database has the function
 *		(the library serves databases not yet updated from 1.0 too), and the
 *		caller may call it (USAGE on its schema, EXECUTE), which the plain
 *		statement does not need.
 */
static bool
may_walk_insert(Association *assoc)
{
	if (ma_direct(assoc->def))
		return false;
	if (!assoc->linked_fn_checked)
	{
		Oid			nsp = get_namespace_oid(MA_SCHEMA, true);
		Oid			types[3] = {TEXTOID, ANYOID, ANYOID};
		HeapTuple	tup = SearchSysCache3(PROCNAMEARGSNSP,
										  CStringGetDatum("_linked"),
										  PointerGetDatum(buildoidvector(types, 3)),
										  ObjectIdGetDatum(nsp));

		assoc->linked_fn = InvalidOid;
		assoc->linked_fn_nsp = nsp;
		if (HeapTupleIsValid(tup))
		{
			assoc->linked_fn = ((Form_pg_proc) GETSTRUCT(tup))->oid;
			ReleaseSysCache(tup);
		}
		assoc->linked_fn_checked = true;
	}
	return OidIsValid(assoc->linked_fn) &&
		ma_schema_aclcheck(assoc->linked_fn_nsp, GetUserId(),
						   ACL_USAGE) == ACLCHECK_OK &&
		ma_may_execute(assoc->linked_fn) &&
		ma_walk_usable(assoc);
}

/*
 * check_direct_links_made
 *		has_many and the like link by updating rows, which row-level
 *		security or a trigger may skip without an error: when fewer rows
 *		were written than targets given, every target must now be linked,
 *		or the call fails (42501), as an INSERT refused by a policy does.
 */
static void
check_direct_links_made(LinkCall *call)
{
	bool		isnull;
	bool		all;

	/* not read-only: the statement must see this call's updates */
	if (SPI_execute_plan(ma_get_plan(call->assoc, AQ_HAS_ALL, NIL), call->values,
						 call->nulls, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "statement of association \"%s\" failed",
			 NameStr(call->assoc->name));
	all = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
									 SPI_tuptable->tupdesc, 1, &isnull));
	if (!all || isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("a target of association \"%s\" could not be linked",
						NameStr(call->assoc->name)),
				 errdetail("Row-level security or a trigger of %s skipped the update of its row.",
						   ma_relation_name(call->assoc->def->through))));
}

/*
 * add_impl
 *		add(association, source, targets, through_attrs) RETURNS bigint, and
 *		<alias>_add(source, targets, through_attrs)
 */
static Datum
add_impl(FunctionCallInfo fcinfo, const char *suffix)
{
	LinkCall	call;
	uint64		added = 0;
	bool		by_foreign_keys;

	prepare_call(fcinfo, &call, true, true, MA_NAMES_TARGET | MA_NAMES_SOURCE, suffix);
	refuse_on_single(&call, "add");
	if (call.ntargets == 0)
		PG_RETURN_INT64(0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	lock_links(&call, true, false);
	by_foreign_keys = check_links_before(&call);
	added = add_links(&call);
	check_links_after(&call, by_foreign_keys, added);
	SPI_finish();
	PG_RETURN_INT64((int64) added);
}

/*
 * alloc_params
 *		The statement parameters of a call to call->assoc: all set (not
 *		null), the scope's values filled in.
 */
static void
alloc_params(LinkCall *call)
{
	int			nparams = ma_nparams(call->assoc);

	call->values = palloc0(sizeof(Datum) * nparams);
	call->nulls = palloc(nparams);
	memset(call->nulls, ' ', nparams);
	ma_fill_scope_params(call->assoc, call->values, call->nulls);
}

/*
 * start_direct_call
 *		A call made from C (create.c) rather than from SQL arguments: the
 *		association, the helper called, the source, no attributes.
 */
static void
start_direct_call(LinkCall *call, Association *assoc, Oid helper,
				  Datum source)
{
	memset(call, 0, sizeof(LinkCall));
	call->assoc = assoc;
	call->helper = helper;
	alloc_params(call);
	call->values[0] = source;
	call->nulls[2] = 'n';
}

/*
 * ma_unlink_all
 *		Unlink every target of the source (its locks taken as set() takes
 *		them): a has_one's create() frees the foreign key, which may be
 *		unique, before the new target takes it.  Within the caller's SPI
 *		connection.
 */
void
ma_unlink_all(Association *assoc, Oid helper, Datum source)
{
	LinkCall	call;

	start_direct_call(&call, assoc, helper, source);
	call.values[1] = PointerGetDatum(construct_empty_array(assoc->keytype[MA_TK]));
	lock_links(&call, false, true);
	(void) run_write(&call, AQ_DELETE_OTHERS, NIL, delete_result(&call));
}

/*
 * ma_link_new_target
 *		Link source to target, a target row just inserted by the caller
 *		(create.c), with through_attrs (or NULL): the path of add() for one
 *		target, its locks and checks included.  Runs within the caller's
 *		SPI connection; returns the number of links created.
 */
uint64
ma_link_new_target(Association *assoc, Oid helper, Datum source,
				   Datum target, Jsonb *through_attrs)
{
	LinkCall	call;
	bool		by_foreign_keys;
	uint64		added;

	start_direct_call(&call, assoc, helper, source);
	call.values[1] = PointerGetDatum(ma_single_key_array(target,
														 assoc->keytype[MA_TK]));
	call.ntargets = 1;
	if (through_attrs != NULL)
	{
		call.attrcols = ma_through_attr_columns(assoc, through_attrs);
		call.values[2] = JsonbPGetDatum(through_attrs);
		call.nulls[2] = ' ';
	}

	/*
	 * has_one and belongs_to: the new target replaces the one there was (a
	 * has_one's was unlinked before the insert, ma_unlink_all; a
	 * belongs_to's foreign key is overwritten by the link itself).
	 */
	lock_links(&call, true, ma_single(assoc->def));
	by_foreign_keys = check_links_before(&call);
	added = add_links(&call);
	check_links_after(&call, by_foreign_keys, added);
	return added;
}

/*
 * remove_impl
 *		remove(association, source, targets) RETURNS bigint, and
 *		<alias>_remove(source, targets)
 */
static Datum
remove_impl(FunctionCallInfo fcinfo, const char *suffix)
{
	LinkCall	call;
	uint64		removed;

	prepare_call(fcinfo, &call, true, true, 0, suffix);
	refuse_on_single(&call, "remove");
	if (call.ntargets == 0)
		PG_RETURN_INT64(0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	lock_links(&call, true, false);
	if (call.ntargets != 1)
		removed = run_write(&call, AQ_DELETE, NIL, delete_result(&call));
	else
	{
		/* one target, the common case: a statement without = ANY */
		call.values[1] = single_target(&call);
		removed = run_write(&call, AQ_DELETE_ONE, NIL, delete_result(&call));
	}
	SPI_finish();
	PG_RETURN_INT64((int64) removed);
}

/*
 * set_impl
 *		set(association, source, targets, through_attrs)
 *		RETURNS TABLE(added bigint, removed bigint), and
 *		<alias>_set(source, targets, through_attrs)
 */
static Datum
set_impl(FunctionCallInfo fcinfo, const char *suffix)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LinkCall	call;
	Datum		result[2];
	bool		resultnulls[2] = {false, false};
	uint64		removed;
	uint64		added = 0;
	bool		by_foreign_keys;
	int			others;

	/* fn_extra holds the result's descriptor */
	ma_init_result(fcinfo, (TupleDesc *) &fcinfo->flinfo->fn_extra);
	prepare_call(fcinfo, &call, true, true, MA_NAMES_TARGET | MA_NAMES_SOURCE, suffix);
	if (ma_single(call.assoc->def))
		call.ntargets = single_distinct(&call);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	others = lock_links(&call, true, true);
	by_foreign_keys = check_links_before(&call);

	/*
	 * A belongs_to's new target replaces the old one in one update (its
	 * foreign key may be NOT NULL): the old one, looked up by lock_links, is
	 * only counted.
	 */
	if (ma_belongs_to(call.assoc->def) && call.ntargets > 0)
		removed = (uint64) others;
	else
		removed = run_write(&call, AQ_DELETE_OTHERS, NIL, delete_result(&call));
	if (call.ntargets > 0)
		added = add_links(&call);
	check_links_after(&call, by_foreign_keys, added);
	SPI_finish();

	result[0] = Int64GetDatum((int64) added);
	result[1] = Int64GetDatum((int64) removed);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, result,
						 resultnulls);
	return (Datum) 0;
}

/*
 * has_impl
 *		has(association, source, targets) RETURNS boolean: every target is
 *		linked (true for an empty array, null if a target is null); and
 *		<alias>_has(source, targets).
 */
static Datum
has_impl(FunctionCallInfo fcinfo, const char *suffix)
{
	LinkCall	call;
	AssocQuery	query = AQ_HAS_ALL;
	bool		result;

	prepare_call(fcinfo, &call, true, false, MA_NAMES_TARGET, suffix);
	if (call.has_null_target)
		PG_RETURN_NULL();
	if (call.ntargets == 0)
		PG_RETURN_BOOL(true);
	if (call.ntargets == 1)
	{
		call.values[1] = single_target(&call);
		query = AQ_HAS_ONE;
		if (ma_walk_has(call.assoc, call.values[0], call.values[1], &result))
			PG_RETURN_BOOL(result);
	}

	PG_RETURN_BOOL(read_bool(&call, query));
}

/*
 * read_bool
 *		The one boolean a read-only statement of has() or _linked() answers.
 */
static bool
read_bool(LinkCall *call, AssocQuery query)
{
	bool		isnull;
	bool		result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	run_read(call, query);
	result = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return result;
}

/*
 * medium_assoc_linked
 *		_linked(association, source, target) RETURNS boolean, called by
 *		add()'s INSERT of one target: is there a link row from source to
 *		target, as the statement's NOT EXISTS would find it (same snapshot:
 *		the statement's, active)?  The index walk where it can run (routed
 *		to one partition, which the subquery's generic plan would not be),
 *		the statement otherwise.
 */
PG_FUNCTION_INFO_V1(medium_assoc_linked);

Datum
medium_assoc_linked(PG_FUNCTION_ARGS)
{
	LinkCall	call;
	bool		linked;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("association must not be null")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_BOOL(false);	/* = compares nothing with NULL */
	start_direct_call(&call, ma_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0))),
					  fcinfo->flinfo->fn_oid, PG_GETARG_DATUM(1));
	call.values[1] = PG_GETARG_DATUM(2);
	if (get_fn_expr_argtype(fcinfo->flinfo, 1) != call.assoc->keytype[MA_SK] ||
		get_fn_expr_argtype(fcinfo->flinfo, 2) != call.assoc->keytype[MA_TK])
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("source and target must be of the key types of association \"%s\"",
						NameStr(call.assoc->name))));
	ma_require_association_usage(call.assoc, 0);
	if (ma_walk_linked(call.assoc, call.values[0], call.values[1], &linked))
		PG_RETURN_BOOL(linked);
	PG_RETURN_BOOL(read_bool(&call, AQ_LINKED));
}

/*
 * count_impl
 *		count(association, source) RETURNS bigint: the number of links; and
 *		<alias>_count(source).
 */
static Datum
count_impl(FunctionCallInfo fcinfo, const char *suffix)
{
	LinkCall	call;
	bool		isnull;
	int64		result;

	prepare_call(fcinfo, &call, false, false, MA_NAMES_TARGET, suffix);
	result = 0;
	if (ma_walk_links(call.assoc, call.values[0], count_link, &result))
		PG_RETURN_INT64(result);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	run_read(&call, AQ_COUNT);
	result = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(result);
}

/*
 * The generic helpers (medium_assoc.add(association, ...) and friends) and
 * the typed helpers of each association (<alias>_add(source, targets ...),
 * objects.c), whose parameters have the key types, so that every driver
 * sees real parameter types.
 */
PG_FUNCTION_INFO_V1(medium_assoc_add);
Datum
medium_assoc_add(PG_FUNCTION_ARGS)
{
	return add_impl(fcinfo, NULL);
}

PG_FUNCTION_INFO_V1(medium_assoc_typed_add);
Datum
medium_assoc_typed_add(PG_FUNCTION_ARGS)
{
	return add_impl(fcinfo, MA_ADD_SUFFIX);
}

PG_FUNCTION_INFO_V1(medium_assoc_remove);
Datum
medium_assoc_remove(PG_FUNCTION_ARGS)
{
	return remove_impl(fcinfo, NULL);
}

PG_FUNCTION_INFO_V1(medium_assoc_typed_remove);
Datum
medium_assoc_typed_remove(PG_FUNCTION_ARGS)
{
	return remove_impl(fcinfo, MA_REMOVE_SUFFIX);
}

PG_FUNCTION_INFO_V1(medium_assoc_set);
Datum
medium_assoc_set(PG_FUNCTION_ARGS)
{
	return set_impl(fcinfo, NULL);
}

PG_FUNCTION_INFO_V1(medium_assoc_typed_set);
Datum
medium_assoc_typed_set(PG_FUNCTION_ARGS)
{
	return set_impl(fcinfo, MA_SET_SUFFIX);
}

PG_FUNCTION_INFO_V1(medium_assoc_has);
Datum
medium_assoc_has(PG_FUNCTION_ARGS)
{
	return has_impl(fcinfo, NULL);
}

PG_FUNCTION_INFO_V1(medium_assoc_typed_has);
Datum
medium_assoc_typed_has(PG_FUNCTION_ARGS)
{
	return has_impl(fcinfo, MA_HAS_SUFFIX);
}

PG_FUNCTION_INFO_V1(medium_assoc_count);
Datum
medium_assoc_count(PG_FUNCTION_ARGS)
{
	return count_impl(fcinfo, NULL);
}

PG_FUNCTION_INFO_V1(medium_assoc_typed_count);
Datum
medium_assoc_typed_count(PG_FUNCTION_ARGS)
{
	return count_impl(fcinfo, MA_COUNT_SUFFIX);
}
