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
static char *canonical_scope_value(const AssocDef *def, int n);
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
 * ma_parse_scope
 *		Split a scope object into column names and text values.  A scope is
 *		a JSON object of scalars; JSON null means the column IS NULL.
 */
void
ma_parse_scope(AssocDef *def)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	def->nscope = 0;
	if (def->scope == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(def->scope) || JB_ROOT_IS_SCALAR(def->scope))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scope must be a JSON object")));
	def->nscope = JB_ROOT_COUNT(def->scope);
	def->scopename = palloc0(sizeof(char *) * Max(def->nscope, 1));
	def->scopevalue = palloc0(sizeof(char *) * Max(def->nscope, 1));
	def->scopeattnum = palloc0(sizeof(AttrNumber) * Max(def->nscope, 1));

	it = JsonbIteratorInit(&def->scope->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			def->scopename[n] = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
		{
			switch (v.type)
			{
				case jbvNull:
					def->scopevalue[n] = NULL;
					break;
				case jbvString:
					def->scopevalue[n] = pnstrdup(v.val.string.val,
												  v.val.string.len);
					break;
				case jbvNumeric:
					def->scopevalue[n] =
						DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(v.val.numeric)));
					break;
				case jbvBool:
					def->scopevalue[n] = pstrdup(v.val.boolean ? "true" : "false");
					break;
				default:
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("scope value of \"%s\" must be a JSON scalar",
									def->scopename[n])));
			}
			n++;
		}
	}
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
 *		The canonical text of scope value n of a definition; bad input for
 *		its column's type raises 22023, with the type's message as detail.
 */
static char *
canonical_scope_value(const AssocDef *def, int n)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			coltype = get_atttype(def->through, def->scopeattnum[n]);
	char	   *text = NULL;

	PG_TRY();
	{
		/* without a typmod, as a cast to the type would read it */
		text = canonical_text(coltype, -1, def->scopevalue[n]);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scope value of \"%s\" is not a valid %s",
						def->scopename[n], format_type_be(coltype)),
				 errdetail("%s", edata->message)));
	}
	PG_END_TRY();
	return text;
}

/*
 * ma_canonicalize_scope
 *		Resolve a validated definition's scope values under the caller's
 *		settings and store them, in def->scope and def->scopevalue, in
 *		canonical form.  Only JSON strings are rewritten: numbers, booleans
 *		and null read the same under any settings.  A value that is not
 *		valid input for its column's type raises 22023.
 */
void
ma_canonicalize_scope(AssocDef *def)
{
	char	  **replaced;
	bool		changed = false;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	if (def->scope == NULL || def->nscope == 0)
		return;
	replaced = palloc0(sizeof(char *) * def->nscope);
	it = JsonbIteratorInit(&def->scope->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *text;

		if (tok != WJB_VALUE)
			continue;
		if (def->scopevalue[n] == NULL)
		{
			n++;
			continue;
		}
		text = canonical_scope_value(def, n);
		if (v.type == jbvString && strcmp(text, def->scopevalue[n]) != 0)
		{
			replaced[n] = text;
			def->scopevalue[n] = text;
			changed = true;
		}
		n++;
	}
	if (changed)
		def->scope = replace_scope_strings(def->scope, replaced);
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
 * ma_scope_values
 *		The scope values of a cached association as Datums of their
 *		columns' types (and whether each is SQL NULL), read under the
 *		canonical settings, in the current memory context.
 */
void
ma_scope_values(Association *assoc)
{
	AssocDef   *def = assoc->def;
	int			nestlevel;

	assoc->scope_type = palloc0(sizeof(Oid) * Max(def->nscope, 1));
	assoc->scope_value = palloc0(sizeof(Datum) * Max(def->nscope, 1));
	assoc->scope_null = palloc0(sizeof(bool) * Max(def->nscope, 1));
	nestlevel = enter_canonical_settings();
	for (int i = 0; i < def->nscope; i++)
	{
		int32		typmod;
		Oid			collation;
		Oid			typinput;
		Oid			typioparam;

		get_atttypetypmodcoll(def->through, def->scopeattnum[i],
							  &assoc->scope_type[i], &typmod, &collation);
		assoc->scope_null[i] = def->scopevalue[i] == NULL;
		if (assoc->scope_null[i])
			continue;
		getTypeInputInfo(assoc->scope_type[i], &typinput, &typioparam);
		assoc->scope_value[i] = OidInputFunctionCall(typinput,
													 def->scopevalue[i],
													 typioparam, -1);
	}
	leave_canonical_settings(nestlevel);
}
