/*-------------------------------------------------------------------------
 *
 * reader.c
 *	  The generated readers: <alias>(source) walks the through table and
 *	  returns the target rows of one source; <alias>_batch(sources) returns
 *	  (source, target) pairs for an array of sources with one plan.
 *
 * Both run their association's prepared statement through SPI as the
 * caller, sending the rows straight into the function's result tuplestore,
 * which spills to disk past work_mem.  The tuplestore receiver converts the
 * rows to the declared result type by position, so a target table with
 * dropped columns is returned correctly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "executor/tstoreReceiver.h"
#include "nodes/params.h"
#include "tcop/dest.h"

#include "medium_assoc.h"

static void read_into_result(FunctionCallInfo fcinfo, bool batch);

/*
 * read_into_result
 *		Run the reader's (or batch reader's) statement with the function's
 *		only argument and put its rows in the function's result.
 */
static void
read_into_result(FunctionCallInfo fcinfo, bool batch)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Association *assoc;
	ParamListInfo params;
	DestReceiver *dest;
	SPIExecuteOptions options;
	SPIPlanPtr	plan;

	InitMaterializedSRF(fcinfo, 0);
	assoc = ma_lookup_for_function(fcinfo->flinfo->fn_oid, batch);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = ma_get_plan(assoc, batch ? AQ_BATCH : AQ_READ, NIL);

	params = makeParamList(1);
	params->params[0].value = PG_GETARG_DATUM(0);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = batch ? assoc->skarraytype : assoc->keytype[MA_SK];

	dest = CreateDestReceiver(DestTuplestore);
	SetTuplestoreDestReceiverParams(dest, rsinfo->setResult,
									rsinfo->econtext->ecxt_per_query_memory,
									false, rsinfo->setDesc,
									gettext_noop("association rows do not match the reader's result type"));

	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;
	if (SPI_execute_plan_extended(plan, &options) != SPI_OK_SELECT)
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
	read_into_result(fcinfo, false);
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
	read_into_result(fcinfo, true);
	return (Datum) 0;
}
