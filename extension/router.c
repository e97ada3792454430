/*-------------------------------------------------------------------------
 *
 * router.c
 *	  The functions an application calls on a PL/Proxy router, as
 *	  router_functions() declares them: each passes its call to its proxy
 *	  (the PL/Proxy function of the same name and arguments in schema
 *	  medium_assoc_router) and returns the proxy's answer, row by row for a
 *	  set.  When the call is cut short while the router waits for shards
 *	  (the statement_timeout router_cluster() sets, PL/Proxy's own query
 *	  timeout, a cancel), the error is raised again as 57014, naming the
 *	  shards the call waited for: the source's shard for a routed call
 *	  (medium_assoc_route_source), those of its sources for a _batch
 *	  (medium_assoc_route_sources), every shard for a fan-out
 *	  (medium_assoc_route_all).  A fan-out whose shards' answers are
 *	  combined in PL/pgSQL, which names them, calls its proxy X through the
 *	  function X_parts of medium_assoc_router (medium_assoc_route_parts),
 *	  which passes errors on as they are but for the cancel guard below.
 *
 * An error is caught and raised again without a subtransaction, so nothing
 * between the two may read the database: the shards' names are read before
 * the call, once per cluster and backend (medium_assoc._shard_labels), and
 * read again after a change to a foreign server (the old ones are freed at
 * the end of the transaction); the key argument is detoasted before the
 * call, and the waited shards computed from it only when needed, with the
 * hash of medium_assoc.shard_hash(): hashtext() of the key's text form in
 * the "C" collation, 0 for NULL.
 *
 * PL/Proxy answers a cancel by sending each shard it waits for a cancel
 * request, which blocks until the shard's server has read it: without end
 * when that server is stopped while its host still accepts connections.  So
 * while the proxy runs, a cancel (57014) first asks whether the servers of
 * the shards waited for answer a new connection within a second (probe.c),
 * from an error context callback; if one does not, the error's code is
 * changed before PL/Proxy sees it, so that it sends no cancel request, and
 * set back when the error is raised again, with a detail saying so.
 *
 * The proxy is called as SQL would call it: EXECUTE on it and USAGE on its
 * schema are checked as the caller's.  It must return what the function
 * returns and belong to its owner: a proxy put there by someone else is
 * refused.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

/* how long a shard's server has to answer before a cancel is kept back */
#define SHARD_ANSWER_MS 1000

/* which shards a call waits for */
typedef enum RouteMode
{
	ROUTE_SOURCE,				/* the shard of the first argument */
	ROUTE_SOURCES,				/* those of the first argument's elements */
	ROUTE_ALL,					/* every shard */
	ROUTE_PARTS					/* every shard, for a caller that names them */
} RouteMode;

/* the shards of one cluster, as errors name them (in labels_cxt) */
typedef struct ClusterLabels
{
	char	   *cluster;
	int			nshards;
	char	  **labels;			/* "shard i (host=... port=...)" */
} ClusterLabels;

/* one router function's call state, in fn_extra */
typedef struct RouteCall
{
	RouteMode	mode;
	Oid			proxy_oid;
	Oid			proxy_nsp;		/* its schema */
	FmgrInfo	proxy;
	char	   *cluster;
	const ClusterLabels *labels;	/* its shards, read before each call */
	Datum		key;			/* the key argument, detoasted, in keycxt */
	MemoryContext keycxt;		/* for the call: the executor frees the
								 * arguments' memory between rows */
	FunctionCallInfo pcall;		/* the call of the proxy */
	ReturnSetInfo prsinfo;		/* its set's state */
	bool		in_set;			/* between the first and last row */
	bool		cancel_withheld;	/* from PL/Proxy: a shard did not answer */
	FmgrInfo	keyout;			/* output function of the key type */
	Oid			keytype;
	int16		keylen;
	bool		keybyval;
	char		keyalign;
} RouteCall;

static List *cluster_labels = NIL;	/* of ClusterLabels */
static MemoryContext labels_cxt = NULL;
static bool labels_stale = false;

static void forget_labels(Datum arg, int cacheid, uint32 hashvalue);
static const ClusterLabels *labels_of(const char *cluster);
static char *proxy_cluster(HeapTuple proctup);
static void find_proxy(FunctionCallInfo fcinfo, Form_pg_proc proc,
					   RouteCall *rc);
static void plan_key(FunctionCallInfo fcinfo, RouteCall *rc, Oid argtype);
static RouteCall *route_init(FunctionCallInfo fcinfo, RouteMode mode);
static uint32 key_shard_hash(RouteCall *rc, Datum key, bool isnull);
static bool *waited_shards(FunctionCallInfo fcinfo, RouteCall *rc);
static char *waited_label(FunctionCallInfo fcinfo, RouteCall *rc);
static bool raising_error(MemoryContext cxt);
static void guard_cancel(void *arg);
static bool cut_short(const RouteCall *rc, const ErrorData *edata);
static bool start_call(FunctionCallInfo fcinfo, RouteCall *rc);
static Datum keep_key(RouteCall *rc, Datum value);
static void end_set(Datum arg);
static Datum route(FunctionCallInfo fcinfo, RouteMode mode);

PG_FUNCTION_INFO_V1(medium_assoc_route_source);
PG_FUNCTION_INFO_V1(medium_assoc_route_sources);
PG_FUNCTION_INFO_V1(medium_assoc_route_all);
PG_FUNCTION_INFO_V1(medium_assoc_route_parts);

/*
 * forget_labels
 *		A foreign server changed: read the clusters' shards again.
 */
static void
forget_labels(Datum arg, int cacheid, uint32 hashvalue)
{
	labels_stale = true;
}

/*
 * labels_of
 *		The shards of cluster (none if it has no server), read on first use
 *		in this backend.
 */
static const ClusterLabels *
labels_of(const char *cluster)
{
	ListCell   *lc;
	ClusterLabels *cl;
	Oid			fn;
	Oid			argtype = NAMEOID;
	Datum		labels;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	MemoryContext oldcxt;

	if (labels_cxt == NULL)
	{
		labels_cxt = AllocSetContextCreate(TopMemoryContext,
										   "medium_assoc shard labels",
										   ALLOCSET_SMALL_SIZES);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID, forget_labels, (Datum) 0);
	}
	if (labels_stale)
	{
		/* a call of this transaction may still hold the old ones */
		MemoryContextSetParent(labels_cxt, TopMemoryContext);
		ma_retire_context(labels_cxt);
		labels_cxt = AllocSetContextCreate(TopMemoryContext,
										   "medium_assoc shard labels",
										   ALLOCSET_SMALL_SIZES);
		cluster_labels = NIL;
		labels_stale = false;
	}
	foreach(lc, cluster_labels)
	{
		cl = (ClusterLabels *) lfirst(lc);
		if (strcmp(cl->cluster, cluster) == 0)
			return cl;
	}
	fn = LookupFuncName(list_make2(makeString("medium_assoc"),
								   makeString("_shard_labels")),
						1, &argtype, false);
	labels = OidFunctionCall1(fn, DirectFunctionCall1(namein,
													  CStringGetDatum(cluster)));
	deconstruct_array(DatumGetArrayTypeP(labels), TEXTOID, -1, false,
					  TYPALIGN_INT, &elems, &nulls, &n);

	oldcxt = MemoryContextSwitchTo(labels_cxt);
	cl = palloc0(sizeof(ClusterLabels));
	cl->cluster = pstrdup(cluster);
	cl->nshards = n;
	cl->labels = palloc0(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		cl->labels[i] = nulls[i] ? pstrdup("?") : TextDatumGetCString(elems[i]);
	cluster_labels = lappend(cluster_labels, cl);
	MemoryContextSwitchTo(oldcxt);
	return cl;
}

/*
 * proxy_cluster
 *		The cluster a proxy calls, from the "CLUSTER 'name';" line that
 *		router_functions() writes in its body (E'name' when the name holds a
 *		backslash); NULL if there is none.
 */
static char *
proxy_cluster(HeapTuple proctup)
{
	bool		isnull;
	Datum		src = SysCacheGetAttr(PROCOID, proctup, Anum_pg_proc_prosrc,
									  &isnull);
	char	   *body;
	char	   *p;
	bool		escapes;
	StringInfoData name;

	if (isnull)
		return NULL;
	body = TextDatumGetCString(src);
	p = strstr(body, "CLUSTER ");
	if (p == NULL)
		return NULL;
	p += strlen("CLUSTER ");
	escapes = (*p == 'E');
	if (escapes)
		p++;
	if (*p != '\'')
		return NULL;
	initStringInfo(&name);
	for (p++; *p != '\0'; p++)
	{
		if ((*p == '\'' && p[1] == '\'') || (escapes && *p == '\\' && p[1] != '\0'))
			p++;
		else if (*p == '\'')
			return name.data;
		appendStringInfoChar(&name, *p);
	}
	return NULL;
}

/*
 * find_proxy
 *		The proxy of function proc (same name and arguments, in schema
 *		medium_assoc_router; for ROUTE_PARTS, its name without "_parts"),
 *		refused unless it returns what proc returns and has proc's owner,
 *		and the cluster it calls.
 */
static void
find_proxy(FunctionCallInfo fcinfo, Form_pg_proc proc, RouteCall *rc)
{
	Oid			fn = fcinfo->flinfo->fn_oid;
	char	   *name = pstrdup(NameStr(proc->proname));
	HeapTuple	tup;
	Form_pg_proc proxy;
	MemoryContext oldcxt;

	if (rc->mode == ROUTE_PARTS)
	{
		size_t		len = strlen(name);

		if (len <= 6 || strcmp(name + len - 6, "_parts") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
					 errmsg("function %s must be named after its proxy with \"_parts\" appended",
							format_procedure(fn))));
		name[len - 6] = '\0';
	}
	rc->proxy_oid = LookupFuncName(list_make2(makeString("medium_assoc_router"),
											  makeString(name)),
								   proc->pronargs, proc->proargtypes.values, true);
	if (!OidIsValid(rc->proxy_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function %s has no proxy medium_assoc_router.%s",
						format_procedure(fn), quote_identifier(name)),
				 errhint("Drop the router's functions of the association and run the SQL of medium_assoc.router_functions() again.")));

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(rc->proxy_oid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", rc->proxy_oid);
	proxy = (Form_pg_proc) GETSTRUCT(tup);
	rc->proxy_nsp = proxy->pronamespace;
	if (proxy->prorettype != proc->prorettype ||
		proxy->proretset != proc->proretset)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("proxy %s does not return what function %s returns",
						format_procedure(rc->proxy_oid), format_procedure(fn))));
	if (proxy->proowner != proc->proowner)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("proxy %s is not owned by the owner of function %s",
						format_procedure(rc->proxy_oid), format_procedure(fn))));
	oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	rc->cluster = proxy_cluster(tup);
	MemoryContextSwitchTo(oldcxt);
	ReleaseSysCache(tup);
}

/*
 * plan_key
 *		The key a routed call waits for: its type (that of argtype, or of
 *		its elements for ROUTE_SOURCES), which must be one whose text form
 *		needs no catalog (see key_shard_hash), and its output function.
 */
static void
plan_key(FunctionCallInfo fcinfo, RouteCall *rc, Oid argtype)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	Oid			fn = fcinfo->flinfo->fn_oid;
	Oid			outfn;
	bool		varlena;

	if (!OidIsValid(argtype))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("function %s must take the key it is routed by first",
						format_procedure(fn))));
	rc->keytype = rc->mode == ROUTE_SOURCES ?
		get_base_element_type(argtype) : getBaseType(argtype);
	if (rc->mode == ROUTE_SOURCES && !OidIsValid(rc->keytype))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("function %s must take an array of the keys it is routed by first",
						format_procedure(fn))));
	if (rc->keytype != INT2OID && rc->keytype != INT4OID &&
		rc->keytype != INT8OID && rc->keytype != TEXTOID &&
		rc->keytype != VARCHAROID && rc->keytype != UUIDOID)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function %s is routed by a key of type %s, which is not supported",
						format_procedure(fn), format_type_be(rc->keytype))));
	rc->keycxt = AllocSetContextCreate(cxt, "medium_assoc route key",
									   ALLOCSET_SMALL_SIZES);
	getTypeOutputInfo(rc->keytype, &outfn, &varlena);
	fmgr_info_cxt(outfn, &rc->keyout, cxt);
	get_typlenbyvalalign(rc->keytype, &rc->keylen, &rc->keybyval,
						 &rc->keyalign);
}

/*
 * route_init
 *		Find the proxy of the function called and set up its calls.
 */
static RouteCall *
route_init(FunctionCallInfo fcinfo, RouteMode mode)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	RouteCall  *rc = MemoryContextAllocZero(cxt, sizeof(RouteCall));
	HeapTuple	tup;
	Form_pg_proc proc;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u",
			 fcinfo->flinfo->fn_oid);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	rc->mode = mode;
	if (mode == ROUTE_SOURCE || mode == ROUTE_SOURCES)
		plan_key(fcinfo, rc, proc->pronargs > 0 ?
				 proc->proargtypes.values[0] : InvalidOid);
	find_proxy(fcinfo, proc, rc);
	ReleaseSysCache(tup);

	fmgr_info_cxt(rc->proxy_oid, &rc->proxy, cxt);
	rc->proxy.fn_expr = fcinfo->flinfo->fn_expr;
	rc->pcall = MemoryContextAllocZero(cxt,
									   SizeForFunctionCallInfo(fcinfo->nargs));
	InitFunctionCallInfoData(*rc->pcall, &rc->proxy, fcinfo->nargs,
							 fcinfo->fncollation, NULL, NULL);
	fcinfo->flinfo->fn_extra = rc;
	return rc;
}

/*
 * key_shard_hash
 *		medium_assoc.shard_hash(key): hashtext() of its text form in the
 *		"C" collation (the bytes' hash), 0 for NULL.  Pure: no catalog
 *		access, so that it may run while an error is being raised again.
 */
static uint32
key_shard_hash(RouteCall *rc, Datum key, bool isnull)
{
	char	   *text;

	if (isnull || !OidIsValid(rc->keytype))
		return 0;
	text = OutputFunctionCall(&rc->keyout, key);
	return DatumGetUInt32(hash_any((unsigned char *) text, strlen(text)));
}

/*
 * waited_shards
 *		Which of the cluster's shards (rc->labels) the call waits for; NULL
 *		when they are not known (no server, a count not a power of two).
 */
static bool *
waited_shards(FunctionCallInfo fcinfo, RouteCall *rc)
{
	const ClusterLabels *cl = rc->labels;
	bool	   *waited;
	int			n = cl ? cl->nshards : 0;

	if (n == 0 || (n & (n - 1)) != 0)
		return NULL;
	waited = palloc0(sizeof(bool) * n);
	if (rc->mode == ROUTE_ALL || rc->mode == ROUTE_PARTS)
		memset(waited, true, sizeof(bool) * n);
	else if (rc->mode == ROUTE_SOURCE)
		waited[key_shard_hash(rc, rc->key,
							  fcinfo->args[0].isnull) & (n - 1)] = true;
	else if (fcinfo->args[0].isnull)
		waited[0] = true;
	else
	{
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		/* detoasted before the call */
		deconstruct_array((ArrayType *) DatumGetPointer(rc->key),
						  rc->keytype, rc->keylen, rc->keybyval, rc->keyalign,
						  &elems, &nulls, &nelems);
		for (int i = 0; i < nelems; i++)
			waited[key_shard_hash(rc, elems[i], nulls[i]) & (n - 1)] = true;
	}
	return waited;
}

/*
 * waited_label
 *		"shard 1 (host=... port=...) of cluster c", or several shards, for
 *		the shards the call waited for.
 */
static char *
waited_label(FunctionCallInfo fcinfo, RouteCall *rc)
{
	const ClusterLabels *cl = rc->labels;
	bool	   *waited = waited_shards(fcinfo, rc);
	StringInfoData buf;

	initStringInfo(&buf);
	if (waited == NULL)
	{
		appendStringInfo(&buf, "a shard of cluster %s",
						 quote_identifier(rc->cluster ? rc->cluster : "?"));
		return buf.data;
	}
	for (int i = 0; i < cl->nshards; i++)
	{
		if (!waited[i])
			continue;
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, cl->labels[i]);
	}
	if (buf.len == 0)
		appendStringInfoString(&buf, "a shard");
	appendStringInfo(&buf, " of cluster %s", quote_identifier(rc->cluster));
	return buf.data;
}

/*
 * raising_error
 *		Is the message being reported an ERROR?  Context callbacks run for
 *		every level: PL/Proxy reports a shard's notices as warnings, with
 *		the shard's SQLSTATE.
 */
static bool
raising_error(MemoryContext cxt)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	ErrorData  *edata = CopyErrorData();
	bool		error = edata->elevel >= ERROR;

	FreeErrorData(edata);
	MemoryContextSwitchTo(oldcxt);
	return error;
}

/*
 * guard_cancel
 *		Error context callback while the proxy runs: a cancel is kept from
 *		PL/Proxy (its code changed, to be set back by route) unless the
 *		servers of the shards waited for answer, so that PL/Proxy's cancel
 *		request cannot block.
 */
static void
guard_cancel(void *arg)
{
	FunctionCallInfo fcinfo = (FunctionCallInfo) arg;
	RouteCall  *rc = (RouteCall *) fcinfo->flinfo->fn_extra;
	bool	   *waited;
	char	  **conninfos;
	int			n = 0;

	if (geterrcode() != ERRCODE_QUERY_CANCELED ||
		!raising_error(fcinfo->flinfo->fn_mcxt))
		return;
	waited = waited_shards(fcinfo, rc);
	if (waited == NULL)
		return;
	conninfos = palloc(sizeof(char *) * rc->labels->nshards);
	for (int i = 0; i < rc->labels->nshards; i++)
	{
		/* "shard i (host=... port=...)": the connection string is inside */
		const char *label = rc->labels->labels[i];
		const char *open = strchr(label, '(');

		if (waited[i] && open != NULL)
			conninfos[n++] = pnstrdup(open + 1, strlen(open + 1) - 1);
	}
	if (ma_servers_answer(conninfos, n, SHARD_ANSWER_MS))
		return;
	errcode(ERRCODE_CONNECTION_FAILURE);
	rc->cancel_withheld = true;
}

/*
 * cut_short
 *		Was the call ended while waiting: a cancel (the statement timeout,
 *		or a user's; or one kept from PL/Proxy) or PL/Proxy's query timeout?
 */
static bool
cut_short(const RouteCall *rc, const ErrorData *edata)
{
	const char *suffix = ": query timeout";
	size_t		len;

	if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
		return true;
	if (rc->cancel_withheld)
		return edata->sqlerrcode == ERRCODE_CONNECTION_FAILURE;
	if (edata->sqlerrcode != ERRCODE_INTERNAL_ERROR || edata->message == NULL)
		return false;
	len = strlen(edata->message);
	return len >= strlen(suffix) &&
		strcmp(edata->message + len - strlen(suffix), suffix) == 0;
}

/*
 * start_call
 *		Check what SQL would check to call the proxy, read what an error
 *		would need, and pass the arguments on; false, not to be called, for
 *		a strict proxy and a NULL argument.
 */
static bool
start_call(FunctionCallInfo fcinfo, RouteCall *rc)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	FunctionCallInfo pc = rc->pcall;
	AclResult	aclresult = ma_schema_aclcheck(rc->proxy_nsp, GetUserId(),
												   ACL_USAGE);

	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_SCHEMA,
					   get_namespace_name(rc->proxy_nsp));
	ma_require_execute(rc->proxy_oid);
	InvokeFunctionExecuteHook(rc->proxy_oid);

	if (rc->proxy.fn_strict)
		for (int i = 0; i < fcinfo->nargs; i++)
			if (fcinfo->args[i].isnull)
				return false;

	/* read before the call: nothing may be read while it fails */
	if (rc->cluster != NULL)
		rc->labels = labels_of(rc->cluster);
	for (int i = 0; i < fcinfo->nargs; i++)
		pc->args[i] = fcinfo->args[i];
	rc->key = (Datum) 0;
	if ((rc->mode == ROUTE_SOURCE || rc->mode == ROUTE_SOURCES) &&
		!fcinfo->args[0].isnull)
		rc->key = keep_key(rc, fcinfo->args[0].value);

	pc->resultinfo = NULL;
	if (rsi != NULL && IsA(rsi, ReturnSetInfo))
	{
		rc->prsinfo = *rsi;
		rc->prsinfo.returnMode = SFRM_ValuePerCall;
		rc->prsinfo.isDone = ExprSingleResult;
		rc->prsinfo.setResult = NULL;
		rc->prsinfo.setDesc = NULL;
		pc->resultinfo = (Node *) &rc->prsinfo;
	}
	return true;
}

/*
 * keep_key
 *		The key argument (an array of keys for ROUTE_SOURCES), detoasted
 *		and copied where it outlives the rows of a set: the executor frees
 *		the arguments' memory between them, and an error on a later row
 *		still names the shards from it.
 */
static Datum
keep_key(RouteCall *rc, Datum value)
{
	MemoryContext oldcxt;
	Datum		kept;

	if (rc->mode == ROUTE_SOURCE && rc->keybyval)
		return value;
	MemoryContextReset(rc->keycxt);
	oldcxt = MemoryContextSwitchTo(rc->keycxt);
	if (rc->mode == ROUTE_SOURCES || rc->keylen == -1)
		kept = PointerGetDatum(PG_DETOAST_DATUM_COPY(value));
	else
		kept = datumCopy(value, false, rc->keylen);
	MemoryContextSwitchTo(oldcxt);
	return kept;
}

/*
 * end_set
 *		The executor stopped reading the set (or the query ended): the next
 *		call starts a new one.
 */
static void
end_set(Datum arg)
{
	((RouteCall *) DatumGetPointer(arg))->in_set = false;
}

/*
 * route
 *		Call the proxy with the caller's arguments; pass its answer on, a
 *		row per call for a set.
 */
static Datum
route(FunctionCallInfo fcinfo, RouteMode mode)
{
	RouteCall  *const rc = fcinfo->flinfo->fn_extra != NULL ?
		(RouteCall *) fcinfo->flinfo->fn_extra : route_init(fcinfo, mode);
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	FunctionCallInfo pc = rc->pcall;
	MemoryContext cxt = CurrentMemoryContext;
	Datum		result = (Datum) 0;
	ErrorContextCallback guard;

	if (!rc->in_set)
	{
		if (!start_call(fcinfo, rc))
		{
			/* a strict proxy called with a NULL: no row, or NULL */
			if (rsi != NULL && IsA(rsi, ReturnSetInfo))
				rsi->isDone = ExprEndResult;
			PG_RETURN_NULL();
		}
	}
	else
	{
		rc->prsinfo.returnMode = SFRM_ValuePerCall;
		rc->prsinfo.isDone = ExprSingleResult;
	}
	pc->isnull = false;
	rc->cancel_withheld = false;
	guard.callback = guard_cancel;
	guard.arg = fcinfo;
	guard.previous = error_context_stack;
	error_context_stack = &guard;

	PG_TRY();
	{
		result = FunctionCallInvoke(pc);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		error_context_stack = guard.previous;
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (!cut_short(rc, edata) ||
			(rc->mode == ROUTE_PARTS && !rc->cancel_withheld))
			PG_RE_THROW();
		FlushErrorState();
		rc->in_set = false;
		edata->sqlerrcode = ERRCODE_QUERY_CANCELED;
		if (rc->mode != ROUTE_PARTS)
			edata->message = psprintf("no answer from %s: %s",
									  waited_label(fcinfo, rc), edata->message);
		if (rc->cancel_withheld && edata->detail == NULL)
			edata->detail = psprintf("No cancel request was sent to the shards: a server did not answer a connection within %d ms, so their queries may still run.",
									 SHARD_ANSWER_MS);
		ReThrowError(edata);
	}
	PG_END_TRY();
	error_context_stack = guard.previous;

	if (pc->resultinfo != NULL)
	{
		bool		more;

		rsi->returnMode = rc->prsinfo.returnMode;
		rsi->isDone = rc->prsinfo.isDone;
		/* row by row, setResult is the executor's own tuplestore */
		if (rc->prsinfo.returnMode == SFRM_Materialize)
		{
			rsi->setResult = rc->prsinfo.setResult;
			rsi->setDesc = rc->prsinfo.setDesc;
		}
		more = rsi->returnMode == SFRM_ValuePerCall &&
			rsi->isDone == ExprMultipleResult;
		if (more && !rc->in_set)
			RegisterExprContextCallback(rsi->econtext, end_set,
										PointerGetDatum(rc));
		else if (!more && rc->in_set)
			UnregisterExprContextCallback(rsi->econtext, end_set,
										  PointerGetDatum(rc));
		rc->in_set = more;
	}
	fcinfo->isnull = pc->isnull;
	return result;
}

/*
 * medium_assoc_route_source
 *		A routed call: it waits for the shard of its first argument.
 */
Datum
medium_assoc_route_source(PG_FUNCTION_ARGS)
{
	return route(fcinfo, ROUTE_SOURCE);
}

/*
 * medium_assoc_route_sources
 *		A routed _batch: it waits for the shards of its sources.
 */
Datum
medium_assoc_route_sources(PG_FUNCTION_ARGS)
{
	return route(fcinfo, ROUTE_SOURCES);
}

/*
 * medium_assoc_route_all
 *		A fan-out: it waits for every shard.
 */
Datum
medium_assoc_route_all(PG_FUNCTION_ARGS)
{
	return route(fcinfo, ROUTE_ALL);
}

/*
 * medium_assoc_route_parts
 *		A fan-out whose caller combines the shards' answers and names the
 *		shards: errors pass on as they are, but for a cancel kept from
 *		PL/Proxy.
 */
Datum
medium_assoc_route_parts(PG_FUNCTION_ARGS)
{
	return route(fcinfo, ROUTE_PARTS);
}
