/*-------------------------------------------------------------------------
 *
 * reader.c
 *	  The generated readers: <alias>(source) walks the through table and
 *	  returns the target rows of one source; <alias>_batch(sources) returns
 *	  (source, target) pairs for an array of sources with one plan.
 *
 * The reader walks the links with index scans when it can (walk.c).
 * Otherwise, and always for the batch reader, the association's prepared
 * statement runs through SPI as the caller.  Either way rows go straight
 * into the function's result tuplestore, which spills to disk past
 * work_mem, converted to the declared result type, so a target table with
 * dropped columns is returned correctly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tstoreReceiver.h"
#include "executor/tuptable.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "miscadmin.h"
#include "utils/snapmgr.h"

#include "medium_assoc.h"

/*
 * What a reader keeps across the calls of one query (in fn_extra): a
 * LATERAL join calls it once per outer row, and reopening relations and
 * index scans each time would cost more than the walk.  The walk is closed
 * by a callback on an expression context of the query's EState, at the end
 * of the query; after an error, resource owners release what it held.
 */
typedef struct ReaderCache
{
	Association *assoc;
	uint64		generation;		/* of the association cache, when looked up */
	Oid			userid;			/* privileges were checked for this user */
	LinkWalk   *walk;			/* NULL: use the prepared statement */
	bool		has_callback;
	TupleDesc	result_desc;	/* template of the result's descriptor */
	Datum	   *values;
	bool	   *nulls;
	int			natts;
} ReaderCache;

/* where the reader puts the target rows it walks */
typedef struct ReaderResult
{
	ReaderCache *cache;
	Tuplestorestate *tupstore;
	TupleDesc	tupdesc;
} ReaderResult;

static void put_target_row(TupleTableSlot *row, void *arg);
static TupleDesc result_descriptor(FunctionCallInfo fcinfo);
static void close_reader_walk(Datum arg);
static ReaderCache *reader_cache(FunctionCallInfo fcinfo);
static void read_with_statement(FunctionCallInfo fcinfo, Association *assoc,
								bool batch);
static ParamListInfo statement_params(const Association *assoc, Datum source,
									  bool batch);

/*
 * result_descriptor
 *		The descriptor of the function's result, worked out in the
 *		function's own memory context (working it out allocates).
 */
static TupleDesc
result_descriptor(FunctionCallInfo fcinfo)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type of function %u must be a row type",
			 fcinfo->flinfo->fn_oid);
	desc = CreateTupleDescCopy(desc);
	MemoryContextSwitchTo(oldcxt);
	return desc;
}

/*
 * ma_init_result
 *		Set up a materialized result (a tuplestore) for a set-returning
 *		function, as InitMaterializedSRF does, but with its descriptor
 *		copied from *desc, worked out on the first call of a query and kept
 *		in memory that lives as long as fcinfo's function lookup.  The
 *		executor frees each call's copy; InitMaterializedSRF would work the
 *		descriptor out again on every call, in per-query memory, which
 *		grows with every outer row of a LATERAL join.
 */
void
ma_init_result(FunctionCallInfo fcinfo, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcxt;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("materialize mode required, but it is not allowed in this context")));
	if (*desc == NULL)
		*desc = result_descriptor(fcinfo);

	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult =
		tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
							  false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(*desc);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * put_target_row
 *		LinkVisitor of the reader: add a target row to the result.
 */
static void
put_target_row(TupleTableSlot *row, void *arg)
{
	ReaderResult *result = (ReaderResult *) arg;
	ReaderCache *cache = result->cache;
	int			natts = result->tupdesc->natts;

	TupleDesc	rowdesc = row->tts_tupleDescriptor;

	if (rowdesc->natts != natts || cache->natts < natts)
		elog(ERROR, "target row has %d attributes, the reader's result type %d",
			 rowdesc->natts, natts);

	/*
	 * The stored row has the result's layout (the table's row type): copy
	 * it as it is, unless some column added later takes its value from the
	 * table's descriptor ("missing" values), which the result's lacks.
	 */
	if (rowdesc->constr == NULL || rowdesc->constr->missing == NULL)
	{
		tuplestore_puttupleslot(result->tupstore, row);
		return;
	}
	slot_getallattrs(row);
	for (int i = 0; i < natts; i++)
	{
		cache->nulls[i] = TupleDescAttr(result->tupdesc, i)->attisdropped ||
			row->tts_isnull[i];
		cache->values[i] = cache->nulls[i] ? (Datum) 0 : row->tts_values[i];
	}
	tuplestore_putvalues(result->tupstore, result->tupdesc, cache->values,
						 cache->nulls);
}

/* expression context callback: the query is over */
static void
close_reader_walk(Datum arg)
{
	ReaderCache *cache = (ReaderCache *) DatumGetPointer(arg);

	if (cache->walk != NULL)
		ma_walk_close(cache->walk);
	cache->walk = NULL;
	cache->assoc = NULL;
	cache->has_callback = false;
}

/*
 * reader_cache
 *		The reader's state for this query, (re)built when the association
 *		cache changed, the user changed, or the snapshot moved; sets up the
 *		call's result.
 */
static ReaderCache *
reader_cache(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ReaderCache *cache = (ReaderCache *) fcinfo->flinfo->fn_extra;
	MemoryContext oldcxt;
	EState	   *estate = rsinfo->econtext->ecxt_estate;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(ReaderCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	ma_init_result(fcinfo, &cache->result_desc);
	if (cache->assoc != NULL && cache->generation == ma_cache_generation() &&
		cache->userid == GetUserId() &&
		(cache->walk == NULL ||
		 ma_walk_snapshot(cache->walk) == GetActiveSnapshot()))
		return cache;

	if (cache->walk != NULL)
		ma_walk_close(cache->walk);
	cache->walk = NULL;
	cache->assoc = ma_lookup_for_function(fcinfo->flinfo->fn_oid, false);
	ma_require_association_usage(cache->assoc, MA_NAMES_TARGET);
	cache->generation = ma_cache_generation();
	cache->userid = GetUserId();

	/* keep a walk open only where the query can close it */
	if (estate != NULL)
	{
		oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cache->walk = ma_walk_open(cache->assoc);
		MemoryContextSwitchTo(oldcxt);
		if (cache->walk != NULL && !cache->has_callback)
		{
			RegisterExprContextCallback(CreateExprContext(estate),
										close_reader_walk,
										PointerGetDatum(cache));
			cache->has_callback = true;
		}
	}
	if (cache->natts < rsinfo->setDesc->natts)
	{
		cache->natts = rsinfo->setDesc->natts;
		cache->values = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
										   sizeof(Datum) * cache->natts);
		cache->nulls = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
										  sizeof(bool) * cache->natts);
	}
	return cache;
}

/*
 * statement_params
 *		The parameters of the reader's statement: the source key (or the
 *		array of them), the unused $2 and $3, and the scope's values.
 */
static ParamListInfo
statement_params(const Association *assoc, Datum source, bool batch)
{
	int			nparams = ma_nparams(assoc);
	ParamListInfo params = makeParamList(nparams);
	Datum	   *values = palloc0(sizeof(Datum) * nparams);
	char	   *nulls = palloc(nparams);

	memset(nulls, 'n', nparams);
	values[0] = source;
	nulls[0] = ' ';
	ma_fill_scope_params(assoc, values, nulls);
	for (int i = 0; i < nparams; i++)
	{
		params->params[i].value = values[i];
		params->params[i].isnull = nulls[i] == 'n';
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = InvalidOid;
	}
	params->params[0].ptype = batch ? assoc->skarraytype : assoc->keytype[MA_SK];
	params->params[1].ptype = assoc->tkarraytype;
	params->params[2].ptype = JSONBOID;
	for (int i = 0; i < assoc->def->nscope; i++)
		params->params[MA_FIRST_SCOPE_PARAM - 1 + i].ptype = assoc->scope_type[i];
	for (int i = 0; i < assoc->def->ntscope; i++)
		params->params[ma_tscope_param(assoc, i) - 1].ptype = assoc->tscope_type[i];
	return params;
}

/*
 * read_with_statement
 *		Run the reader's (or batch reader's) prepared statement with the
 *		function's only argument, its rows going into the function's result.
 */
static void
read_with_statement(FunctionCallInfo fcinfo, Association *assoc, bool batch)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ParamListInfo params;
	DestReceiver *dest;
	SPIExecuteOptions options;
	SPIPlanPtr	plan;
	MemoryContext cxt = CurrentMemoryContext;
	char	   *context;
	int			rc = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = ma_get_plan(assoc, batch ? AQ_BATCH : AQ_READ, NIL);

	params = statement_params(assoc, PG_GETARG_DATUM(0), batch);

	dest = CreateDestReceiver(DestTuplestore);
	SetTuplestoreDestReceiverParams(dest, rsinfo->setResult,
									rsinfo->econtext->ecxt_per_query_memory,
									false, rsinfo->setDesc,
									gettext_noop("association rows do not match the reader's result type"));

	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;
	context = ma_statement_context(assoc, batch ? AQ_BATCH : AQ_READ,
								   ma_function_name(fcinfo->flinfo->fn_oid));
	PG_TRY();
	{
		rc = SPI_execute_plan_extended(plan, &options);
	}
	PG_CATCH();
	{
		ma_rethrow_in_context(cxt, context, plan);
	}
	PG_END_TRY();
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reader of association \"%s\" failed",
			 NameStr(assoc->name));

	dest->rDestroy(dest);
	SPI_finish();
}

/*
 * medium_assoc_reader
 *		<alias>(source) RETURNS SETOF <target>: one row per link.
 */
PG_FUNCTION_INFO_V1(medium_assoc_reader);
Datum
medium_assoc_reader(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ReaderCache *cache;

	cache = reader_cache(fcinfo);
	if (cache->walk != NULL)
	{
		ReaderResult result;

		result.cache = cache;
		result.tupstore = rsinfo->setResult;
		result.tupdesc = rsinfo->setDesc;
		ma_walk_run(cache->walk, PG_GETARG_DATUM(0), put_target_row, &result,
					true);
	}
	else
		read_with_statement(fcinfo, cache->assoc, false);
	return (Datum) 0;
}

/*
 * medium_assoc_batch
 *		<alias>_batch(sources[]) RETURNS TABLE(source, target): one row per
 *		link of each distinct non-null source in the array.
 */
PG_FUNCTION_INFO_V1(medium_assoc_batch);
Datum
medium_assoc_batch(PG_FUNCTION_ARGS)
{
	Association *assoc = ma_lookup_for_function(fcinfo->flinfo->fn_oid, true);

	ma_require_association_usage(assoc, MA_NAMES_TARGET);
	/* fn_extra holds the result's descriptor */
	ma_init_result(fcinfo, (TupleDesc *) &fcinfo->flinfo->fn_extra);
	read_with_statement(fcinfo, assoc, true);
	return (Datum) 0;
}
