/*-------------------------------------------------------------------------
 *
 * access.c
 *	  The privilege checks that the statement a reader or helper stands in
 *	  for would make, but that neither its cached plan nor a direct index
 *	  walk makes by itself.
 *
 * The parser checks USAGE on the schema of every relation a statement
 * names; a plan prepared once per backend is parsed once, under whoever ran
 * it first, and an index walk parses nothing.  So the schema checks are
 * made here, as the caller, on every call.  A function that the executor
 * would run as part of an expression (a cast function is a FuncExpr, an
 * equality function an OpExpr) needs EXECUTE; where medium_assoc calls one
 * directly, it checks EXECUTE as ExecInitFunc does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"

#include "medium_assoc.h"

/*
 * ma_require_schema_usage
 *		Raise the parser's error (42501) unless the caller has USAGE on the
 *		schema of relation relid.
 */
void
ma_require_schema_usage(Oid relid)
{
	Oid			nsp = get_rel_namespace(relid);
	AclResult	aclresult = ma_schema_aclcheck(nsp, GetUserId(), ACL_USAGE);

	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_SCHEMA, get_namespace_name(nsp));
}

/*
 * ma_require_association_usage
 *		USAGE on the schema of the through table, which every statement of
 *		an association names, and on those of the target and source tables
 *		when the statements of the call name them too (MA_NAMES_TARGET,
 *		MA_NAMES_SOURCE in names).
 */
void
ma_require_association_usage(const Association *assoc, int names)
{
	ma_require_schema_usage(assoc->def->through);
	if (names & MA_NAMES_TARGET)
		ma_require_schema_usage(assoc->def->target);
	if (names & MA_NAMES_SOURCE)
		ma_require_schema_usage(assoc->def->source);
}

/*
 * ma_may_execute
 *		May the caller execute function funcid?
 */
bool
ma_may_execute(Oid funcid)
{
	return ma_function_aclcheck(funcid, GetUserId(), ACL_EXECUTE) == ACLCHECK_OK;
}

/*
 * ma_require_execute
 *		Raise the executor's error (42501) unless the caller may execute
 *		function funcid.
 */
void
ma_require_execute(Oid funcid)
{
	AclResult	aclresult = ma_function_aclcheck(funcid, GetUserId(),
												 ACL_EXECUTE);

	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FUNCTION, get_func_name(funcid));
}
