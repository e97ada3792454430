/*-------------------------------------------------------------------------
 *
 * linkview.c
 *	  The link rows view: <alias>_links, a security_invoker view of every
 *	  link with its target, the relation form of the <alias>_links(source)
 *	  function (links.c), with the same columns.
 *
 * A view is expanded by the rewriter, once per statement's parse analysis,
 * so a prepared statement over it (a page: WHERE link_user_id = $1 ORDER
 * BY ... LIMIT 20) is planned like the hand-written join, without parsing
 * a function body again at every execution.
 *
 * A view depends on the columns it reads, which would make every DROP
 * COLUMN and ALTER COLUMN TYPE of the association's tables fail.  So the
 * ddl_command_start trigger drops the view before such a command
 * (ma_release_link_views; left in place if an object of the user's
 * depends on it, and the command then fails as for any view), and the
 * ddl_command_end trigger makes it again (ma_refresh_link_view), which
 * also follows renames of columns and adds new ones; a view others depend
 * on keeps its columns, with a NOTICE.  The ALTER's table is locked before
 * the view (ddl.c), as the ALTER itself would, and the view is locked and
 * looked up again before it is dropped.  Renames of tables and schemas need
 * nothing: a view refers to tables by OID.
 *
 * The view is created by the extension, not by the caller: as the
 * bootstrap superuser with search_path pg_catalog (its definition is ours,
 * built from quoted catalog names), then given to the source table's
 * owner, like the readers, which ProcedureCreate makes with no privilege
 * check.  SELECT on it is granted to PUBLIC, as EXECUTE is on functions:
 * as a security_invoker view it reads the tables with the caller's own
 * privileges and row-level security.  It depends automatically on the
 * reader, so it goes with it; it is found as the reader's part by that
 * dependency, and after a restore as the view of its name, beside the
 * reader, that reads the through and target tables.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "commands/comment.h"
#include "commands/tablecmds.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "rewrite/rewriteSupport.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

static char *view_comment(const AssocDef *def);
static bool view_reads(Oid view, Oid relid);
static Oid	find_view(const AssocDef *def, Oid nsp);
static Oid	create_view(const AssocDef *def, Oid nsp, Oid owner);
static void run_as_superuser(const char *sql);
static bool same_types(Oid view, const LinkColumns *cols, bool *same_names);
static void rename_columns(Oid view, const LinkColumns *cols);
static void drop_view(void *arg);
static bool drop_view_if_alone(Oid view);
static Oid	reader_namespace(const AssocDef *def, Oid *reader);


/* the comment a link rows view is known by */
static char *
view_comment(const AssocDef *def)
{
	return psprintf("Link rows of medium_assoc association %s: its links with their targets (link_* are the through table's columns)",
					quote_identifier(def->name));
}

/*
 * view_reads
 *		Does the view's query read relation relid (its rule depends on it)?
 */
static bool
view_reads(Oid view, Oid relid)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		reads = false;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(depRel, DependReferenceIndexId, true, NULL, 2,
							  key);
	while (!reads && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		reads = dep->classid == RewriteRelationId &&
			get_rewrite_oid(view, ViewSelectRuleName, true) == dep->objid;
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
	return reads;
}

/*
 * find_view
 *		The association's link rows view: a part of the reader; else (after
 *		a restore, before the dependency is recorded again) a view of its
 *		name in the reader's schema that reads the through and target
 *		tables.  InvalidOid if none.
 */
static Oid
find_view(const AssocDef *def, Oid nsp)
{
	char	   *name = ma_links_name(def->name);
	Oid			reader = ma_find_function(def->name, MA_READER_SYMBOL);
	Oid			relid;

	/* has_many and the like have no link rows view: a view of the name is not theirs */
	if (!OidIsValid(reader) || ma_direct(def))
		return InvalidOid;
	relid = ma_reader_part(reader, RelationRelationId, name);
	if (OidIsValid(relid))
		return relid;
	relid = get_relname_relid(name, nsp);
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_VIEW ||
		!view_reads(relid, def->through) || !view_reads(relid, def->target))
		return InvalidOid;
	return relid;
}

/*
 * run_as_superuser
 *		Run one utility statement of ours as the bootstrap superuser, with
 *		search_path pg_catalog.
 */
static void
run_as_superuser(const char *sql)
{
	Oid			userid;
	int			sec_context;
	int			nestlevel;

	GetUserIdAndSecContext(&userid, &sec_context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   sec_context | SECURITY_LOCAL_USERID_CHANGE);
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not run: %s", sql);
	SPI_finish();
	AtEOXact_GUC(true, nestlevel);
	SetUserIdAndSecContext(userid, sec_context);
}

/*
 * create_view
 *		CREATE VIEW <schema>.<alias>_links WITH (security_invoker) AS the
 *		link rows query, owned by owner, with its comment.
 */
static Oid
create_view(const AssocDef *def, Oid nsp, Oid owner)
{
	LinkColumns *cols = ma_link_columns(def);
	char	   *name = ma_links_name(def->name);
	StringInfoData sql;
	Oid			relid;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE VIEW %s (",
					 quote_qualified_identifier(get_namespace_name(nsp), name));
	for (int i = 0; i < cols->n; i++)
		appendStringInfo(&sql, "%s%s", i > 0 ? ", " : "",
						 quote_identifier(cols->names[i]));
	appendStringInfo(&sql, ") WITH (security_invoker = true) AS %s",
					 ma_link_view_query(def, cols));
	run_as_superuser(sql.data);
	CommandCounterIncrement();
	/* as EXECUTE on a function: the caller's own privileges still apply */
	run_as_superuser(psprintf("GRANT SELECT ON %s TO PUBLIC",
							  quote_qualified_identifier(get_namespace_name(nsp), name)));
	CommandCounterIncrement();

	relid = get_relname_relid(name, nsp);
	if (!OidIsValid(relid))
		elog(ERROR, "link rows view of association \"%s\" was not created",
			 def->name);
	ATExecChangeOwner(relid, owner, true, AccessExclusiveLock);
	CreateComments(relid, RelationRelationId, 0, view_comment(def));
	CommandCounterIncrement();
	return relid;
}

/* the schema of the association's reader (and of its view), and the reader */
static Oid
reader_namespace(const AssocDef *def, Oid *reader)
{
	*reader = ma_find_function(def->name, MA_READER_SYMBOL);
	return OidIsValid(*reader) ? get_func_namespace(*reader) : InvalidOid;
}

/*
 * ma_ensure_link_view
 *		Make sure the association's link rows view exists (found, as after a
 *		restore, or created beside the reader) and is part of the reader.
 *		A relation of the name that is not the view is an error (42P07).
 */
void
ma_ensure_link_view(const AssocDef *def, Oid reader, Oid owner)
{
	Oid			nsp = get_func_namespace(reader);
	Oid			view;

	/* has_many and the like: the targets are the links, no view */
	if (ma_direct(def))
		return;
	view = find_view(def, nsp);

	if (!OidIsValid(view))
	{
		if (OidIsValid(get_relname_relid(ma_links_name(def->name), nsp)))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_TABLE),
					 errmsg("relation \"%s\" already exists",
							ma_links_name(def->name)),
					 errdetail("Association \"%s\" needs the name for its link rows view.",
							   def->name),
					 errhint("Rename or drop that relation, or choose another alias.")));
		view = create_view(def, nsp, owner);
	}
	ma_depend_on_reader(RelationRelationId, view, reader);
}

/*
 * same_types
 *		Does the view have these columns' number and types?  *same_names
 *		tells whether the names are the same too.
 */
static bool
same_types(Oid view, const LinkColumns *cols, bool *same_names)
{
	Relation	rel = relation_open(view, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	bool		same = desc->natts == cols->n;

	*same_names = same;
	for (int i = 0; same && i < cols->n; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		same = att->atttypid == cols->types[i];
		*same_names &= strcmp(NameStr(att->attname), cols->names[i]) == 0;
	}
	relation_close(rel, AccessShareLock);
	return same;
}

/* ALTER VIEW ... RENAME COLUMN for each column whose name changed */
static void
rename_columns(Oid view, const LinkColumns *cols)
{
	char	   *viewname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(view)),
													  get_rel_name(view));

	for (int i = 0; i < cols->n; i++)
	{
		char	   *old = get_attname(view, i + 1, false);

		if (strcmp(old, cols->names[i]) == 0)
			continue;
		/* a name still taken by a later column is freed first */
		for (int j = i + 1; j < cols->n; j++)
			if (strcmp(get_attname(view, j + 1, false), cols->names[i]) == 0)
				run_as_superuser(psprintf("ALTER VIEW %s RENAME COLUMN %s TO %s",
										  viewname,
										  quote_identifier(cols->names[i]),
										  quote_identifier(psprintf("medium_assoc %d", j + 1))));
		run_as_superuser(psprintf("ALTER VIEW %s RENAME COLUMN %s TO %s", viewname,
								  quote_identifier(old),
								  quote_identifier(cols->names[i])));
		CommandCounterIncrement();
	}
}

/*
 * drop_view_if_alone
 *		DROP the view unless another object depends on it (then keep it and
 *		return false), in a subtransaction.
 */
static void
drop_view(void *arg)
{
	ObjectAddress addr;

	ObjectAddressSet(addr, RelationRelationId, *(Oid *) arg);
	performDeletion(&addr, DROP_RESTRICT, 0);
	CommandCounterIncrement();
}

static bool
drop_view_if_alone(Oid view)
{
	ErrorData  *edata = ma_try_in_subtransaction(drop_view, &view);

	if (edata != NULL && edata->sqlerrcode != ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST)
		ReThrowError(edata);
	return edata == NULL;
}

/*
 * ma_refresh_link_view
 *		After an ALTER TABLE of the association's tables: make the view
 *		again if it was dropped (ma_release_link_views), rename its columns
 *		after renamed ones, and make it again when columns were added; a
 *		view other objects depend on keeps its columns (NOTICE).
 */
void
ma_refresh_link_view(const AssocDef *def)
{
	Oid			reader;
	Oid			nsp = reader_namespace(def, &reader);
	Oid			view;
	LinkColumns *cols;
	bool		same_names;
	Oid			owner;

	if (!OidIsValid(nsp) || ma_helper_count(def->name) == 0 || ma_direct(def))
		return;
	view = find_view(def, nsp);
	if (!OidIsValid(view) && !ma_has_link_functions(def))
		return;					/* registered before 1.1, not repaired yet */
	if (OidIsValid(view))
	{
		cols = ma_link_columns(def);
		if (same_types(view, cols, &same_names))
		{
			if (!same_names)
				rename_columns(view, cols);
			return;
		}
		owner = ma_relation_owner(view);
		if (!drop_view_if_alone(view))
		{
			ereport(NOTICE,
					(errmsg("link rows view %s keeps its columns: other objects depend on it",
							ma_relation_name(view)),
					 errhint("Drop them, then change the table again (ALTER TABLE) to rebuild the view.")));
			return;
		}
	}
	else
		owner = ma_relation_owner(def->source);
	/* made again beside the link rows function, where it was made */
	nsp = ma_link_functions_namespace(def);
	if (OidIsValid(get_relname_relid(ma_links_name(def->name), nsp)))
	{
		/* a relation of the user's took the name meanwhile */
		ereport(WARNING,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("link rows view of association \"%s\" not made again: relation %s.%s exists",
						def->name, quote_identifier(get_namespace_name(nsp)),
						quote_identifier(ma_links_name(def->name))),
				 errhint("Rename or drop that relation, then run medium_assoc.repair().")));
		return;
	}
	ma_depend_on_reader(RelationRelationId, create_view(def, nsp, owner), reader);
}

/*
 * ma_release_link_views
 *		Before an ALTER TABLE that drops or retypes a column of relid (or of
 *		its inheritance children): drop the link rows views of the
 *		associations whose target or through table that is, unless other
 *		objects depend on them; the command's end makes them again.
 */
void
ma_release_link_views(Oid relid)
{
	List	   *rels = find_all_inheritors(relid, NoLock, NULL);
	List	   *defs = ma_registry_all();
	ListCell   *lc;

	foreach(lc, defs)
	{
		AssocDef   *def = (AssocDef *) lfirst(lc);
		Oid			reader;
		Oid			nsp;
		Oid			view;

		if (!list_member_oid(rels, def->target) &&
			!list_member_oid(rels, def->through))
			continue;
		nsp = reader_namespace(def, &reader);
		if (!OidIsValid(nsp))
			continue;
		/* lock the view, then make sure it is still the one to drop */
		while (OidIsValid(view = find_view(def, nsp)))
		{
			LockRelationOid(view, AccessExclusiveLock);
			if (SearchSysCacheExists1(RELOID, ObjectIdGetDatum(view)) &&
				find_view(def, nsp) == view)
			{
				(void) drop_view_if_alone(view);
				break;
			}
			UnlockRelationOid(view, AccessExclusiveLock);
		}
	}
}
