/*-------------------------------------------------------------------------
 *
 * links.c
 *	  Link rows and documents: <alias>_links(source), a LANGUAGE sql
 *	  function returning the targets of one source together with the
 *	  columns of their through rows, one row per link; and
 *	  <alias>_json(source, link_columns), the same as one jsonb array of
 *	  target objects, each with its link's columns nested under the through
 *	  table's name.
 *
 * Each function is a single SELECT over the through table joined to the
 * target table, STABLE, SECURITY INVOKER, not strict and with no SET
 * clause, so that the planner inlines it (the json one as a one-row
 * aggregate, wherever it is used in FROM): a page (ORDER BY ... LIMIT), a
 * keyset, a LATERAL join over many sources or a per-source LIMIT is
 * planned as the same join written by hand, with the same indexes, the
 * same privileges and the same row-level security.
 *
 * The link rows' columns are the target's columns under their own names, then the
 * through table's columns, each named "link_" followed by its name; a name
 * taken already (by a target column, or by an earlier one after truncation
 * to NAMEDATALEN - 1 bytes) gets "_2", "_3", ... appended.  The scope's
 * values are written into the body as literals of their canonical text.
 *
 * The bodies name tables and columns as they are, so the ddl_command_end
 * trigger rebuilds them (ma_refresh_links) after an ALTER TABLE of the
 * association's tables, in place (a query that found a function before
 * waiting for the ALTER's locks must still find it): the body alone when
 * the columns stay the same; else columns and body, refused while another
 * object uses the function.  One rebuild of an association at a time (a
 * lock on its reader).  The functions depend automatically on the reader,
 * so they go with it, and are found as its parts by that dependency; a
 * body starts with a marker line by which a restored copy, in the reader's
 * schema with the expected arguments, is recognised.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "lib/stringinfo.h"
#include "storage/lmgr.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/regproc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

#define LINK_COLUMN_PREFIX	"link_"

/* the two functions */
typedef enum LinkFunction
{
	LF_LINKS,					/* <alias>_links(source) */
	LF_JSON,					/* <alias>_json(source, link_columns) */
	LF_COUNT
} LinkFunction;

static const char *const lf_suffix[LF_COUNT] = {"_links", "_json"};
static const char *const lf_what[LF_COUNT] = {"link rows", "documents"};

static char *links_name(const char *alias, LinkFunction lf);
static char *links_marker(LinkFunction lf);
static Association *literal_association(const AssocDef *def);
static bool name_taken(const LinkColumns *cols, const char *name);
static char *free_column_name(const LinkColumns *cols, const char *name);
static void add_columns(LinkColumns *cols, Oid relid, const char *alias,
						bool prefixed);
static LinkColumns *link_columns(const AssocDef *def, LinkFunction lf);
static char *json_select_list(const AssocDef *def);
static char *json_select_list_with_links(const AssocDef *def);
static char *links_body(const AssocDef *def, LinkFunction lf,
						const LinkColumns *cols);
static Oid	find_links(const AssocDef *def, LinkFunction lf, char **prosrc);
static bool same_columns(Oid funcoid, const LinkColumns *cols);
static Oid	create_links(const AssocDef *def, LinkFunction lf, Oid nsp,
						 Oid owner, Oid sktype, const LinkColumns *cols,
						 const char *body, bool replace);
static void ensure_one(const AssocDef *def, LinkFunction lf, Oid reader,
					   Oid owner);
static void refresh_one(const AssocDef *def, LinkFunction lf);
static void function_owner_namespace(Oid funcoid, Oid *owner, Oid *nsp);
static void require_no_dependents(Oid funcoid);
static void rewrite_columns(Oid funcoid, const LinkColumns *cols,
							const char *body);

static void
function_owner_namespace(Oid funcoid, Oid *owner, Oid *nsp)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", funcoid);
	*owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	*nsp = ((Form_pg_proc) GETSTRUCT(tup))->pronamespace;
	ReleaseSysCache(tup);
}

static char *
links_name(const char *alias, LinkFunction lf)
{
	return psprintf("%s%s", alias, lf_suffix[lf]);
}

/*
 * The first line of the body: what a restored function of the
 * association's name is known by.  It does not quote the alias, which
 * may hold a line break.
 */
static char *
links_marker(LinkFunction lf)
{
	return psprintf("-- medium_assoc %s\n", lf_what[lf]);
}

static bool
name_taken(const LinkColumns *cols, const char *name)
{
	for (int i = 0; i < cols->n; i++)
		if (strcmp(cols->names[i], name) == 0)
			return true;
	return false;
}

/*
 * free_column_name
 *		name, truncated to a valid name, or with "_2", "_3", ... appended
 *		(truncating it further) until no column has it.
 */
static char *
free_column_name(const LinkColumns *cols, const char *name)
{
	char	   *result = pnstrdup(name, pg_mbcliplen(name, strlen(name),
													  NAMEDATALEN - 1));

	for (int suffix = 2; name_taken(cols, result); suffix++)
	{
		char	   *tail = psprintf("_%d", suffix);
		int			len = pg_mbcliplen(name, strlen(name),
									   NAMEDATALEN - 1 - strlen(tail));

		result = psprintf("%.*s%s", len, name, tail);
	}
	return result;
}

/*
 * add_columns
 *		Append the columns of relid (read as alias) to cols, in table order,
 *		under their names or (prefixed) "link_" and their names.
 */
static void
add_columns(LinkColumns *cols, Oid relid, const char *alias, bool prefixed)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);

	cols->names = repalloc(cols->names, sizeof(char *) * (cols->n + desc->natts));
	cols->types = repalloc(cols->types, sizeof(Oid) * (cols->n + desc->natts));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *attname = NameStr(att->attname);
		char	   *name;

		if (att->attisdropped)
			continue;
		name = free_column_name(cols, prefixed ?
								psprintf(LINK_COLUMN_PREFIX "%s", attname) :
								attname);
		appendStringInfo(&cols->select_list, "%s%s.%s AS %s",
						 cols->n > 0 ? ", " : "", alias,
						 quote_identifier(attname), quote_identifier(name));
		cols->names[cols->n] = name;
		cols->types[cols->n] = att->atttypid;
		cols->n++;
	}
	table_close(rel, AccessShareLock);
}

/*
 * link_columns
 *		The result columns of a function: for the link rows, the target's
 *		and the through table's; for the documents, one jsonb column named
 *		as the association.
 */
static LinkColumns *
link_columns(const AssocDef *def, LinkFunction lf)
{
	LinkColumns *cols = palloc0(sizeof(LinkColumns));

	cols->names = palloc(sizeof(char *));
	cols->types = palloc(sizeof(Oid));
	initStringInfo(&cols->select_list);
	if (lf == LF_JSON)
	{
		cols->names[0] = pstrdup(def->name);
		cols->types[0] = JSONBOID;
		cols->n = 1;
		appendStringInfoString(&cols->select_list, json_select_list(def));
		return cols;
	}
	add_columns(cols, def->target, "t", false);
	/* has_many and the like: the targets are the links */
	if (!ma_direct(def))
		add_columns(cols, def->through, "r", true);
	return cols;
}

/*
 * json_select_list
 *		The aggregate of the documents: each target row as an object, with
 *		its link's columns other than the keys under the through table's
 *		name; only those named in $2, when $2 is not null (the keys to
 *		remove are worked out once per statement, not per row).  An empty
 *		array when there is no link.
 */
static char *
json_select_list(const AssocDef *def)
{
	if (ma_direct(def))
		return pstrdup("COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t.*)),"
					   " '[]'::pg_catalog.jsonb)");
	return json_select_list_with_links(def);
}

static char *
json_select_list_with_links(const AssocDef *def)
{
	Relation	rel = table_open(def->through, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData pairs;
	StringInfoData keys;
	int			nkeys = 0;
	char	   *link;

	initStringInfo(&pairs);
	initStringInfo(&keys);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || att->attnum == def->keyattnum[MA_FK] ||
			att->attnum == def->keyattnum[MA_OK])
			continue;
		appendStringInfo(&pairs, "%s%s, r.%s", pairs.len > 0 ? ", " : "",
						 quote_literal_cstr(NameStr(att->attname)),
						 quote_identifier(NameStr(att->attname)));
		appendStringInfo(&keys, "%s%s", keys.len > 0 ? ", " : "",
						 quote_literal_cstr(NameStr(att->attname)));
		nkeys++;
	}
	table_close(rel, AccessShareLock);

	/*
	 * The link's columns other than the keys: named one by one, the
	 * cheapest, while jsonb_build_object can take them (FUNC_MAX_ARGS);
	 * else the whole row without its keys.
	 */
	if (nkeys * 2 <= FUNC_MAX_ARGS)
		link = psprintf("pg_catalog.jsonb_build_object(%s)", pairs.data);
	else
		link = psprintf("(pg_catalog.to_jsonb(r.*) OPERATOR(pg_catalog.-) ARRAY[%s, %s]::pg_catalog.text[])",
						quote_literal_cstr(get_attname(def->through, def->keyattnum[MA_FK], false)),
						quote_literal_cstr(get_attname(def->through, def->keyattnum[MA_OK], false)));
	if (nkeys > 0)
		link = psprintf("CASE WHEN $2 IS NULL THEN %s ELSE %s OPERATOR(pg_catalog.-)"
						" (SELECT COALESCE(pg_catalog.array_agg(k), '{}'::pg_catalog.text[])"
						" FROM pg_catalog.unnest(ARRAY[%s]::pg_catalog.text[]) AS k"
						" WHERE k OPERATOR(pg_catalog.<>) ALL ($2)) END",
						link, link, keys.data);
	return psprintf("COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t.*)"
					" OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(%s, %s)),"
					" '[]'::pg_catalog.jsonb)",
					quote_literal_cstr(get_rel_name(def->through)), link);
}

/* the link rows' name and columns, for the view (linkview.c) */
char *
ma_links_name(const char *alias)
{
	return links_name(alias, LF_LINKS);
}

LinkColumns *
ma_link_columns(const AssocDef *def)
{
	return link_columns(def, LF_LINKS);
}

/*
 * literal_association
 *		The definition described as the statements need it, in the current
 *		memory context, with the scope's values written as literals: the
 *		generated bodies are parsed where no parameters can carry them.
 */
static Association *
literal_association(const AssocDef *def)
{
	Association *assoc = palloc0(sizeof(Association));

	assoc->def = (AssocDef *) def;
	assoc->mcxt = CurrentMemoryContext;
	ma_describe(assoc);
	assoc->scope_as_literals = true;
	return assoc;
}

/*
 * ma_link_view_query
 *		The query of the link rows view: the function's, for every source.
 */
char *
ma_link_view_query(const AssocDef *def, const LinkColumns *cols)
{
	return ma_build_links_query(literal_association(def),
								cols->select_list.data, false);
}

/*
 * links_body
 *		The marker line, then the SELECT: the association's read, with its
 *		scope values written as literals.
 */
static char *
links_body(const AssocDef *def, LinkFunction lf, const LinkColumns *cols)
{
	return psprintf("%s%s", links_marker(lf),
					ma_build_links_query(literal_association(def),
										 cols->select_list.data, true));
}

/*
 * ma_reader_part
 *		The object of class classid named name that depends on the reader
 *		(automatically: a link rows function or view), or InvalidOid.  By
 *		dependency, so that it is found wherever it was moved.
 */
Oid
ma_reader_part(Oid reader, Oid classid, const char *name)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			result = InvalidOid;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ProcedureRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(reader));
	scan = systable_beginscan(depRel, DependReferenceIndexId, true, NULL, 2,
							  key);
	while (!OidIsValid(result) && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		char	   *objname;

		if (dep->classid != classid || dep->deptype != DEPENDENCY_AUTO)
			continue;
		objname = classid == RelationRelationId ? get_rel_name(dep->objid) :
			get_func_name(dep->objid);
		if (objname != NULL && strcmp(objname, name) == 0)
			result = dep->objid;
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
	return result;
}

/*
 * find_links
 *		The association's link rows or documents function, and its body;
 *		or InvalidOid.  Found as a part of the reader; else (after a
 *		restore, before the dependency is recorded again) a LANGUAGE sql
 *		function of its name in the reader's schema, with its argument
 *		types, whose body starts with the marker.
 */
static Oid
find_links(const AssocDef *def, LinkFunction lf, char **prosrc)
{
	char	   *name = links_name(def->name, lf);
	char	   *marker = links_marker(lf);
	Oid			reader = ma_find_function(def->name, MA_READER_SYMBOL);
	Oid			argtypes[2] = {InvalidOid, TEXTARRAYOID};
	Oid			result;
	HeapTuple	tup;
	bool		isnull;
	char	   *body;

	if (!OidIsValid(reader))
		return InvalidOid;
	result = ma_reader_part(reader, ProcedureRelationId, name);
	if (!OidIsValid(result))
	{
		argtypes[0] = get_atttype(def->source, def->keyattnum[MA_SK]);
		tup = SearchSysCache3(PROCNAMEARGSNSP, CStringGetDatum(name),
							  PointerGetDatum(buildoidvector(argtypes,
															 lf == LF_JSON ? 2 : 1)),
							  ObjectIdGetDatum(get_func_namespace(reader)));
		if (!HeapTupleIsValid(tup))
			return InvalidOid;
		result = ((Form_pg_proc) GETSTRUCT(tup))->oid;
		ReleaseSysCache(tup);
	}
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(result));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	body = ((Form_pg_proc) GETSTRUCT(tup))->prolang == SQLlanguageId ?
		TextDatumGetCString(SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc,
											&isnull)) : "";
	ReleaseSysCache(tup);
	if (strncmp(body, marker, strlen(marker)) != 0)
		return InvalidOid;
	if (prosrc != NULL)
		*prosrc = body;
	return result;
}

/*
 * same_columns
 *		Does the function return exactly these columns (names and types)?
 */
static bool
same_columns(Oid funcoid, const LinkColumns *cols)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));
	Oid		   *types;
	char	  **names;
	char	   *modes;
	int			nargs;
	int			nout = 0;
	bool		same = true;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", funcoid);
	nargs = get_func_arg_info(tup, &types, &names, &modes);
	ReleaseSysCache(tup);
	for (int i = 0; i < nargs && same; i++)
	{
		if (modes == NULL || modes[i] != PROARGMODE_TABLE)
			continue;
		same = nout < cols->n && names != NULL &&
			strcmp(names[i], cols->names[nout]) == 0 &&
			types[i] == cols->types[nout];
		nout++;
	}
	return same && nout == cols->n;
}

/*
 * create_links
 *		<alias>_links(source <source key type>) or <alias>_json(source,
 *		link_columns text[] DEFAULT NULL), RETURNS TABLE(...) LANGUAGE sql
 *		STABLE; or (replace) the same function with a new body.
 */
static Oid
create_links(const AssocDef *def, LinkFunction lf, Oid nsp, Oid owner,
			 Oid sktype, const LinkColumns *cols, const char *body,
			 bool replace)
{
	int			nin = lf == LF_JSON ? 2 : 1;
	int			nall = cols->n + nin;
	Oid			intypes[2] = {sktype, TEXTARRAYOID};
	Datum	   *alltypes = palloc(sizeof(Datum) * nall);
	Datum	   *modes = palloc(sizeof(Datum) * nall);
	Datum	   *names = palloc(sizeof(Datum) * nall);
	List	   *defaults = NIL;
	ObjectAddress addr;

	for (int i = 0; i < nin; i++)
	{
		alltypes[i] = ObjectIdGetDatum(intypes[i]);
		modes[i] = CharGetDatum(PROARGMODE_IN);
		names[i] = CStringGetTextDatum(i == 0 ? "source" : "link_columns");
	}
	if (lf == LF_JSON)
		defaults = list_make1(makeNullConst(TEXTARRAYOID, -1, InvalidOid));
	for (int i = 0; i < cols->n; i++)
	{
		alltypes[nin + i] = ObjectIdGetDatum(cols->types[i]);
		modes[nin + i] = CharGetDatum(PROARGMODE_TABLE);
		names[nin + i] = CStringGetTextDatum(cols->names[i]);
	}
	/* as CREATE FUNCTION does, one column is returned as its own type */
	addr = ProcedureCreate(links_name(def->name, lf), nsp, replace, true,
						   cols->n == 1 ? cols->types[0] : RECORDOID, owner, SQLlanguageId,
						   F_FMGR_SQL_VALIDATOR, body, NULL, NULL,
						   PROKIND_FUNCTION, false, false, false,
						   PROVOLATILE_STABLE, PROPARALLEL_RESTRICTED,
						   buildoidvector(intypes, nin),
						   PointerGetDatum(construct_array(alltypes, nall, OIDOID,
														   sizeof(Oid), true,
														   TYPALIGN_INT)),
						   PointerGetDatum(construct_array(modes, nall, CHAROID,
														   1, true,
														   TYPALIGN_CHAR)),
						   PointerGetDatum(construct_array(names, nall, TEXTOID,
														   -1, false,
														   TYPALIGN_INT)),
						   defaults, PointerGetDatum(NULL), PointerGetDatum(NULL),
						   InvalidOid, 1, lf == LF_JSON ? 1 : 10);
	CommandCounterIncrement();
	CreateComments(addr.objectId, ProcedureRelationId, 0,
				   lf == LF_JSON ?
				   psprintf("Documents of medium_assoc association %s: its targets as a jsonb array, each with its link's columns under %s",
							quote_identifier(def->name),
							quote_identifier(get_rel_name(def->through))) :
				   psprintf("Link rows of medium_assoc association %s: its targets with their through rows' columns (link_*)",
							quote_identifier(def->name)));
	return addr.objectId;
}

/*
 * ma_depend_on_reader
 *		A link rows or documents function, or the view (classid), is a part
 *		of the reader: dropped with it, automatically.  Not internally: a
 *		cascade that reaches it from elsewhere (a column dropped with
 *		CASCADE under a view of the user's, a type dropped) drops it alone,
 *		not the association; a plain DROP of it is refused (ddl.c).
 */
void
ma_depend_on_reader(Oid classid, Oid objid, Oid reader)
{
	ObjectAddress addr;
	ObjectAddress readeraddr;

	ObjectAddressSet(addr, classid, objid);
	ObjectAddressSet(readeraddr, ProcedureRelationId, reader);
	deleteDependencyRecordsForClass(classid, objid, ProcedureRelationId,
									DEPENDENCY_INTERNAL);
	deleteDependencyRecordsForClass(classid, objid, ProcedureRelationId,
									DEPENDENCY_AUTO);
	recordDependencyOn(&addr, &readeraddr, DEPENDENCY_AUTO);
	CommandCounterIncrement();
}

/*
 * ensure_one, ma_ensure_links
 *		Make sure the association's link rows and documents functions exist
 *		(found, as after a restore, or created beside the reader) and are
 *		recorded as parts of the reader.  Aliases too long for the suffixes
 *		get none.
 */
static void
ensure_one(const AssocDef *def, LinkFunction lf, Oid reader, Oid owner)
{
	Oid			links = find_links(def, lf, NULL);

	if (!OidIsValid(links))
	{
		LinkColumns *cols = link_columns(def, lf);

		links = create_links(def, lf, get_func_namespace(reader), owner,
							 get_atttype(def->source, def->keyattnum[MA_SK]),
							 cols, links_body(def, lf, cols), false);
	}
	ma_depend_on_reader(ProcedureRelationId, links, reader);
}

void
ma_ensure_links(const AssocDef *def, Oid reader, Oid owner)
{
	if (ma_helper_count(def->name) == 0)
		return;
	for (int lf = 0; lf < LF_COUNT; lf++)
		ensure_one(def, (LinkFunction) lf, reader, owner);
	ma_ensure_link_view(def, reader, owner);
}

/*
 * refresh_one, ma_refresh_links
 *		Rebuild the association's functions after its tables changed: a new
 *		body in place when the columns are the same, else a new function
 *		(which fails, naming them, if other objects depend on the old one).
 */
static void
refresh_one(const AssocDef *def, LinkFunction lf)
{
	char	   *prosrc;
	Oid			links = find_links(def, lf, &prosrc);
	Oid			reader;
	Oid			owner;
	Oid			nsp;
	LinkColumns *cols;
	char	   *body;
	bool		same;

	if (!OidIsValid(links))
		return;
	cols = link_columns(def, lf);
	body = links_body(def, lf, cols);
	same = same_columns(links, cols);
	if (same && strcmp(prosrc, body) == 0)
		return;

	reader = ma_find_function(def->name, MA_READER_SYMBOL);
	function_owner_namespace(links, &owner, &nsp);
	if (same)
		links = create_links(def, lf, nsp, owner,
							 get_atttype(def->source, def->keyattnum[MA_SK]),
							 cols, body, true);
	else
	{
		require_no_dependents(links);
		rewrite_columns(links, cols, body);
	}
	if (OidIsValid(reader))
		ma_depend_on_reader(ProcedureRelationId, links, reader);
}

/*
 * require_no_dependents
 *		A function whose columns are about to change must not be used by
 *		another object (a view, a function with a SQL-standard body), whose
 *		columns would no longer match: 2BP01, naming one.
 */
static void
require_no_dependents(Oid funcoid)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	ObjectAddress dependent = {InvalidOid, InvalidOid, 0};

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ProcedureRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(funcoid));
	scan = systable_beginscan(depRel, DependReferenceIndexId, true, NULL, 2,
							  key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		dependent.classId = dep->classid;
		dependent.objectId = dep->objid;
		dependent.objectSubId = dep->objsubid;
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);

	if (OidIsValid(dependent.classId))
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot change the columns of function %s because other objects depend on it",
						format_procedure(funcoid)),
				 errdetail("%s depends on function %s.",
						   getObjectDescription(&dependent, false),
						   format_procedure(funcoid)),
				 errhint("Drop the objects that use it, then recreate them after this command.")));
}

/*
 * rewrite_columns
 *		Give the function new result columns and a new body, in place: it
 *		keeps its OID, so that a query that found it before waiting for
 *		this command's locks still finds it.  The dependencies on the
 *		column types are recorded again.
 */
static void
rewrite_columns(Oid funcoid, const LinkColumns *cols, const char *body)
{
	Relation	rel = table_open(ProcedureRelationId, RowExclusiveLock);
	HeapTuple	oldtup = SearchSysCacheCopy1(PROCOID, ObjectIdGetDatum(funcoid));
	Form_pg_proc proc;
	int			nin;
	int			nall;
	Oid		   *oldtypes;
	char	  **oldnames;
	char	   *oldmodes;
	Datum	   *alltypes;
	Datum	   *modes;
	Datum	   *names;
	Datum		values[Natts_pg_proc] = {0};
	bool		nulls[Natts_pg_proc] = {0};
	bool		replace[Natts_pg_proc] = {0};
	HeapTuple	newtup;
	ObjectAddress funcaddr;

	if (!HeapTupleIsValid(oldtup))
		elog(ERROR, "cache lookup failed for function %u", funcoid);
	proc = (Form_pg_proc) GETSTRUCT(oldtup);
	nin = proc->pronargs;
	(void) get_func_arg_info(oldtup, &oldtypes, &oldnames, &oldmodes);

	nall = nin + cols->n;
	alltypes = palloc(sizeof(Datum) * nall);
	modes = palloc(sizeof(Datum) * nall);
	names = palloc(sizeof(Datum) * nall);
	for (int i = 0; i < nin; i++)
	{
		alltypes[i] = ObjectIdGetDatum(proc->proargtypes.values[i]);
		modes[i] = CharGetDatum(PROARGMODE_IN);
		names[i] = CStringGetTextDatum(oldnames[i]);
	}
	for (int i = 0; i < cols->n; i++)
	{
		alltypes[nin + i] = ObjectIdGetDatum(cols->types[i]);
		modes[nin + i] = CharGetDatum(PROARGMODE_TABLE);
		names[nin + i] = CStringGetTextDatum(cols->names[i]);
	}
	values[Anum_pg_proc_proallargtypes - 1] =
		PointerGetDatum(construct_array(alltypes, nall, OIDOID, sizeof(Oid),
										true, TYPALIGN_INT));
	values[Anum_pg_proc_proargmodes - 1] =
		PointerGetDatum(construct_array(modes, nall, CHAROID, 1, true,
										TYPALIGN_CHAR));
	values[Anum_pg_proc_proargnames - 1] =
		PointerGetDatum(construct_array(names, nall, TEXTOID, -1, false,
										TYPALIGN_INT));
	values[Anum_pg_proc_prorettype - 1] =
		ObjectIdGetDatum(cols->n == 1 ? cols->types[0] : RECORDOID);
	values[Anum_pg_proc_prosrc - 1] = CStringGetTextDatum(body);
	replace[Anum_pg_proc_proallargtypes - 1] = true;
	replace[Anum_pg_proc_proargmodes - 1] = true;
	replace[Anum_pg_proc_proargnames - 1] = true;
	replace[Anum_pg_proc_prorettype - 1] = true;
	replace[Anum_pg_proc_prosrc - 1] = true;
	newtup = heap_modify_tuple(oldtup, RelationGetDescr(rel), values, nulls,
							   replace);
	CatalogTupleUpdate(rel, &newtup->t_self, newtup);
	table_close(rel, RowExclusiveLock);

	/* the types of the result columns */
	ObjectAddressSet(funcaddr, ProcedureRelationId, funcoid);
	deleteDependencyRecordsForClass(ProcedureRelationId, funcoid,
									TypeRelationId, DEPENDENCY_NORMAL);
	for (int i = 0; i < nin + cols->n; i++)
	{
		ObjectAddress typaddr;

		ObjectAddressSet(typaddr, TypeRelationId,
						 DatumGetObjectId(alltypes[i]));
		recordDependencyOn(&funcaddr, &typaddr, DEPENDENCY_NORMAL);
	}
	CommandCounterIncrement();
}

bool
ma_has_link_functions(const AssocDef *def)
{
	return OidIsValid(find_links(def, LF_LINKS, NULL));
}

/* the schema of the link rows function (where the view is made too) */
Oid
ma_link_functions_namespace(const AssocDef *def)
{
	return get_func_namespace(find_links(def, LF_LINKS, NULL));
}

void
ma_refresh_links(const AssocDef *def)
{
	Oid			reader = ma_find_function(def->name, MA_READER_SYMBOL);

	/* one rebuild of an association's objects at a time */
	if (OidIsValid(reader))
		LockDatabaseObject(ProcedureRelationId, reader, 0, ExclusiveLock);
	for (int lf = 0; lf < LF_COUNT; lf++)
		refresh_one(def, (LinkFunction) lf);
	ma_refresh_link_view(def);
}
