/*-------------------------------------------------------------------------
 *
 * keyvalue.c
 *	  Turning the "any" arguments of the link helpers into key values.
 *
 * A helper receives its source and targets as whatever the client sent:
 * a value of the key type, a value of another type with an assignment cast
 * to it (as INSERT would accept), an array of either, or a string: an
 * untyped literal or parameter (which arrives as unknown or, through the
 * text overloads, as text) or a value of a string type, parsed with the key
 * type's input function.
 *
 * The conversion chosen for each pair of types is cached per backend, in
 * its own memory context, until a change to pg_cast or pg_proc (a cast
 * dropped and created again, a function replaced, EXECUTE granted or
 * revoked): a syscache callback then marks the cache stale, and the next
 * lookup starts a new one, retiring the old context until the end of the
 * transaction (a caller may still be running one of its functions).  A
 * cast function is called as the FuncExpr of a cast would call it: only
 * if the caller may EXECUTE it, checked on every call.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

typedef struct KeyCastKey
{
	Oid			from;
	Oid			to;
} KeyCastKey;

/* how to turn a value of one type into a key value of another */
typedef struct KeyCast
{
	KeyCastKey	key;
	CoercionPathType path;
	Oid			funcid;			/* cast function, for COERCION_PATH_FUNC */
	FmgrInfo	func;			/* cast function, or output of "from" */
	int			nargs;
	FmgrInfo	input;			/* input function of "to" */
	Oid			ioparam;
} KeyCast;

static HTAB *cast_cache = NULL;
static MemoryContext cast_cxt = NULL;
static bool cast_cache_stale = false;

static void cast_cache_callback(Datum arg, int cacheid, uint32 hashvalue);
static void ensure_cast_cache(void);

static KeyCast *lookup_cast(Oid from, Oid to);
static Datum convert_value(Datum value, Oid from, Oid to);
static bool looks_like_array(const char *str);

/*
 * cast_cache_callback
 *		A cast or a function changed: the cached conversions may be wrong.
 */
static void
cast_cache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	cast_cache_stale = true;
}

/*
 * ma_register_cast_callbacks
 *		Called once from _PG_init: forget cached conversions when a cast or
 *		a function changes.
 */
void
ma_register_cast_callbacks(void)
{
	CacheRegisterSyscacheCallback(CASTSOURCETARGET, cast_cache_callback,
								  (Datum) 0);
	CacheRegisterSyscacheCallback(PROCOID, cast_cache_callback, (Datum) 0);
}

/*
 * ensure_cast_cache
 *		Create the cache on first use, and anew after it went stale.
 */
static void
ensure_cast_cache(void)
{
	HASHCTL		ctl;

	if (cast_cache != NULL && !cast_cache_stale)
		return;
	if (cast_cxt != NULL)
		ma_retire_context(cast_cxt);
	cast_cache_stale = false;
	cast_cxt = AllocSetContextCreate(TopMemoryContext,
									 "medium_assoc key casts",
									 ALLOCSET_SMALL_SIZES);
	ctl.keysize = sizeof(KeyCastKey);
	ctl.entrysize = sizeof(KeyCast);
	ctl.hcxt = cast_cxt;
	cast_cache = hash_create("medium_assoc key casts", 16, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * lookup_cast
 *		The cached conversion from one type to a key type.
 */
static KeyCast *
lookup_cast(Oid from, Oid to)
{
	KeyCastKey	key;
	KeyCast    *cast;
	bool		found;
	Oid			funcid = InvalidOid;
	Oid			typinput;

	ensure_cast_cache();
	key.from = from;
	key.to = to;
	cast = hash_search(cast_cache, &key, HASH_FIND, NULL);
	if (cast != NULL)
		return cast;

	/* work out the conversion before entering it, in case of error */
	{
		KeyCast		local;

		memset(&local, 0, sizeof(local));
		local.key = key;
		getTypeInputInfo(to, &typinput, &local.ioparam);
		fmgr_info_cxt(typinput, &local.input, cast_cxt);

		if (from == to)
			local.path = COERCION_PATH_RELABELTYPE;
		else if (from == UNKNOWNOID ||
				 TypeCategory(from) == TYPCATEGORY_STRING)
			local.path = COERCION_PATH_COERCEVIAIO;
		else
			local.path = find_coercion_pathway(to, from, COERCION_ASSIGNMENT,
											   &funcid);

		switch (local.path)
		{
			case COERCION_PATH_RELABELTYPE:
				break;
			case COERCION_PATH_FUNC:
				local.funcid = funcid;
				fmgr_info_cxt(funcid, &local.func, cast_cxt);
				local.nargs = get_func_nargs(funcid);
				break;
			case COERCION_PATH_COERCEVIAIO:
				if (from != UNKNOWNOID)
				{
					Oid			typoutput;
					bool		isvarlena;

					getTypeOutputInfo(from, &typoutput, &isvarlena);
					fmgr_info_cxt(typoutput, &local.func, cast_cxt);
				}
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("cannot use a value of type %s as a key of type %s",
								format_type_be(from), format_type_be(to)),
						 errhint("Pass a value that casts to %s.",
								 format_type_be(to))));
		}
		cast = hash_search(cast_cache, &key, HASH_ENTER, &found);
		*cast = local;
	}
	return cast;
}

/*
 * convert_value
 *		Convert a non-null value of type "from" to the key type "to".
 */
static Datum
convert_value(Datum value, Oid from, Oid to)
{
	KeyCast    *cast = lookup_cast(from, to);

	switch (cast->path)
	{
		case COERCION_PATH_RELABELTYPE:
			return value;
		case COERCION_PATH_FUNC:
			ma_require_execute(cast->funcid);
			if (cast->nargs == 1)
				return FunctionCall1(&cast->func, value);
			return FunctionCall3(&cast->func, value, Int32GetDatum(-1),
								 BoolGetDatum(true));
		case COERCION_PATH_COERCEVIAIO:
			{
				char	   *str;

				if (from == UNKNOWNOID)
					str = DatumGetCString(value);
				else
					str = OutputFunctionCall(&cast->func, value);
				return InputFunctionCall(&cast->input, str, cast->ioparam, -1);
			}
		default:
			elog(ERROR, "unexpected coercion path %d", (int) cast->path);
	}
	return (Datum) 0;			/* keep compiler quiet */
}

/*
 * ma_key_from_arg
 *		Argument argno (not null) as a single value of keytype.
 */
Datum
ma_key_from_arg(FunctionCallInfo fcinfo, int argno, Oid keytype)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (!OidIsValid(argtype))
		elog(ERROR, "could not determine the type of argument %d", argno + 1);
	if (OidIsValid(get_element_type(argtype)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("source must be a single value, not %s",
						format_type_be(argtype))));
	return convert_value(PG_GETARG_DATUM(argno), argtype, keytype);
}

static bool
looks_like_array(const char *str)
{
	while (*str == ' ' || *str == '\t' || *str == '\n' || *str == '\r')
		str++;
	return *str == '{';
}

/* a one-element array of keytype */
ArrayType *
ma_single_key_array(Datum value, Oid keytype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(keytype, &typlen, &typbyval, &typalign);
	return construct_array(&value, 1, keytype, typlen, typbyval, typalign);
}

/*
 * ma_keys_from_arg
 *		Argument argno (not null) as an array of keytype: an array is
 *		converted element by element, a single value becomes a one-element
 *		array, and an untyped or text value starting with "{" is read as an
 *		array literal.  Null elements are dropped and reported in *has_null.
 */
ArrayType *
ma_keys_from_arg(FunctionCallInfo fcinfo, int argno, Oid keytype,
				 bool *has_null)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Datum		value = PG_GETARG_DATUM(argno);
	Oid			elemtype;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			nkept = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	*has_null = false;
	if (!OidIsValid(argtype))
		elog(ERROR, "could not determine the type of argument %d", argno + 1);

	if (argtype == UNKNOWNOID || argtype == TEXTOID)
	{
		char	   *str = (argtype == UNKNOWNOID) ? DatumGetCString(value)
		: TextDatumGetCString(value);

		if (!looks_like_array(str))
			return ma_single_key_array(convert_value(CStringGetDatum(str),
												  UNKNOWNOID, keytype),
									keytype);
		value = OidInputFunctionCall(F_ARRAY_IN, str, keytype, -1);
		argtype = get_array_type(keytype);
	}

	elemtype = get_element_type(argtype);
	if (!OidIsValid(elemtype))
		return ma_single_key_array(convert_value(value, argtype, keytype), keytype);
	/* the element type must convert even when the array is empty */
	(void) lookup_cast(elemtype, keytype);

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(DatumGetArrayTypeP(value), elemtype, typlen, typbyval,
					  typalign, &elems, &nulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		if (nulls[i])
		{
			*has_null = true;
			continue;
		}
		elems[nkept++] = convert_value(elems[i], elemtype, keytype);
	}
	get_typlenbyvalalign(keytype, &typlen, &typbyval, &typalign);
	return construct_array(elems, nkept, keytype, typlen, typbyval, typalign);
}

/*
 * ma_key_to_text
 *		A key value in its text form, for messages and lock hashing.
 */
char *
ma_key_to_text(Datum value, Oid keytype)
{
	Oid			typoutput;
	bool		isvarlena;

	getTypeOutputInfo(keytype, &typoutput, &isvarlena);
	return OidOutputFunctionCall(typoutput, value);
}
