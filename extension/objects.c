/*-------------------------------------------------------------------------
 *
 * objects.c
 *	  The database objects of an association: its reader and batch reader
 *	  functions, its typed helpers (<alias>_add, _remove, _set, _has,
 *	  _count: the generic helpers with parameters of the key types, which
 *	  every driver can type), their comments, and the dependencies that
 *	  protect them.
 *
 * Readers are LANGUAGE C functions made with ProcedureCreate from this
 * library's own fixed symbols, so that an owner who is not a superuser can
 * register an association.  They are ordinary (non-member) functions that
 * pg_dump dumps; what pg_dump cannot carry, the dependencies below, is
 * recorded again when the registry row is restored.
 *
 * The reader depends (normally) on every key and scope column, as a view
 * depends on the columns it reads, so DROP TABLE or DROP COLUMN fails unless
 * CASCADE; it depends automatically on the extension, so DROP EXTENSION
 * removes it.  The batch reader is an internal part of the reader.  No
 * dependency on the keys' unique indexes is recorded: it would make pg_dump
 * put the readers after the registry's data, which recreates them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "commands/extension.h"
#include "access/xact.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/regproc.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

static void check_signature(Oid funcoid, Oid argtype, Oid rettype);
static Datum text_array(const char *const *items, int n);
static Oid	create_reader(const AssocDef *def, Oid nsp, Oid owner, Oid sktype);
static Oid	create_batch(const AssocDef *def, Oid nsp, Oid owner, Oid sktype);
static char *function_comment(const AssocDef *def, bool batch);
static void comment_function(Oid funcoid, const AssocDef *def, bool batch);
static void record_dependencies(const AssocDef *def, Oid reader, Oid batch);
static void depend_on_column(const ObjectAddress *reader, Oid relid,
							 AttrNumber attnum);
static Oid	create_helper(const AssocDef *def, int i, Oid nsp, Oid owner,
						  Oid sktype, Oid tktype);
static Oid	ensure_helper(const AssocDef *def, int i, Oid nsp, Oid owner,
						  Oid sktype, Oid tktype);
static void depend_on_reader(Oid helper, Oid reader);

/*
 * ma_batch_name
 *		Name of the batch reader: the alias followed by "_batch".
 */
char *
ma_batch_name(const char *name)
{
	return psprintf("%s%s", name, MA_BATCH_SUFFIX);
}

/*
 * ma_find_function
 *		The C function of this library named name that runs symbol, in any
 *		schema, or InvalidOid.
 */
Oid
ma_find_function(const char *name, const char *symbol)
{
	CatCList   *list = SearchSysCacheList1(PROCNAMEARGSNSP,
										   CStringGetDatum(name));
	Oid			result = InvalidOid;

	for (int i = 0; i < list->n_members && !OidIsValid(result); i++)
	{
		HeapTuple	tup = &list->members[i]->tuple;
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
		bool		isnull;
		Datum		src;

		if (proc->prolang != ClanguageId)
			continue;
		src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
		if (!isnull && strcmp(TextDatumGetCString(src), symbol) == 0)
			result = proc->oid;
	}
	ReleaseSysCacheList(list);
	return result;
}


/* a typed helper: its name's suffix, symbol, and signature */
typedef struct HelperSpec
{
	const char *suffix;
	const char *symbol;
	int			nargs;			/* of source, targets, through_attrs,
								 * create_attrs */
	bool		with_default;	/* through_attrs and create_attrs DEFAULT
								 * NULL */
	Oid			rettype;		/* RECORDOID: TABLE(added, removed);
								 * InvalidOid: the target's row type */
	bool		strict;
	char		volatility;
} HelperSpec;

static const HelperSpec helper_specs[] = {
	{MA_ADD_SUFFIX, MA_TYPED_PREFIX "add", 4, true, INT8OID, false, PROVOLATILE_VOLATILE},
	{MA_REMOVE_SUFFIX, MA_TYPED_PREFIX "remove", 2, false, INT8OID, false, PROVOLATILE_VOLATILE},
	{MA_SET_SUFFIX, MA_TYPED_PREFIX "set", 4, true, RECORDOID, false, PROVOLATILE_VOLATILE},
	{MA_HAS_SUFFIX, MA_TYPED_PREFIX "has", 2, false, BOOLOID, true, PROVOLATILE_STABLE},
	{MA_COUNT_SUFFIX, MA_TYPED_PREFIX "count", 1, false, INT8OID, true, PROVOLATILE_STABLE},
	/* (source, target jsonb, through_attrs jsonb DEFAULT NULL) RETURNS <target> */
	{MA_CREATE_SUFFIX, MA_TYPED_PREFIX "create", 3, true, InvalidOid, false, PROVOLATILE_VOLATILE},
};

/*
 * ma_helper_count, ma_helper_name, ma_helper_symbol
 *		The typed helpers an association has: their names and symbols.
 *		An alias too long for the longest suffix gets none.
 */
int
ma_helper_count(const char *alias)
{
	return (int) strlen(alias) <= MA_MAX_HELPER_ALIAS_LEN ?
		(int) lengthof(helper_specs) : 0;
}

/*
 * ma_helper_applies
 *		Has an association of this kind typed helper i?  has_one and
 *		belongs_to have no add and remove (set changes their one target).
 */
bool
ma_helper_applies(const AssocDef *def, int i)
{
	return !ma_single(def) ||
		(strcmp(helper_specs[i].suffix, MA_ADD_SUFFIX) != 0 &&
		 strcmp(helper_specs[i].suffix, MA_REMOVE_SUFFIX) != 0);
}

char *
ma_helper_name(const char *alias, int i)
{
	return psprintf("%s%s", alias, helper_specs[i].suffix);
}

const char *
ma_helper_symbol(int i)
{
	return helper_specs[i].symbol;
}

/*
 * ma_helper_argtypes
 *		The input argument types of typed helper i of an association whose
 *		source key is sktype and target key tktype; returns their number.
 */
int
ma_helper_argtypes(int i, Oid sktype, Oid tktype, Oid *argtypes)
{
	argtypes[0] = sktype;
	argtypes[1] = helper_specs[i].rettype == InvalidOid ? JSONBOID :
		get_array_type(tktype);
	argtypes[2] = JSONBOID;
	argtypes[3] = JSONBOID;
	return helper_specs[i].nargs;
}

/*
 * create_helper
 *		Typed helper i of an association, e.g. <alias>_add(source <source
 *		key type>, targets <target key type>[], through_attrs jsonb DEFAULT
 *		NULL, create_attrs jsonb DEFAULT NULL) RETURNS bigint: SECURITY
 *		INVOKER, running the same code as the generic helper, with
 *		parameters every driver can type.
 */
static Oid
create_helper(const AssocDef *def, int i, Oid nsp, Oid owner, Oid sktype,
			  Oid tktype)
{
	static const char *const names[] = {"source", "targets", "through_attrs",
	"create_attrs", "added", "removed"};
	static const char *const create_names[] = {"source", "target",
	"through_attrs"};
	const HelperSpec *spec = &helper_specs[i];
	Oid			argtypes[4];
	int			nargs = ma_helper_argtypes(i, sktype, tktype, argtypes);
	Oid			rettype = OidIsValid(spec->rettype) ? spec->rettype :
		get_rel_type_id(def->target);
	List	   *defaults = NIL;
	Datum		allargs = PointerGetDatum(NULL);
	Datum		modes = PointerGetDatum(NULL);
	int			nnames = nargs;
	ObjectAddress addr;

	if (spec->with_default && nargs == 3)
		defaults = list_make1(makeNullConst(JSONBOID, -1, InvalidOid));
	else if (spec->with_default)
		defaults = list_make2(makeNullConst(JSONBOID, -1, InvalidOid),
							  makeNullConst(JSONBOID, -1, InvalidOid));
	if (spec->rettype == RECORDOID)
	{
		Datum		all[6];
		Datum		mode[6];

		for (int j = 0; j < nargs; j++)
		{
			all[j] = ObjectIdGetDatum(argtypes[j]);
			mode[j] = CharGetDatum(PROARGMODE_IN);
		}
		all[nargs] = all[nargs + 1] = ObjectIdGetDatum(INT8OID);
		mode[nargs] = mode[nargs + 1] = CharGetDatum(PROARGMODE_TABLE);
		nnames = nargs + 2;
		allargs = PointerGetDatum(construct_array(all, nnames, OIDOID,
												  sizeof(Oid), true,
												  TYPALIGN_INT));
		modes = PointerGetDatum(construct_array(mode, nnames, CHAROID, 1, true,
												TYPALIGN_CHAR));
	}

	addr = ProcedureCreate(ma_helper_name(def->name, i), nsp, false,
						   spec->rettype == RECORDOID, rettype, owner,
						   ClanguageId, F_FMGR_C_VALIDATOR, spec->symbol,
						   MA_LIBRARY, NULL, PROKIND_FUNCTION, false, false,
						   spec->strict, spec->volatility, PROPARALLEL_UNSAFE,
						   buildoidvector(argtypes, nargs), allargs, modes,
						   text_array(OidIsValid(spec->rettype) ? names : create_names,
									  nnames), defaults,
						   PointerGetDatum(NULL), PointerGetDatum(NULL),
						   InvalidOid, 1, spec->rettype == RECORDOID ? 1 : 0);
	CommandCounterIncrement();
	CreateComments(addr.objectId, ProcedureRelationId, 0,
				   psprintf("%s() of medium_assoc association %s, with the key types of its source and targets",
							spec->suffix + 1, quote_identifier(def->name)));
	return addr.objectId;
}

/*
 * ensure_helper
 *		Typed helper i of an association: found (after a restore; it must
 *		take the source key first) or created.
 */
static Oid
ensure_helper(const AssocDef *def, int i, Oid nsp, Oid owner, Oid sktype,
			  Oid tktype)
{
	Oid			funcoid = ma_find_function(ma_helper_name(def->name, i),
										   helper_specs[i].symbol);
	HeapTuple	tup;
	bool		matches;

	if (!OidIsValid(funcoid))
		return create_helper(def, i, nsp, owner, sktype, tktype);
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", funcoid);
	matches = ((Form_pg_proc) GETSTRUCT(tup))->pronargs == helper_specs[i].nargs &&
		((Form_pg_proc) GETSTRUCT(tup))->proargtypes.values[0] == sktype;
	ReleaseSysCache(tup);
	if (!matches)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("function %s exists but is not a helper of this association",
						format_procedure(funcoid)),
				 errhint("Drop or rename that function.")));
	return funcoid;
}

/*
 * ma_ensure_objects
 *		Make sure the association's reader, batch reader and typed helpers
 *		exist (creating them in the source's schema, owned by the source's
 *		owner) and that their dependencies are recorded.  Idempotent: after a restore the
 *		functions exist and only the dependencies are recorded again.
 */
void
ma_ensure_objects(const AssocDef *def)
{
	Oid			nsp = get_rel_namespace(def->source);
	Oid			owner = ma_relation_owner(def->source);
	Oid			sktype = get_atttype(def->source, def->keyattnum[MA_SK]);
	Oid			reader = ma_find_function(def->name, MA_READER_SYMBOL);
	Oid			batch = ma_find_function(ma_batch_name(def->name), MA_BATCH_SYMBOL);

	if (!OidIsValid(reader))
		reader = create_reader(def, nsp, owner, sktype);
	else
		check_signature(reader, sktype, get_rel_type_id(def->target));
	if (!OidIsValid(batch))
		batch = create_batch(def, nsp, owner, sktype);
	else
		check_signature(batch, get_array_type(sktype), RECORDOID);
	record_dependencies(def, reader, batch);
	for (int i = 0; i < ma_helper_count(def->name); i++)
		if (ma_helper_applies(def, i))
			depend_on_reader(ensure_helper(def, i, nsp, owner, sktype,
									   get_atttype(def->target,
												   def->keyattnum[MA_TK])),
						 reader);
	ma_ensure_links(def, reader, owner);
	CommandCounterIncrement();
}

/*
 * depend_on_reader
 *		A typed helper is an internal part of the reader: it goes with it.
 */
static void
depend_on_reader(Oid helper, Oid reader)
{
	ObjectAddress helperaddr;
	ObjectAddress readeraddr;

	ObjectAddressSet(helperaddr, ProcedureRelationId, helper);
	ObjectAddressSet(readeraddr, ProcedureRelationId, reader);
	deleteDependencyRecordsForClass(ProcedureRelationId, helper,
									ProcedureRelationId, DEPENDENCY_INTERNAL);
	recordDependencyOn(&helperaddr, &readeraddr, DEPENDENCY_INTERNAL);
}

/*
 * check_signature
 *		An existing reader (as after a restore) is only taken for this
 *		association's if it takes and returns what this one's would.
 */
static void
check_signature(Oid funcoid, Oid argtype, Oid rettype)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));
	Form_pg_proc proc;
	bool		matches;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", funcoid);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	matches = proc->pronargs == 1 && proc->proargtypes.values[0] == argtype &&
		proc->prorettype == rettype && proc->proretset;
	ReleaseSysCache(tup);
	if (!matches)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("function %s exists but is not a reader of this association",
						format_procedure(funcoid)),
				 errhint("Drop or rename that function.")));
}

/* the owner of a relation */
Oid
ma_relation_owner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

static Datum
text_array(const char *const *items, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * create_reader
 *		<alias>(source <source key type>) RETURNS SETOF <target>,
 *		STRICT STABLE SECURITY INVOKER.
 */
static Oid
create_reader(const AssocDef *def, Oid nsp, Oid owner, Oid sktype)
{
	static const char *const argnames[] = {"source"};
	ObjectAddress addr;

	addr = ProcedureCreate(def->name, nsp, false, true,
						   get_rel_type_id(def->target), owner,
						   ClanguageId, F_FMGR_C_VALIDATOR,
						   MA_READER_SYMBOL, MA_LIBRARY, NULL,
						   PROKIND_FUNCTION, false, false, true,
						   PROVOLATILE_STABLE, PROPARALLEL_RESTRICTED,
						   buildoidvector(&sktype, 1),
						   PointerGetDatum(NULL), PointerGetDatum(NULL),
						   text_array(argnames, 1), NIL,
						   PointerGetDatum(NULL), PointerGetDatum(NULL),
						   InvalidOid, 1, 10);
	CommandCounterIncrement();
	comment_function(addr.objectId, def, false);
	return addr.objectId;
}

/*
 * create_batch
 *		<alias>_batch(sources <source key type>[])
 *		RETURNS TABLE(source <source key type>, target <target>).
 */
static Oid
create_batch(const AssocDef *def, Oid nsp, Oid owner, Oid sktype)
{
	static const char *const argnames[] = {"sources", "source", "target"};
	Oid			skarray = get_array_type(sktype);
	Datum		alltypes[3];
	Datum		modes[3];
	ObjectAddress addr;

	alltypes[0] = ObjectIdGetDatum(skarray);
	alltypes[1] = ObjectIdGetDatum(sktype);
	alltypes[2] = ObjectIdGetDatum(get_rel_type_id(def->target));
	modes[0] = CharGetDatum(PROARGMODE_IN);
	modes[1] = CharGetDatum(PROARGMODE_TABLE);
	modes[2] = CharGetDatum(PROARGMODE_TABLE);

	addr = ProcedureCreate(ma_batch_name(def->name), nsp, false, true,
						   RECORDOID, owner, ClanguageId, F_FMGR_C_VALIDATOR,
						   MA_BATCH_SYMBOL, MA_LIBRARY, NULL,
						   PROKIND_FUNCTION, false, false, true,
						   PROVOLATILE_STABLE, PROPARALLEL_RESTRICTED,
						   buildoidvector(&skarray, 1),
						   PointerGetDatum(construct_array(alltypes, 3, OIDOID,
														   sizeof(Oid), true,
														   TYPALIGN_INT)),
						   PointerGetDatum(construct_array(modes, 3, CHAROID, 1,
														   true, TYPALIGN_CHAR)),
						   text_array(argnames, 3), NIL,
						   PointerGetDatum(NULL), PointerGetDatum(NULL),
						   InvalidOid, 1, 1000);
	CommandCounterIncrement();
	comment_function(addr.objectId, def, true);
	return addr.objectId;
}

/*
 * function_comment, comment_function
 *		Describe the association in the function's comment.
 */
static char *
function_comment(const AssocDef *def, bool batch)
{
	return psprintf("%s of medium_assoc association %s (%s): %s -> %s through %s (%s, %s)%s%s",
					   batch ? "Batch reader" : "Reader",
					   quote_identifier(def->name), ma_kind_name(def),
					   ma_relation_name(def->source),
					   ma_relation_name(def->target),
					   ma_relation_name(def->through),
					   quote_identifier(def->keyname[MA_FK]),
					   quote_identifier(def->keyname[MA_OK]),
					   def->scope ? ", scope " : "",
					   def->scope ? JsonbToCString(NULL, &def->scope->root,
												   VARSIZE(def->scope)) : "");
}

static void
comment_function(Oid funcoid, const AssocDef *def, bool batch)
{
	CreateComments(funcoid, ProcedureRelationId, 0,
				   function_comment(def, batch));
}

/*
 * ma_refresh_comments
 *		Rewrite the readers' comments if the names they mention changed.
 */
void
ma_refresh_comments(const AssocDef *def)
{
	Oid			funcs[2];

	funcs[0] = ma_find_function(def->name, MA_READER_SYMBOL);
	funcs[1] = ma_find_function(ma_batch_name(def->name), MA_BATCH_SYMBOL);
	for (int i = 0; i < 2; i++)
	{
		char	   *comment;
		char	   *old;

		if (!OidIsValid(funcs[i]))
			continue;
		comment = function_comment(def, i == 1);
		old = GetComment(funcs[i], ProcedureRelationId, 0);
		if (old == NULL || strcmp(old, comment) != 0)
			CreateComments(funcs[i], ProcedureRelationId, 0, comment);
	}
}

static void
depend_on_column(const ObjectAddress *reader, Oid relid, AttrNumber attnum)
{
	ObjectAddress col;

	ObjectAddressSubSet(col, RelationRelationId, relid, attnum);
	recordDependencyOn(reader, &col, DEPENDENCY_NORMAL);
}

/*
 * record_dependencies
 *		(Re)record the dependencies of the reader and batch reader.
 */
static void
record_dependencies(const AssocDef *def, Oid reader, Oid batch)
{
	ObjectAddress readeraddr;
	ObjectAddress batchaddr;
	ObjectAddress extaddr;

	ObjectAddressSet(readeraddr, ProcedureRelationId, reader);
	ObjectAddressSet(batchaddr, ProcedureRelationId, batch);
	ObjectAddressSet(extaddr, ExtensionRelationId,
					 get_extension_oid(MA_EXTENSION, false));

	/* forget what an earlier registration of these functions recorded */
	deleteDependencyRecordsForClass(ProcedureRelationId, reader,
									RelationRelationId, DEPENDENCY_NORMAL);
	deleteDependencyRecordsForClass(ProcedureRelationId, reader,
									ExtensionRelationId, DEPENDENCY_AUTO);
	deleteDependencyRecordsForClass(ProcedureRelationId, batch,
									ProcedureRelationId, DEPENDENCY_INTERNAL);

	depend_on_column(&readeraddr, def->through, def->keyattnum[MA_FK]);
	depend_on_column(&readeraddr, def->through, def->keyattnum[MA_OK]);
	depend_on_column(&readeraddr, def->source, def->keyattnum[MA_SK]);
	depend_on_column(&readeraddr, def->target, def->keyattnum[MA_TK]);
	for (int i = 0; i < def->nscope; i++)
		depend_on_column(&readeraddr, def->through, def->scopeattnum[i]);
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
		if (def->tsname[i] != NULL)
			depend_on_column(&readeraddr, def->through, def->tsattnum[i]);
	for (int i = 0; i < def->ntscope; i++)
		depend_on_column(&readeraddr, def->target, def->tscopeattnum[i]);

	recordDependencyOn(&readeraddr, &extaddr, DEPENDENCY_AUTO);
	recordDependencyOn(&batchaddr, &readeraddr, DEPENDENCY_INTERNAL);
}
