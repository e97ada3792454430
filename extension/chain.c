/*-------------------------------------------------------------------------
 *
 * chain.c
 *	  Chains: an association defined as a path of registered ones (Rails'
 *	  has_many :through an association), e.g. reading_list then author:
 *	  the authors of the articles a user saved.
 *
 *	  medium_assoc.chain(alias, steps name[]) RETURNS regprocedure
 *	  medium_assoc.drop_chain(alias) RETURNS void
 *
 * A chain gets <alias>(source) RETURNS SETOF <last target>, <alias>_count
 * (source) and <alias>_json(source): LANGUAGE sql functions the planner
 * inlines, whose body is a semi-join over every step's links and the rows
 * in between, so each target comes once (distinct, as Rails does) and the
 * plan is the one of the hand-written joins.  The definition is a row of
 * medium_assoc.registry_chains (dumped as configuration); the functions depend on
 * every step's reader, so a step cannot be dropped while a chain uses it
 * (a cascade drops the chain, and the sql_drop trigger forgets it).  The
 * ddl_command_end trigger rebuilds the bodies after an ALTER TABLE, as it
 * does for link rows; a restored row records its dependencies again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/regproc.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

#define CHAIN_MARKER	"-- medium_assoc chain\n"

/* the chain's functions: the reader, then the others */
typedef enum ChainFunction
{
	CF_READER,
	CF_COUNT,
	CF_JSON,
	CF_COUNT_OF
} ChainFunction;

static const char *const cf_suffix[CF_COUNT_OF] = {"", "_count", "_json"};

static bool chain_inserting = false;	/* within chain() */

static Association **chain_steps(ArrayType *names, int *nsteps);
static char *chain_body(Association **steps, int nsteps, ChainFunction cf,
						const char *alias);
static Oid	chain_function(const char *alias, ChainFunction cf, Oid nsp,
						   Oid argtype);
static Oid	create_chain_function(const char *alias, ChainFunction cf,
								  Association **steps, int nsteps, Oid nsp,
								  Oid owner, bool replace);
static void depend_on_steps(Oid funcoid, Association **steps, int nsteps);
static void make_chain(const char *alias, ArrayType *names, bool create);

/*
 * chain_steps
 *		The registered associations a chain's names name, checked to form a
 *		path: each step starts at the table where the one before ends.
 */
static Association **
chain_steps(ArrayType *names, int *nsteps)
{
	Datum	   *elems;
	bool	   *nulls;
	Association **steps;

	deconstruct_array(names, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
					  &elems, &nulls, nsteps);
	if (*nsteps < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a chain needs two steps at least")));
	steps = palloc(sizeof(Association *) * *nsteps);
	for (int i = 0; i < *nsteps; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("a chain's steps must not be null")));
		steps[i] = ma_lookup(NameStr(*DatumGetName(elems[i])));
		if (i > 0 && steps[i]->def->source != steps[i - 1]->def->target)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("step \"%s\" starts at %s, not at %s where step \"%s\" ends",
							steps[i]->def->name,
							ma_relation_name(steps[i]->def->source),
							ma_relation_name(steps[i - 1]->def->target),
							steps[i - 1]->def->name)));
	}
	return steps;
}

/* the body of one of the chain's functions */
static char *
chain_body(Association **steps, int nsteps, ChainFunction cf,
		   const char *alias)
{
	static const char *const lists[CF_COUNT_OF] = {
		"t.*", "pg_catalog.count(*)",
		"COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t.*)), '[]'::pg_catalog.jsonb)"
	};

	for (int i = 0; i < nsteps; i++)
		steps[i]->scope_as_literals = true;
	return psprintf("%s%s", CHAIN_MARKER,
					ma_build_chain_query(steps, nsteps, lists[cf]));
}

/* the chain's function cf, or InvalidOid */
static Oid
chain_function(const char *alias, ChainFunction cf, Oid nsp, Oid argtype)
{
	return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
						   CStringGetDatum(psprintf("%s%s", alias, cf_suffix[cf])),
						   PointerGetDatum(buildoidvector(&argtype, 1)),
						   ObjectIdGetDatum(nsp));
}

/*
 * create_chain_function
 *		<alias>(source) RETURNS SETOF <last target>, <alias>_count(source)
 *		RETURNS bigint or <alias>_json(source) RETURNS TABLE(<alias> jsonb):
 *		LANGUAGE sql STABLE, SECURITY INVOKER, not strict (inlinable).
 */
static Oid
create_chain_function(const char *alias, ChainFunction cf,
					  Association **steps, int nsteps, Oid nsp, Oid owner,
					  bool replace)
{
	Oid			argtype = steps[0]->keytype[MA_SK];
	Oid			rettype;
	bool		retset = cf != CF_COUNT;
	Datum		alltypes[2];
	Datum		modes[2];
	Datum		names[2];
	int			nall = 1;
	ObjectAddress addr;

	alltypes[0] = ObjectIdGetDatum(argtype);
	modes[0] = CharGetDatum(PROARGMODE_IN);
	names[0] = CStringGetTextDatum("source");
	if (cf == CF_READER)
		rettype = get_rel_type_id(steps[nsteps - 1]->def->target);
	else if (cf == CF_COUNT)
		rettype = INT8OID;
	else
	{
		rettype = JSONBOID;
		alltypes[1] = ObjectIdGetDatum(JSONBOID);
		modes[1] = CharGetDatum(PROARGMODE_TABLE);
		names[1] = CStringGetTextDatum(alias);
		nall = 2;
	}
	addr = ProcedureCreate(psprintf("%s%s", alias, cf_suffix[cf]), nsp, replace,
						   retset, rettype, owner, SQLlanguageId,
						   F_FMGR_SQL_VALIDATOR,
						   chain_body(steps, nsteps, cf, alias), NULL, NULL,
						   PROKIND_FUNCTION, false, false, false,
						   PROVOLATILE_STABLE, PROPARALLEL_RESTRICTED,
						   buildoidvector(&argtype, 1),
						   nall > 1 ? PointerGetDatum(construct_array(alltypes, nall, OIDOID,
																	  sizeof(Oid), true,
																	  TYPALIGN_INT)) :
						   PointerGetDatum(NULL),
						   nall > 1 ? PointerGetDatum(construct_array(modes, nall, CHAROID,
																	  1, true,
																	  TYPALIGN_CHAR)) :
						   PointerGetDatum(NULL),
						   PointerGetDatum(construct_array(names, nall, TEXTOID,
														   -1, false,
														   TYPALIGN_INT)),
						   NIL, PointerGetDatum(NULL), PointerGetDatum(NULL),
						   InvalidOid, 1, cf == CF_READER ? 10 : 1);
	CommandCounterIncrement();
	CreateComments(addr.objectId, ProcedureRelationId, 0,
				   psprintf("Chain %s of medium_assoc: %s", quote_identifier(alias),
							cf == CF_READER ? "the targets its steps reach, each once" :
							cf == CF_COUNT ? "their number" : "their documents"));
	return addr.objectId;
}

/*
 * depend_on_steps
 *		A chain's function depends on every step's reader (no drop under
 *		it), and automatically on the extension, as the readers do (DROP
 *		EXTENSION takes it along).
 */
static void
depend_on_steps(Oid funcoid, Association **steps, int nsteps)
{
	ObjectAddress addr;
	ObjectAddress extaddr;

	ObjectAddressSet(addr, ProcedureRelationId, funcoid);
	ObjectAddressSet(extaddr, ExtensionRelationId,
					 get_extension_oid(MA_EXTENSION, false));
	deleteDependencyRecordsForClass(ProcedureRelationId, funcoid,
									ProcedureRelationId, DEPENDENCY_NORMAL);
	deleteDependencyRecordsForClass(ProcedureRelationId, funcoid,
									ExtensionRelationId, DEPENDENCY_AUTO);
	recordDependencyOn(&addr, &extaddr, DEPENDENCY_AUTO);
	for (int i = 0; i < nsteps; i++)
	{
		ObjectAddress reader;

		ObjectAddressSet(reader, ProcedureRelationId,
						 ma_find_function(steps[i]->def->name, MA_READER_SYMBOL));
		recordDependencyOn(&addr, &reader, DEPENDENCY_NORMAL);
	}
	CommandCounterIncrement();
}

/*
 * make_chain
 *		Create (create) or rebuild the chain's functions beside the first
 *		step's reader, owned by its owner, depending on every step.
 */
static void
make_chain(const char *alias, ArrayType *names, bool create)
{
	int			nsteps;
	Association **steps = chain_steps(names, &nsteps);
	Oid			first = ma_find_function(steps[0]->def->name, MA_READER_SYMBOL);
	Oid			nsp = get_func_namespace(first);
	Oid			owner;
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(first));

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", first);
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);

	for (int cf = 0; cf < CF_COUNT_OF; cf++)
	{
		Oid			existing = chain_function(alias, (ChainFunction) cf, nsp,
											  steps[0]->keytype[MA_SK]);
		Oid			funcoid;

		if (create && OidIsValid(existing))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_FUNCTION),
					 errmsg("function %s already exists", format_procedure(existing)),
					 errhint("Choose another alias.")));
		funcoid = create && !OidIsValid(existing) ?
			create_chain_function(alias, (ChainFunction) cf, steps, nsteps, nsp,
								  owner, false) :
			create_chain_function(alias, (ChainFunction) cf, steps, nsteps, nsp,
								  owner, true);
		depend_on_steps(funcoid, steps, nsteps);
	}
}

/*
 * medium_assoc_chain
 *		chain(alias, steps name[]) RETURNS regprocedure: the chain's reader.
 *		The caller must own the first step's source table.
 */
PG_FUNCTION_INFO_V1(medium_assoc_chain);
Datum
medium_assoc_chain(PG_FUNCTION_ARGS)
{
	char	   *alias;
	ArrayType  *names;
	int			nsteps;
	Association **steps;
	RegistryUser saved;
	Oid			argtypes[2] = {NAMEOID, NAMEARRAYOID};
	Datum		values[2];
	int			rc = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("alias and steps must not be null")));
	alias = NameStr(*PG_GETARG_NAME(0));
	names = PG_GETARG_ARRAYTYPE_P(1);
	if (alias[0] == '\0' || strlen(alias) > MA_MAX_HELPER_ALIAS_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a chain's alias must have 1 to %d bytes",
						(int) MA_MAX_HELPER_ALIAS_LEN)));
	steps = chain_steps(names, &nsteps);
	if (!ma_table_ownercheck(steps[0]->def->source, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s to define a chain from it",
						ma_relation_name(steps[0]->def->source))));
	if (OidIsValid(ma_find_function(alias, MA_READER_SYMBOL)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("association \"%s\" already exists", alias)));

	LockRelationOid(ma_chains_relid(), ShareUpdateExclusiveLock);
	values[0] = CStringGetDatum(alias);
	values[1] = PointerGetDatum(names);
	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	chain_inserting = true;
	PG_TRY();
	{
		rc = SPI_execute_with_args("INSERT INTO medium_assoc.registry_chains (name, steps)"
								   " VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
								   2, argtypes, values, NULL, false, 0);
	}
	PG_FINALLY();
	{
		chain_inserting = false;
	}
	PG_END_TRY();
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not record chain \"%s\"", alias);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("chain \"%s\" already exists", alias)));
	SPI_finish();
	ma_restore_user(&saved);

	make_chain(alias, names, true);
	PG_RETURN_OID(chain_function(alias, CF_READER,
								 get_func_namespace(ma_find_function(steps[0]->def->name,
																	 MA_READER_SYMBOL)),
								 steps[0]->keytype[MA_SK]));
}

/*
 * medium_assoc_drop_chain
 *		drop_chain(alias): forget the chain and drop its functions; the
 *		caller must own them.
 */
PG_FUNCTION_INFO_V1(medium_assoc_drop_chain);
Datum
medium_assoc_drop_chain(PG_FUNCTION_ARGS)
{
	char	   *alias;
	RegistryUser saved;
	Oid			argtypes[1] = {NAMEOID};
	Datum		values[1];
	List	   *funcs = NIL;
	ListCell   *lc;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("alias must not be null")));
	alias = NameStr(*PG_GETARG_NAME(0));
	values[0] = CStringGetDatum(alias);
	LockRelationOid(ma_chains_relid(), ShareUpdateExclusiveLock);

	/* its functions: the marker tells them from functions of the name */
	for (int cf = 0; cf < CF_COUNT_OF; cf++)
	{
		CatCList   *list = SearchSysCacheList1(PROCNAMEARGSNSP,
											   CStringGetDatum(psprintf("%s%s", alias,
																		cf_suffix[cf])));

		for (int i = 0; i < list->n_members; i++)
		{
			HeapTuple	tup = &list->members[i]->tuple;
			Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
			bool		isnull;
			Datum		src;

			if (proc->prolang != SQLlanguageId)
				continue;
			src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
			if (!isnull && strncmp(TextDatumGetCString(src), CHAIN_MARKER,
								   strlen(CHAIN_MARKER)) == 0)
			{
				if (!ma_function_ownercheck(proc->oid, GetUserId()))
					ereport(ERROR,
							(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
							 errmsg("must be owner of function %s",
									format_procedure(proc->oid))));
				funcs = lappend_oid(funcs, proc->oid);
			}
		}
		ReleaseSysCacheList(list);
	}

	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("DELETE FROM medium_assoc.registry_chains WHERE name OPERATOR(pg_catalog.=) $1",
							  1, argtypes, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not forget chain \"%s\"", alias);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("chain \"%s\" does not exist", alias)));
	SPI_finish();
	ma_restore_user(&saved);

	foreach(lc, funcs)
	{
		ObjectAddress addr;

		ObjectAddressSet(addr, ProcedureRelationId, lfirst_oid(lc));
		performDeletion(&addr, DROP_RESTRICT, 0);
	}
	PG_RETURN_VOID();
}

/*
 * ma_refresh_chains
 *		Rebuild every chain's functions (after an ALTER TABLE, the names in
 *		their bodies may have changed).
 */
void
ma_refresh_chains(void)
{
	MemoryContext caller = CurrentMemoryContext;
	RegistryUser saved;
	List	   *rows = NIL;
	ListCell   *lc;

	if (!OidIsValid(ma_chains_relid()))
		return;
	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT name, steps FROM medium_assoc.registry_chains ORDER BY name",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the chains");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		MemoryContext spicxt = MemoryContextSwitchTo(caller);
		Datum		steps = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 2, &isnull);

		rows = lappend(rows, list_make2(SPI_getvalue(SPI_tuptable->vals[i],
													 SPI_tuptable->tupdesc, 1),
										DatumGetArrayTypePCopy(steps)));
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	ma_restore_user(&saved);
	foreach(lc, rows)
		make_chain((char *) linitial((List *) lfirst(lc)),
				   (ArrayType *) lsecond((List *) lfirst(lc)), false);
}

/*
 * medium_assoc_chain_insert
 *		BEFORE INSERT trigger of medium_assoc.registry_chains: a row restored by
 *		pg_dump gets its functions' dependencies again (they were dumped
 *		as plain functions); a row of chain() passes.
 */
PG_FUNCTION_INFO_V1(medium_assoc_chain_insert);
Datum
medium_assoc_chain_insert(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	bool		isnull;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "medium_assoc_chain_insert: not called as a trigger");
	if (!chain_inserting)
	{
		tupdesc = trigdata->tg_relation->rd_att;
		make_chain(SPI_getvalue(trigdata->tg_trigtuple, tupdesc, 1),
				   DatumGetArrayTypeP(SPI_getbinval(trigdata->tg_trigtuple,
													tupdesc, 2, &isnull)),
				   false);
	}
	return PointerGetDatum(trigdata->tg_trigtuple);
}
