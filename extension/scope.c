/*-------------------------------------------------------------------------
 *
 * scope.c
 *	  The scope of an association: through columns that every link has,
 *	  with fixed values ({"kind": "bookmark"}).
 *
 * A scope value is typed by its column.  Its text is resolved once, at
 * registration, under the registering session's settings, and stored in a
 * canonical form that reads the same under any settings: the column
 * type's output under fixed ones (DateStyle ISO, IntervalStyle iso_8601,
 * search_path pg_catalog, so that reg* names come out schema-qualified,
 * ...).  Whenever the value is needed it is read back under those same
 * settings, once per cached association, and given to the statements as a
 * parameter of the column's type and to the index walk as a Datum: never
 * re-parsed under a caller's search_path or DateStyle.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "medium_assoc.h"

/* the settings scope values are written and read under */
static const char *const canonical_settings[][2] = {
	{"DateStyle", "ISO, MDY"},
	{"IntervalStyle", "iso_8601"},
	{"TimeZone", "UTC"},
	{"extra_float_digits", "3"},
	{"bytea_output", "hex"},
	{"lc_monetary", "C"},
	{"search_path", "pg_catalog, pg_temp"},
};

static int	enter_canonical_settings(void);
static void leave_canonical_settings(int nestlevel);
static char *canonical_text(Oid coltype, int32 typmod, const char *value);
static char *canonical_scope_value(Oid relid, AttrNumber attnum,
								   const char *name, const char *value);
static void parse_scope_object(Jsonb *scope, const char *argname, int *n,
							   char ***names, char ***values,
							   AttrNumber **attnums);
static void canonicalize_scope_object(Jsonb **scope, int n, char **names,
									  char **values, AttrNumber *attnums,
									  Oid relid);
static void read_scope_values(Oid relid, int n, AttrNumber *attnums,
							  char **values, Oid **types, Datum **datums,
							  bool **nulls);
static Jsonb *replace_scope_strings(Jsonb *scope, char **values);

/*
 * enter_canonical_settings
 *		Switch to the canonical settings until leave_canonical_settings.
 */
static int
enter_canonical_settings(void)
{
	int			nestlevel = NewGUCNestLevel();

	for (int i = 0; i < lengthof(canonical_settings); i++)
		(void) set_config_option(canonical_settings[i][0],
								 canonical_settings[i][1],
								 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
								 true, 0, false);
	return nestlevel;
}

static void
leave_canonical_settings(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
}

/*
 * parse_scope_object
 *		Split a scope object (the argument argname) into column names and
 *		text values.  A scope is a JSON object of scalars; JSON null means
 *		the column IS NULL.
 */
static void
parse_scope_object(Jsonb *scope, const char *argname, int *n, char ***names,
				   char ***values, AttrNumber **attnums)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	*n = 0;
	if (scope == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(scope) || JB_ROOT_IS_SCALAR(scope))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object", argname)));
	*n = JB_ROOT_COUNT(scope);
	*names = palloc0(sizeof(char *) * Max(*n, 1));
	*values = palloc0(sizeof(char *) * Max(*n, 1));
	*attnums = palloc0(sizeof(AttrNumber) * Max(*n, 1));

	it = JsonbIteratorInit(&scope->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			(*names)[i] = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
		{
			switch (v.type)
			{
				case jbvNull:
					(*values)[i] = NULL;
					break;
				case jbvString:
					(*values)[i] = pnstrdup(v.val.string.val, v.val.string.len);
					break;
				case jbvNumeric:
					(*values)[i] =
						DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(v.val.numeric)));
					break;
				case jbvBool:
					(*values)[i] = pstrdup(v.val.boolean ? "true" : "false");
					break;
				default:
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("%s value of \"%s\" must be a JSON scalar",
									argname, (*names)[i])));
			}
			i++;
		}
	}
}

/*
 * ma_parse_scope
 *		Split a definition's scope (through columns) and target scope
 *		(target columns) into column names and text values.
 */
void
ma_parse_scope(AssocDef *def)
{
	parse_scope_object(def->scope, "scope", &def->nscope, &def->scopename,
					   &def->scopevalue, &def->scopeattnum);
	parse_scope_object(def->target_scope, "target_scope", &def->ntscope,
					   &def->tscopename, &def->tscopevalue,
					   &def->tscopeattnum);
}

/*
 * canonical_text
 *		A value, read under the current settings, written under the
 *		canonical ones.  Bad input raises 22023, naming nothing else.
 */
static char *
canonical_text(Oid coltype, int32 typmod, const char *value)
{
	Oid			typinput;
	Oid			typioparam;
	Oid			typoutput;
	bool		isvarlena;
	Datum		datum;
	int			nestlevel;
	char	   *result;

	getTypeInputInfo(coltype, &typinput, &typioparam);
	getTypeOutputInfo(coltype, &typoutput, &isvarlena);
	datum = OidInputFunctionCall(typinput, (char *) value, typioparam, typmod);
	nestlevel = enter_canonical_settings();
	result = OidOutputFunctionCall(typoutput, datum);
	leave_canonical_settings(nestlevel);
	return result;
}

/*
 * canonical_scope_value
 *		The canonical text of a scope value of column relid.attnum (named
 *		name); bad input for its type raises 22023, with the type's message
 *		as detail.
 */
static char *
canonical_scope_value(Oid relid, AttrNumber attnum, const char *name,
					  const char *value)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			coltype = get_atttype(relid, attnum);
	char	   *typename = format_type_be(coltype);
	char	   *text = NULL;

	PG_TRY();
	{
		/* without a typmod, as a cast to the type would read it */
		text = canonical_text(coltype, -1, value);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			category;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		/* bad input (22...), a name that does not resolve (42...) */
		if (category != ERRCODE_DATA_EXCEPTION &&
			category != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scope value of \"%s\" is not a valid %s",
						name, typename),
				 errdetail("%s", edata->message)));
	}
	PG_END_TRY();
	return text;
}

/*
 * canonicalize_scope_object
 *		Resolve the values of a scope object on relation relid (names,
 *		values and attnums as parsed) under the caller's settings and store
 *		them, in *scope and values, in canonical form.  Only JSON strings
 *		are rewritten: numbers, booleans and null read the same under any
 *		settings.
 */
static void
canonicalize_scope_object(Jsonb **scope, int n, char **names, char **values,
						  AttrNumber *attnums, Oid relid)
{
	char	  **replaced;
	bool		changed = false;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			i = 0;

	if (*scope == NULL || n == 0)
		return;
	replaced = palloc0(sizeof(char *) * n);
	it = JsonbIteratorInit(&(*scope)->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *text;

		if (tok != WJB_VALUE)
			continue;
		if (values[i] == NULL)
		{
			i++;
			continue;
		}
		text = canonical_scope_value(relid, attnums[i], names[i], values[i]);
		if (v.type == jbvString && strcmp(text, values[i]) != 0)
		{
			replaced[i] = text;
			values[i] = text;
			changed = true;
		}
		i++;
	}
	if (changed)
		*scope = replace_scope_strings(*scope, replaced);
}

/*
 * ma_canonicalize_scope
 *		Resolve a validated definition's scope and target scope values
 *		under the caller's settings and store them in canonical form.  A
 *		value that is not valid input for its column's type raises 22023.
 */
void
ma_canonicalize_scope(AssocDef *def)
{
	canonicalize_scope_object(&def->scope, def->nscope, def->scopename,
							  def->scopevalue, def->scopeattnum, def->through);
	canonicalize_scope_object(&def->target_scope, def->ntscope,
							  def->tscopename, def->tscopevalue,
							  def->tscopeattnum, def->target);
}

/*
 * replace_scope_strings
 *		A copy of a scope object with the values of the keys whose entry
 *		in values is not NULL replaced by those strings (values are in the
 *		object's key order).
 */
static Jsonb *
replace_scope_strings(Jsonb *scope, char **values)
{
	JsonbParseState *state = NULL;
	JsonbValue *result = NULL;
	JsonbIterator *it = JsonbIteratorInit(&scope->root);
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_VALUE)
		{
			if (values[n] != NULL)
			{
				v.type = jbvString;
				v.val.string.val = values[n];
				v.val.string.len = strlen(values[n]);
			}
			n++;
		}
		result = pushJsonbValue(&state, tok,
								tok < WJB_BEGIN_ARRAY ? &v : NULL);
	}
	return JsonbValueToJsonb(result);
}

/*
 * read_scope_values
 *		Scope values (n of them, of columns attnums of relid) as Datums of
 *		their columns' types, and whether each is SQL NULL, read under the
 *		canonical settings, in the current memory context.
 */
static void
read_scope_values(Oid relid, int n, AttrNumber *attnums, char **values,
				  Oid **types, Datum **datums, bool **nulls)
{
	int			nestlevel;

	*types = palloc0(sizeof(Oid) * Max(n, 1));
	*datums = palloc0(sizeof(Datum) * Max(n, 1));
	*nulls = palloc0(sizeof(bool) * Max(n, 1));
	nestlevel = enter_canonical_settings();
	for (int i = 0; i < n; i++)
	{
		int32		typmod;
		Oid			collation;
		Oid			typinput;
		Oid			typioparam;

		get_atttypetypmodcoll(relid, attnums[i], &(*types)[i], &typmod,
							  &collation);
		(*nulls)[i] = values[i] == NULL;
		if ((*nulls)[i])
			continue;
		getTypeInputInfo((*types)[i], &typinput, &typioparam);
		(*datums)[i] = OidInputFunctionCall(typinput, values[i], typioparam, -1);
	}
	leave_canonical_settings(nestlevel);
}

/*
 * ma_scope_values
 *		The scope and target scope values of a cached association, read
 *		once, under the canonical settings.
 */
void
ma_scope_values(Association *assoc)
{
	AssocDef   *def = assoc->def;

	read_scope_values(def->through, def->nscope, def->scopeattnum,
					  def->scopevalue, &assoc->scope_type,
					  &assoc->scope_value, &assoc->scope_null);
	read_scope_values(def->target, def->ntscope, def->tscopeattnum,
					  def->tscopevalue, &assoc->tscope_type,
					  &assoc->tscope_value, &assoc->tscope_null);
}
