/*-------------------------------------------------------------------------
 *
 * create.c
 *	  create(): insert a target row and link it to a source, in one call
 *	  (Sequelize's createReading_list(values, { through })).
 *
 *	  medium_assoc.create(association, source, target jsonb, through_attrs)
 *		RETURNS jsonb (the new row, as to_jsonb makes it)
 *	  <alias>_create(source, target jsonb, through_attrs)
 *		RETURNS <target> (the new row)
 *
 * The object's keys name target columns; those alone are inserted, so the
 * others take their defaults (a serial key, a created_at), read from the
 * object as jsonb_populate_record reads a row.  Target scope columns the
 * object leaves out get the scope's values, as Sequelize fills them; a
 * value outside the scope makes the link refused (23503).  The INSERT runs
 * as the caller (privileges, row-level security, triggers), and the link
 * is made by add()'s own path, its locks and checks included; an error in
 * either leaves nothing behind.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

static List *target_columns(const Association *assoc, Jsonb *values);
static Jsonb *with_target_scope(const Association *assoc, Jsonb *values);
static char *insert_statement(const Association *assoc, List *columns);
static Jsonb *with_foreign_key(const Association *assoc, Jsonb *values,
							   Datum source);
static Datum insert_target(Association *assoc, Jsonb *values,
						   const char *function, Datum *key, Datum *json);
static Datum create_impl(FunctionCallInfo fcinfo, bool typed);

/*
 * target_columns
 *		The target columns the object names (validated: an object, each key
 *		an existing, writable column), by attribute number.
 */
static List *
target_columns(const Association *assoc, Jsonb *values)
{
	Oid			target = assoc->def->target;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	List	   *result = NIL;

	if (!JB_ROOT_IS_OBJECT(values) || JB_ROOT_IS_SCALAR(values))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target must be a JSON object of the target's columns")));
	it = JsonbIteratorInit(&values->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *name;
		AttrNumber	attnum;
		HeapTuple	tup;
		bool		generated;

		if (tok != WJB_KEY)
			continue;
		name = pnstrdup(v.val.string.val, v.val.string.len);
		attnum = get_attnum(target, name);
		if (attnum <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist",
							name, ma_relation_name(target))));
		tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(target),
							  Int16GetDatum(attnum));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for attribute %d of relation %u",
				 attnum, target);
		generated = ((Form_pg_attribute) GETSTRUCT(tup))->attgenerated != '\0';
		ReleaseSysCache(tup);
		if (generated)
			ereport(ERROR,
					(errcode(ERRCODE_GENERATED_ALWAYS),
					 errmsg("cannot insert a non-DEFAULT value into column \"%s\"",
							name),
					 errdetail("Column \"%s\" is a generated column.", name)));
		result = lappend_int(result, attnum);
	}
	list_sort(result, list_int_cmp);
	return result;
}

/*
 * with_target_scope
 *		The object, with the target scope's columns it leaves out set to the
 *		scope's values (their canonical text; SQL NULL as JSON null).
 */
static Jsonb *
with_target_scope(const Association *assoc, Jsonb *values)
{
	const AssocDef *def = assoc->def;
	StringInfoData missing;

	initStringInfo(&missing);
	for (int i = 0; i < def->ntscope; i++)
	{
		JsonbValue	key;

		key.type = jbvString;
		key.val.string.val = def->tscopename[i];
		key.val.string.len = strlen(def->tscopename[i]);
		if (findJsonbValueFromContainer(&values->root, JB_FOBJECT, &key) != NULL)
			continue;
		appendStringInfo(&missing, "%s", missing.len > 0 ? ", " : "{");
		escape_json(&missing, def->tscopename[i]);
		appendStringInfoString(&missing, ": ");
		if (def->tscopevalue[i] == NULL)
			appendStringInfoString(&missing, "null");
		else
			escape_json(&missing, def->tscopevalue[i]);
	}
	if (missing.len == 0)
		return values;
	appendStringInfoChar(&missing, '}');
	return DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
											  JsonbPGetDatum(values),
											  DirectFunctionCall1(jsonb_in,
																  CStringGetDatum(missing.data))));
}

/*
 * with_foreign_key
 *		has_many: the object with the foreign key set to the source's key
 *		and the scope's columns to its values (in their text form, read as
 *		the columns' types), whatever it said.
 */
static Jsonb *
with_foreign_key(const Association *assoc, Jsonb *values, Datum source)
{
	StringInfoData fk;

	initStringInfo(&fk);
	appendStringInfoChar(&fk, '{');
	escape_json(&fk, assoc->def->keyname[MA_FK]);
	appendStringInfoString(&fk, ": ");
	escape_json(&fk, ma_key_to_text(source, assoc->keytype[MA_SK]));
	/* and the scope's values: the new row is one of the source's targets */
	for (int i = 0; i < assoc->def->nscope; i++)
	{
		appendStringInfoString(&fk, ", ");
		escape_json(&fk, assoc->def->scopename[i]);
		appendStringInfoString(&fk, ": ");
		if (assoc->def->scopevalue[i] == NULL)
			appendStringInfoString(&fk, "null");
		else
			escape_json(&fk, assoc->def->scopevalue[i]);
	}
	appendStringInfoChar(&fk, '}');
	return DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
											  JsonbPGetDatum(values),
											  DirectFunctionCall1(jsonb_in,
																  CStringGetDatum(fk.data))));
}

/*
 * insert_statement
 *		INSERT INTO target AS t (columns) SELECT r.columns FROM
 *		jsonb_populate_record(NULL::target, $1) AS r RETURNING the row and
 *		its key and its to_jsonb; DEFAULT VALUES for no column.
 */
static char *
insert_statement(const Association *assoc, List *columns)
{
	const AssocDef *def = assoc->def;
	char	   *target = ma_relation_name(def->target);
	StringInfoData cols;
	StringInfoData sel;
	ListCell   *lc;

	initStringInfo(&cols);
	initStringInfo(&sel);
	foreach(lc, columns)
	{
		const char *name = quote_identifier(get_attname(def->target,
														lfirst_int(lc), false));

		appendStringInfo(&cols, "%s%s", cols.len > 0 ? ", " : "", name);
		appendStringInfo(&sel, "%sr.%s", sel.len > 0 ? ", " : "", name);
	}
	/* t.* under a cast is the whole row, even if a column is "t" */
	if (columns == NIL)
		return psprintf("INSERT INTO %s AS t DEFAULT VALUES RETURNING t.*::%s, t.%s, pg_catalog.to_jsonb(t.*)",
						target, target,
						quote_identifier(get_attname(def->target,
													 def->keyattnum[MA_TK], false)));
	return psprintf("INSERT INTO %s AS t (%s) SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::%s, $1) AS r RETURNING t.*::%s, t.%s, pg_catalog.to_jsonb(t.*)",
					target, cols.data, sel.data, target, target,
					quote_identifier(get_attname(def->target,
												 def->keyattnum[MA_TK], false)));
}

/*
 * insert_target
 *		Insert the target row; return it (a composite Datum of the target's
 *		row type, in the caller's memory), its key in *key and its to_jsonb
 *		in *json.
 */
static Datum
insert_target(Association *assoc, Jsonb *values, const char *function,
			  Datum *key, Datum *json)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			argtypes[1] = {JSONBOID};
	Datum		args[1];
	SPIPlanPtr	plan;
	char	   *context;
	bool		isnull;
	Datum		row;
	int			rc = 0;

	values = with_target_scope(assoc, values);
	args[0] = JsonbPGetDatum(values);
	plan = SPI_prepare(insert_statement(assoc, target_columns(assoc, values)),
					   1, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	context = psprintf("%s() of association \"%s\", creating the target",
					   function, NameStr(assoc->name));
	PG_TRY();
	{
		rc = SPI_execute_plan(plan, args, NULL, false, 1);
	}
	PG_CATCH();
	{
		ma_rethrow_in_context(cxt, context, plan);
	}
	PG_END_TRY();
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("the target row of association \"%s\" was not inserted",
						NameStr(assoc->name)),
				 errdetail("A rule or trigger of %s skipped the insert.",
						   ma_relation_name(assoc->def->target))));
	row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	*key = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the new target row of association \"%s\" has a null key",
						NameStr(assoc->name))));
	*key = SPI_datumTransfer(*key, get_typbyval(assoc->keytype[MA_TK]),
							 get_typlen(assoc->keytype[MA_TK]));
	*json = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
	*json = SPI_datumTransfer(*json, false, -1);
	return SPI_datumTransfer(row, false, -1);
}

/*
 * create_impl
 *		The generic (association name first, jsonb result) and typed (the
 *		association's own, its row type as result) forms.
 */
static Datum
create_impl(FunctionCallInfo fcinfo, bool typed)
{
	int			first = typed ? 0 : 1;
	Association *assoc;
	Datum		source;
	Datum		key;
	Datum		row;
	Datum		json;
	Jsonb	   *target;
	Jsonb	   *attrs = NULL;
	char	   *function = ma_function_name(fcinfo->flinfo->fn_oid);

	if (typed)
		assoc = ma_lookup_for_helper(fcinfo->flinfo->fn_oid, MA_CREATE_SUFFIX);
	else
	{
		if (PG_ARGISNULL(0))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("association must not be null")));
		assoc = ma_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	}
	ma_require_association_usage(assoc, MA_NAMES_TARGET | MA_NAMES_SOURCE);
	if (PG_ARGISNULL(first))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source must not be null")));
	if (PG_ARGISNULL(first + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target must not be null"),
				 errhint("Pass '{}' for a row of defaults.")));
	source = ma_key_from_arg(fcinfo, first, assoc->keytype[MA_SK]);
	if (PG_NARGS() > first + 2 && !PG_ARGISNULL(first + 2))
		attrs = PG_GETARG_JSONB_P(first + 2);

	target = PG_GETARG_JSONB_P(first + 1);
	if (ma_direct(assoc->def) && attrs != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("association \"%s\" is a %s: its links have no attributes",
						NameStr(assoc->name), ma_kind_name(assoc->def))));
	if (ma_has_many(assoc->def))
	{
		if (attrs != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("association \"%s\" is a %s: its links have no attributes",
							NameStr(assoc->name), ma_kind_name(assoc->def))));
		target = with_foreign_key(assoc, target, source);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* a has_one's foreign key (often unique) is freed first */
	if (assoc->def->kind == AK_HAS_ONE)
		ma_unlink_all(assoc, fcinfo->flinfo->fn_oid, source);
	row = insert_target(assoc, target, function, &key, &json);
	(void) ma_link_new_target(assoc, fcinfo->flinfo->fn_oid, source, key, attrs);
	SPI_finish();

	if (typed)
		PG_RETURN_DATUM(row);
	PG_RETURN_DATUM(json);
}

PG_FUNCTION_INFO_V1(medium_assoc_create);
Datum
medium_assoc_create(PG_FUNCTION_ARGS)
{
	return create_impl(fcinfo, false);
}

PG_FUNCTION_INFO_V1(medium_assoc_typed_create);
Datum
medium_assoc_typed_create(PG_FUNCTION_ARGS)
{
	return create_impl(fcinfo, true);
}
