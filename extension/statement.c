/*-------------------------------------------------------------------------
 *
 * statement.c
 *	  How an error raised inside one of an association's generated
 *	  statements (a NOT NULL or foreign-key violation in add(), a missing
 *	  privilege in a reader) is reported.
 *
 * SPI adds the text of the statement to the error's context ("SQL
 * statement "INSERT INTO ... OPERATOR(pg_catalog.=) ...""), which tells a
 * user nothing they wrote.  The callers build a line that names the
 * helper, the association and what the statement does
 * (ma_statement_context), run their statement under PG_TRY and hand an
 * error to ma_rethrow_in_context, which puts that line in the place of
 * SPI's, keeps every other line (the caller's own function, say), and
 * drops the statement text SPI left as the internal query.
 *
 * ma_try_in_subtransaction runs a step whose error the caller reports or
 * skips rather than raises (a restored row, one association of repair()).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/resowner.h"

#include "medium_assoc.h"

static const char *query_purpose(AssocQuery query);
static char *replace_statement_line(const char *context, const char *sql,
									const char *line);

/* what a statement does, for the context line */
static const char *
query_purpose(AssocQuery query)
{
	switch (query)
	{
		case AQ_READ:
		case AQ_BATCH:
			return "reading links";
		case AQ_COUNT:
			return "counting links";
		case AQ_HAS_ONE:
		case AQ_HAS_ALL:
			return "looking for links";
		case AQ_CHECK:
			return "checking that the source and targets exist";
		case AQ_INSERT:
		case AQ_INSERT_ONE:
		case AQ_INSERT_ONE_WALKED:
			return "creating links";
		case AQ_LINKED:
			return "looking for a link";
		case AQ_UPDATE:
			return "applying through_attrs to existing links";
		case AQ_DELETE:
		case AQ_DELETE_ONE:
			return "deleting links";
		case AQ_DELETE_OTHERS:
			return "deleting the links not kept";
		case AQ_OTHERS:
			return "finding the links not kept";
		case AQ_REVIVE:
			return "restoring deleted links";
		default:
			return "running a statement";
	}
}

/*
 * ma_function_name
 *		A function's qualified name, for a context line, or "medium_assoc"
 *		if it is gone.
 */
char *
ma_function_name(Oid funcid)
{
	char	   *name = get_func_name(funcid);
	char	   *nsp = name ? get_namespace_name(get_func_namespace(funcid)) : NULL;

	if (name == NULL || nsp == NULL)
		return pstrdup(MA_SCHEMA);
	return quote_qualified_identifier(nsp, name);
}

/*
 * replace_statement_line
 *		context with SPI's line for statement sql replaced by line; line
 *		first if SPI's is not there.
 */
static char *
replace_statement_line(const char *context, const char *sql, const char *line)
{
	char	   *spi_line;
	const char *at;
	StringInfoData buf;

	if (context == NULL)
		return pstrdup(line);
	spi_line = psprintf(dgettext(PG_TEXTDOMAIN("postgres"), "SQL statement \"%s\""),
						sql);
	at = strstr(context, spi_line);
	initStringInfo(&buf);
	if (at == NULL)
	{
		appendStringInfo(&buf, "%s\n%s", line, context);
		return buf.data;
	}
	appendBinaryStringInfo(&buf, context, at - context);
	appendStringInfoString(&buf, line);
	appendStringInfoString(&buf, at + strlen(spi_line));
	return buf.data;
}

/*
 * ma_statement_context
 *		The context line for errors raised inside the statement of kind
 *		query of association assoc run by function (ma_function_name, looked
 *		up once per call).  Built before the statement runs: after an
 *		error, catalog look-ups are not safe until the transaction is
 *		aborted.
 */
char *
ma_statement_context(const Association *assoc, AssocQuery query,
					 const char *function)
{
	return psprintf("%s() of association \"%s\", %s", function,
					NameStr(assoc->name), query_purpose(query));
}

/*
 * ma_rethrow_in_context
 *		Called in PG_CATCH around the execution of plan: re-raise the error
 *		with line (from ma_statement_context) in place of the statement's
 *		text.  cxt is a memory context that was current before PG_TRY.
 *		Does only string work: no catalog access.
 */
void
ma_rethrow_in_context(MemoryContext cxt, const char *line, SPIPlanPtr plan)
{
	ErrorData  *edata;
	List	   *sources;
	const char *sql = NULL;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	FlushErrorState();

	sources = SPI_plan_get_plan_sources(plan);
	if (sources != NIL)
		sql = ((CachedPlanSource *) linitial(sources))->query_string;
	if (sql != NULL)
		edata->context = replace_statement_line(edata->context, sql, line);
	edata->internalquery = NULL;
	edata->internalpos = 0;
	ReThrowError(edata);
}

/*
 * ma_try_in_subtransaction
 *		Run fn(arg) in a subtransaction: NULL when it succeeded, else the
 *		error it raised (copied; the subtransaction rolled back), for the
 *		caller to report, skip or raise again.
 */
ErrorData *
ma_try_in_subtransaction(void (*fn) (void *arg), void *arg)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_END_TRY();
	return edata;
}
