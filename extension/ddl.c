/*-------------------------------------------------------------------------
 *
 * ddl.c
 *	  Keeping the registry right across DDL and dump/restore.
 *
 *	- The registry's BEFORE INSERT trigger resolves the key columns' names
 *	  to attribute numbers and makes sure the readers and their
 *	  dependencies exist.  It runs for every registration and for the rows
 *	  pg_restore loads, where attribute numbers may have changed and the
 *	  dependencies were not dumped.
 *	- An sql_drop event trigger forgets associations whose reader was
 *	  dropped (DROP TABLE ... CASCADE, DROP COLUMN ... CASCADE, DROP
 *	  FUNCTION).
 *	- A ddl_command_end event trigger on ALTER TABLE keeps the stored
 *	  column names, and the readers' comments, current after renames.
 *	- A ddl_command_start event trigger refuses ALTER COLUMN TYPE of a key
 *	  or scope column, and renaming a reader, with a clear error; and
 *	  dropping the index or constraint that makes a key unique unless
 *	  CASCADE, which drops the association (sql_drop), as a dependency
 *	  would.  (A recorded dependency on the index would make pg_dump
 *	  restore the readers after the registry's data.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/tablecmds.h"
#include "commands/trigger.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/regproc.h"
#include "utils/resowner.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "medium_assoc.h"

static char *association_using_column(Oid relid, AttrNumber attnum);
static void refuse_key_type_change(AlterTableStmt *stmt);
static void release_link_views(AlterTableStmt *stmt);
static void refuse_reader_part_drop(DropStmt *stmt);
static void ensure_objects(void *arg);
static bool ensure_objects_or_warn(AssocDef *def);
static Oid	reader_owning(Oid classid, Oid objid);
static bool is_reader(Oid funcoid);
static void drop_associations_without_unique_keys(void);
static Datum with_inheritors(Datum relids);
static HeapTuple resolve_row(TriggerData *trigdata);
static void resolve_row_call(void *arg);
static HeapTuple set_attnums(HeapTuple tuple, TupleDesc tupdesc,
							 const char *colname, const AttrNumber *attnums,
							 int n);
static HeapTuple resolve_row_or_skip(TriggerData *trigdata);
static char *row_text(HeapTuple tuple, TupleDesc tupdesc);
static bool row_mismatch(int sqlerrcode);
static List *refresh_names(Datum relids, MemoryContext caller,
						   uint64 *renamed);
static void refresh_association_names(Datum relids);
static uint64 refresh_timestamp_names(Datum relids, char *nulls);
static uint64 refresh_target_scope_names(Datum relids, char *nulls);

/*
 * set_attnums
 *		tuple with its int2[] column colname set to n attribute numbers, if
 *		the registry has that column.
 */
static HeapTuple
set_attnums(HeapTuple tuple, TupleDesc tupdesc, const char *colname,
			const AttrNumber *attnums, int n)
{
	int			attcol = SPI_fnumber(tupdesc, colname);
	Datum		value;
	bool		isnull = false;

	if (attcol <= 0)
		return tuple;
	value = ma_attnums_datum(attnums, n);
	return heap_modify_tuple_by_cols(tuple, tupdesc, 1, &attcol, &value,
									 &isnull);
}

/*
 * resolve_row
 *		The registry row with its attribute numbers resolved from the
 *		stored names, once the readers and their dependencies exist: the
 *		keys' and the scope's, the timestamps' (0 for none) and the target
 *		scope's.
 */
static HeapTuple
resolve_row(TriggerData *trigdata)
{
	TupleDesc	tupdesc = trigdata->tg_relation->rd_att;
	AssocDef   *def = ma_def_from_row(trigdata->tg_trigtuple, tupdesc);
	HeapTuple	tuple;
	AttrNumber *attnums = palloc(sizeof(AttrNumber) * (MA_NKEYS + def->nscope));
	AttrNumber	ts[MA_NTIMESTAMPS];

	ma_resolve_attnums(def);
	ma_ensure_objects(def);

	memcpy(attnums, def->keyattnum, sizeof(AttrNumber) * MA_NKEYS);
	memcpy(attnums + MA_NKEYS, def->scopeattnum, sizeof(AttrNumber) * def->nscope);
	tuple = set_attnums(trigdata->tg_trigtuple, tupdesc, "attnums", attnums,
						MA_NKEYS + def->nscope);
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
		ts[i] = def->tsname[i] ? def->tsattnum[i] : 0;
	tuple = set_attnums(tuple, tupdesc, "timestamp_attnums", ts, MA_NTIMESTAMPS);
	if (def->ntscope > 0)
		tuple = set_attnums(tuple, tupdesc, "target_scope_attnums",
							def->tscopeattnum, def->ntscope);
	return tuple;
}

/* resolve_row for ma_try_in_subtransaction */
typedef struct ResolveCall
{
	TriggerData *trigdata;
	HeapTuple	result;
} ResolveCall;

static void
resolve_row_call(void *arg)
{
	ResolveCall *call = (ResolveCall *) arg;

	call->result = resolve_row(call->trigdata);
}

/*
 * resolve_row_or_skip
 *		resolve_row, in a subtransaction; a row that cannot be resolved (a
 *		column it names is gone) is skipped with a warning rather than
 *		failing the whole restore of the registry, which would lose every
 *		other association with it.
 */
static HeapTuple
resolve_row_or_skip(TriggerData *trigdata)
{
	ResolveCall call = {trigdata, NULL};
	ErrorData  *edata = ma_try_in_subtransaction(resolve_row_call, &call);
	TupleDesc	tupdesc = trigdata->tg_relation->rd_att;

	if (edata == NULL)
		return call.result;
	/* a row that does not match its tables; anything else is raised */
	if (!row_mismatch(edata->sqlerrcode))
		ReThrowError(edata);
	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("association \"%s\" skipped: %s",
					SPI_getvalue(trigdata->tg_trigtuple, tupdesc,
								 SPI_fnumber(tupdesc, "name")),
					edata->message),
			 errdetail("The registry row %s was not stored.",
					   row_text(trigdata->tg_trigtuple, tupdesc)),
			 errhint("Drop the reader functions left from it, then register the association again with medium_assoc.belongs_to_many().")));
	return NULL;
}

/*
 * row_mismatch
 *		Does an error say that a registry row does not match its tables (a
 *		column or object gone, a key no longer comparable, a value no
 *		longer valid), rather than something about the restore itself
 *		(cancel, out of memory, deadlock), which must not be turned into a
 *		skipped row?
 */
static bool
row_mismatch(int sqlerrcode)
{
	return ERRCODE_TO_CATEGORY(sqlerrcode) == ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION ||
		ERRCODE_TO_CATEGORY(sqlerrcode) == ERRCODE_DATA_EXCEPTION ||
		sqlerrcode == ERRCODE_DUPLICATE_OBJECT ||
		sqlerrcode == ERRCODE_WRONG_OBJECT_TYPE;
}

/* a registry row as text, for a message */
static char *
row_text(HeapTuple tuple, TupleDesc tupdesc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (int i = 1; i <= tupdesc->natts; i++)
	{
		char	   *value;

		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		value = SPI_getvalue(tuple, tupdesc, i);
		appendStringInfo(&buf, "%s%s", buf.len > 1 ? ", " : "",
						 value ? value : "NULL");
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * medium_assoc_registry_insert
 *		BEFORE INSERT trigger on medium_assoc.registry.  A registration has
 *		validated its row, and fails on any error; a row from elsewhere (a
 *		restore) that cannot be resolved is skipped with a warning.
 */
PG_FUNCTION_INFO_V1(medium_assoc_registry_insert);
Datum
medium_assoc_registry_insert(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		elog(ERROR, "medium_assoc_registry_insert: not called as a BEFORE INSERT trigger");

	if (ma_registry_inserting())
		return PointerGetDatum(resolve_row(trigdata));
	return PointerGetDatum(resolve_row_or_skip(trigdata));
}

/*
 * medium_assoc_repair
 *		repair() RETURNS int: record again, for every association, the
 *		readers' dependencies (and create a missing reader).  pg_upgrade
 *		carries the registry and the readers but not pg_depend rows that no
 *		statement creates; run this once after it.  Also stores the current
 *		names of key and scope columns, and scope values registered by 1.0
 *		in canonical form, resolved under the caller's settings (canonical
 *		values read the same under any).
 */
PG_FUNCTION_INFO_V1(medium_assoc_repair);
Datum
medium_assoc_repair(PG_FUNCTION_ARGS)
{
	RegistryUser saved;
	List	   *defs;
	ListCell   *lc;
	int			repaired = 0;

	/* names kept current by attribute number first (see on_ddl_end) */
	refresh_association_names((Datum) 0);
	defs = ma_registry_all();
	/* scope values stored before they were kept in canonical form */
	foreach(lc, defs)
	{
		AssocDef   *def = (AssocDef *) lfirst(lc);
		Jsonb	   *scope = def->scope;

		ma_resolve_attnums(def);
		ma_canonicalize_scope(def);
		if (def->scope != scope)
			ma_registry_set_scope(def);
	}
	ma_become_registry_owner(&saved);
	foreach(lc, defs)
		repaired += ensure_objects_or_warn((AssocDef *) lfirst(lc)) ? 1 : 0;
	ma_restore_user(&saved);
	ma_registry_changed();
	/* chains: their dependencies on their steps, which pg_upgrade drops */
	CommandCounterIncrement();
	ma_refresh_chains();
	PG_RETURN_INT32(repaired);
}

/*
 * ensure_objects_or_warn
 *		ma_ensure_objects for one association, in a subtransaction: one
 *		whose objects cannot be made (a relation already holding the name of
 *		its link rows view, say) gets a WARNING, and the others are still
 *		repaired.  Returns whether it was.
 */
static void
ensure_objects(void *arg)
{
	ma_ensure_objects((AssocDef *) arg);
}

static bool
ensure_objects_or_warn(AssocDef *def)
{
	ErrorData  *edata;

	/* what the caller changed first (a scope stored again) is seen */
	CommandCounterIncrement();
	edata = ma_try_in_subtransaction(ensure_objects, def);
	if (edata != NULL)
		ereport(WARNING,
				(errcode(edata->sqlerrcode),
				 errmsg("association \"%s\" not repaired: %s", def->name,
						edata->message),
				 edata->hint ? errhint("%s", edata->hint) : 0));
	return edata == NULL;
}

/*
 * medium_assoc_on_sql_drop
 *		sql_drop event trigger: forget associations whose reader is gone.
 */
PG_FUNCTION_INFO_V1(medium_assoc_on_sql_drop);
Datum
medium_assoc_on_sql_drop(PG_FUNCTION_ARGS)
{
	RegistryUser saved;
	uint64		forgotten;
	bool		dropped_function;
	bool		dropped_index;
	bool		isnull;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "medium_assoc_on_sql_drop: not called as an event trigger");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT pg_catalog.bool_or(object_type OPERATOR(pg_catalog.=) 'function'),"
					" pg_catalog.bool_or(object_type OPERATOR(pg_catalog.=) ANY"
					"   ('{index,table constraint}'::pg_catalog.text[]))"
					" FROM pg_catalog.pg_event_trigger_dropped_objects()",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the dropped objects");
	dropped_function = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1,
												  &isnull)) && !isnull;
	dropped_index = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 2,
											   &isnull)) && !isnull;
	SPI_finish();
	if (!dropped_function)
	{
		if (dropped_index)
			drop_associations_without_unique_keys();
		PG_RETURN_VOID();
	}

	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("DELETE FROM medium_assoc.registry r WHERE NOT EXISTS"
					" (SELECT 1 FROM pg_catalog.pg_proc p"
					"  WHERE p.proname OPERATOR(pg_catalog.=) r.name"
					"  AND p.prolang OPERATOR(pg_catalog.=) 13::pg_catalog.oid"
					"  AND p.prosrc OPERATOR(pg_catalog.=) '" MA_READER_SYMBOL "')",
					false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not update the association registry");
	forgotten = SPI_processed;
	/* chains whose reader went (a cascade from a step) are forgotten too */
	if (OidIsValid(ma_chains_relid()) &&
		SPI_execute("DELETE FROM medium_assoc.registry_chains c WHERE NOT EXISTS"
					" (SELECT 1 FROM pg_catalog.pg_proc p"
					"  WHERE p.proname OPERATOR(pg_catalog.=) c.name"
					"  AND p.prolang OPERATOR(pg_catalog.=) 14::pg_catalog.oid"
					"  AND p.prosrc OPERATOR(pg_catalog.~~) '-- medium_assoc chain%')",
					false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not update the chains");
	SPI_finish();
	ma_restore_user(&saved);
	if (forgotten > 0)
		ma_registry_changed();
	if (dropped_index)
		drop_associations_without_unique_keys();
	PG_RETURN_VOID();
}

/*
 * drop_associations_without_unique_keys
 *		After DROP INDEX ... CASCADE (or a constraint's), drop the
 *		associations whose source or target key is no longer unique.
 */
static void
drop_associations_without_unique_keys(void)
{
	List	   *doomed = NIL;
	ListCell   *lc;

	foreach(lc, ma_registry_all())
	{
		AssocDef   *def = (AssocDef *) lfirst(lc);

		if (get_rel_relkind(def->source) == '\0' ||
			get_rel_relkind(def->target) == '\0')
			continue;			/* its reader is gone too: forgotten above */
		if (!ma_key_is_unique(def->source, def->keyattnum[MA_SK], InvalidOid) ||
			!ma_key_is_unique(def->target, def->keyattnum[MA_TK], InvalidOid))
			doomed = lappend(doomed, def);
	}

	foreach(lc, doomed)
	{
		AssocDef   *def = (AssocDef *) lfirst(lc);
		Oid			reader = ma_find_function(def->name, MA_READER_SYMBOL);

		ereport(NOTICE,
				(errmsg("drop cascades to association \"%s\"", def->name)));
		ma_registry_delete(def);
		if (OidIsValid(reader))
		{
			ObjectAddress addr;

			ObjectAddressSet(addr, ProcedureRelationId, reader);
			performDeletion(&addr, DROP_CASCADE, 0);
		}
	}
}

/*
 * with_inheritors
 *		An oid[] of the relations in relids and all their inheritance
 *		children and partitions: RENAME COLUMN on a parent recurses to
 *		them, but the command reports only the parent.  The command holds
 *		their locks.
 */
static Datum
with_inheritors(Datum relids)
{
	Datum	   *elems;
	int			nelems;
	List	   *all = NIL;
	ListCell   *lc;
	Datum	   *result;
	int			n = 0;

	deconstruct_array(DatumGetArrayTypeP(relids), OIDOID, sizeof(Oid), true,
					  TYPALIGN_INT, &elems, NULL, &nelems);
	for (int i = 0; i < nelems; i++)
		all = list_concat_unique_oid(all,
									 find_all_inheritors(DatumGetObjectId(elems[i]),
														 NoLock, NULL));
	result = palloc(sizeof(Datum) * Max(list_length(all), 1));
	foreach(lc, all)
		result[n++] = ObjectIdGetDatum(lfirst_oid(lc));
	return PointerGetDatum(construct_array(result, n, OIDOID, sizeof(Oid),
										   true, TYPALIGN_INT));
}

/*
 * refresh_timestamp_names
 *		Store the current names of the timestamp columns (tracked by
 *		attribute number) of the associations using any of the relations
 *		in relids (an oid[], or NULL in nulls[0]).  Within SPI.
 */
static uint64
refresh_timestamp_names(Datum relids, char *nulls)
{
	Oid			argtypes[1] = {OIDARRAYOID};

	if (SPI_execute_with_args("UPDATE medium_assoc.registry r SET timestamps = n.ts"
							  " FROM (SELECT c.name, pg_catalog.jsonb_strip_nulls("
							  "  pg_catalog.jsonb_build_object("
							  "   'createdAt', CASE WHEN c.timestamps OPERATOR(pg_catalog.?) 'createdAt' THEN"
							  "    COALESCE((SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a"
							  "      WHERE a.attrelid OPERATOR(pg_catalog.=) c.through"
							  "      AND a.attnum OPERATOR(pg_catalog.=) c.timestamp_attnums[1]),"
							  "     c.timestamps OPERATOR(pg_catalog.->>) 'createdAt') END,"
							  "   'updatedAt', CASE WHEN c.timestamps OPERATOR(pg_catalog.?) 'updatedAt' THEN"
							  "    COALESCE((SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a"
							  "      WHERE a.attrelid OPERATOR(pg_catalog.=) c.through"
							  "      AND a.attnum OPERATOR(pg_catalog.=) c.timestamp_attnums[2]),"
							  "     c.timestamps OPERATOR(pg_catalog.->>) 'updatedAt') END,"
							  "   'deletedAt', CASE WHEN c.timestamps OPERATOR(pg_catalog.?) 'deletedAt' THEN"
							  "    COALESCE((SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a"
							  "      WHERE a.attrelid OPERATOR(pg_catalog.=) c.through"
							  "      AND a.attnum OPERATOR(pg_catalog.=) c.timestamp_attnums[3]),"
							  "     c.timestamps OPERATOR(pg_catalog.->>) 'deletedAt') END)) AS ts"
							  "  FROM medium_assoc.registry c"
							  "  WHERE c.timestamps IS NOT NULL AND c.timestamp_attnums IS NOT NULL"
							  "  AND ($1 IS NULL OR ARRAY[c.source, c.target, c.through]::pg_catalog.oid[]"
							  "       OPERATOR(pg_catalog.&&) $1)) n"
							  " WHERE r.name OPERATOR(pg_catalog.=) n.name"
							  " AND r.timestamps IS DISTINCT FROM n.ts",
							  1, argtypes, &relids, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update the association registry");
	return SPI_processed;
}

/*
 * refresh_target_scope_names
 *		Store the current names of the target scope columns (tracked by
 *		attribute number, in the order jsonb keeps keys) of the
 *		associations using any of the relations in relids.  Within SPI.
 */
static uint64
refresh_target_scope_names(Datum relids, char *nulls)
{
	Oid			argtypes[1] = {OIDARRAYOID};

	if (SPI_execute_with_args("UPDATE medium_assoc.registry r"
							  " SET target_scope = s.scope, target_scope_attnums = s.attnums"
							  " FROM (SELECT c.name,"
							  "  pg_catalog.jsonb_object_agg(a.attname,"
							  "   c.target_scope OPERATOR(pg_catalog.->) k.key) AS scope,"
							  "  pg_catalog.array_agg(a.attnum ORDER BY"
							  "   pg_catalog.octet_length(a.attname), a.attname COLLATE \"C\") AS attnums"
							  "  FROM medium_assoc.registry c"
							  "   CROSS JOIN LATERAL pg_catalog.jsonb_object_keys(c.target_scope)"
							  "        WITH ORDINALITY AS k(key, i)"
							  "   JOIN pg_catalog.pg_attribute a"
							  "     ON a.attrelid OPERATOR(pg_catalog.=) c.target"
							  "    AND a.attnum OPERATOR(pg_catalog.=)"
							  "        c.target_scope_attnums[k.i::pg_catalog.int4]"
							  "  WHERE c.target_scope IS NOT NULL"
							  "  AND ($1 IS NULL OR ARRAY[c.source, c.target, c.through]::pg_catalog.oid[]"
							  "       OPERATOR(pg_catalog.&&) $1)"
							  "  GROUP BY c.name) s"
							  " WHERE r.name OPERATOR(pg_catalog.=) s.name"
							  " AND r.target_scope::pg_catalog.text IS DISTINCT FROM s.scope::pg_catalog.text",
							  1, argtypes, &relids, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update the association registry");
	return SPI_processed;
}

/*
 * refresh_names
 *		Store the current names of the key and scope columns (tracked by
 *		attribute number, which a rename keeps) of the associations using
 *		any of the relations in relids (an oid[]; (Datum) 0 for all), and
 *		return the names of those associations.  Runs as the registry's
 *		owner, within SPI.
 */
static List *
refresh_names(Datum relids, MemoryContext caller, uint64 *renamed)
{
	Oid			argtypes[1] = {OIDARRAYOID};
	char		nulls[1] = {relids == (Datum) 0 ? 'n' : ' '};
	List	   *names = NIL;

	if (SPI_execute_with_args("UPDATE medium_assoc.registry r"
					" SET foreign_key = n.fk, other_key = n.ok,"
					" source_key = n.sk, target_key = n.tk, scope = n.scope,"
					" attnums = n.attnums"
					" FROM (SELECT c.name,"
					"  (SELECT a.attname FROM pg_catalog.pg_attribute a"
					"   WHERE a.attrelid OPERATOR(pg_catalog.=) c.through"
					"   AND a.attnum OPERATOR(pg_catalog.=) c.attnums[1]) AS fk,"
					"  (SELECT a.attname FROM pg_catalog.pg_attribute a"
					"   WHERE a.attrelid OPERATOR(pg_catalog.=) c.through"
					"   AND a.attnum OPERATOR(pg_catalog.=) c.attnums[2]) AS ok,"
					"  (SELECT a.attname FROM pg_catalog.pg_attribute a"
					"   WHERE a.attrelid OPERATOR(pg_catalog.=) c.source"
					"   AND a.attnum OPERATOR(pg_catalog.=) c.attnums[3]) AS sk,"
					"  (SELECT a.attname FROM pg_catalog.pg_attribute a"
					"   WHERE a.attrelid OPERATOR(pg_catalog.=) c.target"
					"   AND a.attnum OPERATOR(pg_catalog.=) c.attnums[4]) AS tk,"
					"  s.scope,"
					"  c.attnums[1:4] OPERATOR(pg_catalog.||) s.attnums AS attnums"
					"  FROM medium_assoc.registry c"
					"  CROSS JOIN LATERAL"
					/* scope columns by their stored attnum, under their current name */
					"  (SELECT pg_catalog.jsonb_object_agg(a.attname,"
					"           c.scope OPERATOR(pg_catalog.->) k.key) AS scope,"
					/* attnums in the order jsonb keeps keys: length, then bytes */
					"          pg_catalog.array_agg(a.attnum ORDER BY"
					"           pg_catalog.octet_length(a.attname),"
					"           a.attname COLLATE \"C\") AS attnums"
					"   FROM pg_catalog.jsonb_object_keys(c.scope)"
					"        WITH ORDINALITY AS k(key, i)"
					"   JOIN pg_catalog.pg_attribute a"
					"     ON a.attrelid OPERATOR(pg_catalog.=) c.through"
					"    AND a.attnum OPERATOR(pg_catalog.=)"
					"        c.attnums[(4 OPERATOR(pg_catalog.+) k.i)::pg_catalog.int4]) AS s"
					"  WHERE $1 IS NULL OR ARRAY[c.source, c.target, c.through]::pg_catalog.oid[]"
					"        OPERATOR(pg_catalog.&&) $1) n"
					" WHERE r.name OPERATOR(pg_catalog.=) n.name"
					" AND n.fk IS NOT NULL AND n.ok IS NOT NULL"
					" AND n.sk IS NOT NULL AND n.tk IS NOT NULL"
					" AND (r.foreign_key, r.other_key, r.source_key, r.target_key,"
					"      r.scope::pg_catalog.text)"
					"     IS DISTINCT FROM (n.fk, n.ok, n.sk, n.tk, n.scope::pg_catalog.text)",
							  1, argtypes, &relids, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update the association registry");
	*renamed = SPI_processed;
	if (ma_registry_has_column("timestamp_attnums"))
		*renamed += refresh_timestamp_names(relids, nulls);
	if (ma_registry_has_column("target_scope_attnums"))
		*renamed += refresh_target_scope_names(relids, nulls);
	CommandCounterIncrement();
	if (SPI_execute_with_args("SELECT name FROM medium_assoc.registry c"
							  " WHERE $1 IS NULL"
							  " OR ARRAY[c.source, c.target, c.through]::pg_catalog.oid[]"
							  "    OPERATOR(pg_catalog.&&) $1 ORDER BY name",
							  1, argtypes, &relids, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the association registry");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		MemoryContext spicxt = MemoryContextSwitchTo(caller);

		names = lappend(names, SPI_getvalue(SPI_tuptable->vals[i],
											SPI_tuptable->tupdesc, 1));
		MemoryContextSwitchTo(spicxt);
	}
	return names;
}

/*
 * refresh_association_names
 *		Store the current names of the columns of the associations using
 *		the relations in relids (an oid[], or (Datum) 0 for every
 *		association), and refresh their readers' comments, which name them.
 */
static void
refresh_association_names(Datum relids)
{
	MemoryContext caller = CurrentMemoryContext;
	RegistryUser saved;
	uint64		renamed;
	List	   *names;
	ListCell   *lc;

	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	names = refresh_names(relids, caller, &renamed);
	SPI_finish();
	ma_restore_user(&saved);
	if (renamed > 0)
		ma_registry_changed();

	foreach(lc, names)
	{
		AssocDef   *def = ma_registry_fetch((char *) lfirst(lc), true);

		if (def != NULL)
		{
			ma_refresh_comments(def);
			ma_refresh_links(def);
		}
	}
	if (names != NIL)
		ma_refresh_chains();
}

/*
 * medium_assoc_on_ddl_end
 *		ddl_command_end event trigger on ALTER TABLE: store the current
 *		names of key and scope columns of the associations using the
 *		relations the command changed, or their inheritance children, and
 *		rebuild their link rows functions.  On ALTER SCHEMA (1.1), all.
 */
PG_FUNCTION_INFO_V1(medium_assoc_on_ddl_end);
Datum
medium_assoc_on_ddl_end(PG_FUNCTION_ARGS)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		relids;
	bool		isnull;
	bool		schema_changed;
	bool		schema_isnull;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "medium_assoc_on_ddl_end: not called as an event trigger");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT pg_catalog.array_agg(DISTINCT c.objid)"
					"  FILTER (WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass),"
					" pg_catalog.bool_or(c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass)"
					" FROM pg_catalog.pg_event_trigger_ddl_commands() c",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the commands");
	relids = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	/* a schema renamed: every association may name it */
	schema_changed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 2,
												&schema_isnull)) && !schema_isnull &&
		IsA(((EventTriggerData *) fcinfo->context)->parsetree, RenameStmt);
	if (schema_changed)
	{
		SPI_finish();
		refresh_association_names((Datum) 0);
		PG_RETURN_VOID();
	}
	if (!isnull)
	{
		MemoryContext spicxt = MemoryContextSwitchTo(caller);

		relids = with_inheritors(relids);
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	if (!isnull)
		refresh_association_names(relids);
	PG_RETURN_VOID();
}

/*
 * registry_name_where
 *		Name of the first association (by name) whose registry row matches
 *		cond, a condition on $1 (a relation) and $2 (an attribute number);
 *		NULL if none.
 */
static char *
registry_name_where(const char *cond, Oid relid, AttrNumber attnum)
{
	MemoryContext caller = CurrentMemoryContext;
	RegistryUser saved;
	Oid			argtypes[2] = {OIDOID, INT2OID};
	Datum		values[2];
	char	   *name = NULL;
	SPIPlanPtr	plan;

	values[0] = ObjectIdGetDatum(relid);
	values[1] = Int16GetDatum(attnum);
	ma_become_registry_owner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(psprintf("SELECT name FROM medium_assoc.registry"
								" WHERE %s ORDER BY name LIMIT 1", cond),
					   2, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_execute_snapshot(plan, values, NULL, ma_registry_snapshot(),
							 InvalidSnapshot, true, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the association registry");
	if (SPI_processed > 0)
	{
		MemoryContext spicxt = MemoryContextSwitchTo(caller);

		name = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		MemoryContextSwitchTo(spicxt);
	}
	SPI_finish();
	ma_restore_user(&saved);
	return name;
}

/* an association using relid.attnum as a key or scope column, or NULL */
static char *
association_using_column(Oid relid, AttrNumber attnum)
{
	if (ma_registry_has_column("target_scope_attnums") &&
		ma_registry_has_column("timestamp_attnums"))
		return registry_name_where("(through::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
								   "  AND ($2 OPERATOR(pg_catalog.=) ANY (attnums[1:2])"
								   "    OR $2 OPERATOR(pg_catalog.=) ANY (attnums[5:])"
								   "    OR ($2 OPERATOR(pg_catalog.=) ANY (timestamp_attnums)"
								   "        AND timestamps IS NOT NULL)))"
								   " OR (source::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
								   "  AND $2 OPERATOR(pg_catalog.=) attnums[3])"
								   " OR (target::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
								   "  AND ($2 OPERATOR(pg_catalog.=) attnums[4]"
								   "    OR $2 OPERATOR(pg_catalog.=) ANY (target_scope_attnums)))",
								   relid, attnum);
	return registry_name_where("(through::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							   "  AND ($2 OPERATOR(pg_catalog.=) ANY (attnums[1:2])"
							   "    OR $2 OPERATOR(pg_catalog.=) ANY (attnums[5:])))"
							   " OR (source::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							   "  AND $2 OPERATOR(pg_catalog.=) attnums[3])"
							   " OR (target::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							   "  AND $2 OPERATOR(pg_catalog.=) attnums[4])",
							   relid, attnum);
}

/*
 * association_keyed_by_index
 *		An association whose source or target key is unique only through
 *		this index, or NULL.
 */
static char *
association_keyed_by_index(Oid indexoid)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	Form_pg_index index;
	Oid			relid;
	AttrNumber	attnum;
	bool		single;

	if (!HeapTupleIsValid(tup))
		return NULL;
	index = (Form_pg_index) GETSTRUCT(tup);
	relid = index->indrelid;
	attnum = index->indkey.values[0];
	single = index->indisunique && index->indnkeyatts == 1 && attnum > 0;
	ReleaseSysCache(tup);
	if (!single || ma_key_is_unique(relid, attnum, indexoid))
		return NULL;
	return registry_name_where("(source::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							   "  AND $2 OPERATOR(pg_catalog.=) attnums[3])"
							   " OR (target::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							   "  AND $2 OPERATOR(pg_catalog.=) attnums[4])",
							   relid, attnum);
}

/*
 * refuse_key_index_drop
 *		Dropping the index that makes a key unique, without CASCADE, fails
 *		like dropping any object something depends on (2BP01).  With
 *		CASCADE, the sql_drop trigger drops the association.
 */
static void
refuse_key_index_drop(Oid indexoid, DropBehavior behavior)
{
	char	   *name;

	if (behavior == DROP_CASCADE || !OidIsValid(indexoid))
		return;
	name = association_keyed_by_index(indexoid);
	if (name != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop index %s because association \"%s\" requires it",
						ma_relation_name(indexoid), name),
				 errdetail("The index makes a key of the association unique."),
				 errhint("Use DROP ... CASCADE to drop the association too.")));
}

/* DROP INDEX */
static void
refuse_drop_index(DropStmt *stmt)
{
	ListCell   *lc;

	if (stmt->removeType == OBJECT_FUNCTION ||
		stmt->removeType == OBJECT_ROUTINE || stmt->removeType == OBJECT_VIEW)
	{
		refuse_reader_part_drop(stmt);
		return;
	}
	if (stmt->removeType != OBJECT_INDEX)
		return;
	foreach(lc, stmt->objects)
	{
		RangeVar   *rv = makeRangeVarFromNameList(castNode(List, lfirst(lc)));

		refuse_key_index_drop(RangeVarGetRelid(rv, NoLock, true), stmt->behavior);
	}
}

/*
 * refuse_reader_part_drop
 *		DROP FUNCTION or DROP VIEW of a link rows function, documents
 *		function or link rows view is refused (2BP01): they are parts of
 *		the reader (an automatic dependency, which DROP would not stop).
 */
static void
refuse_reader_part_drop(DropStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		Oid			classid;
		Oid			objid;
		Oid			reader;

		if (stmt->removeType == OBJECT_VIEW)
		{
			classid = RelationRelationId;
			objid = RangeVarGetRelid(makeRangeVarFromNameList(castNode(List, lfirst(lc))),
									 NoLock, true);
		}
		else
		{
			classid = ProcedureRelationId;
			objid = LookupFuncWithArgs(stmt->removeType,
									   castNode(ObjectWithArgs, lfirst(lc)), true);
		}
		if (!OidIsValid(objid))
			continue;
		reader = reader_owning(classid, objid);
		if (OidIsValid(reader))
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot drop %s because it is a part of reader %s",
							classid == RelationRelationId ?
							psprintf("view %s", ma_relation_name(objid)) :
							psprintf("function %s", format_procedure(objid)),
							format_procedure(reader)),
					 errhint("Drop the association with medium_assoc.drop_association().")));
	}
}

/*
 * reader_owning
 *		The reader of which the object is a part (an automatic dependency on
 *		a medium_assoc reader), or InvalidOid.
 */
static Oid
reader_owning(Oid classid, Oid objid)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			reader = InvalidOid;

	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(classid));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(objid));
	scan = systable_beginscan(depRel, DependDependerIndexId, true, NULL, 2,
							  key);
	while (!OidIsValid(reader) && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->refclassid == ProcedureRelationId &&
			dep->deptype == DEPENDENCY_AUTO &&
			is_reader(dep->refobjid))
			reader = dep->refobjid;
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
	return reader;
}

/* is funcoid a medium_assoc reader (this library's reader symbol)? */
static bool
is_reader(Oid funcoid)
{
	char	   *name = get_func_name(funcoid);

	return name != NULL && ma_find_function(name, MA_READER_SYMBOL) == funcoid;
}

/*
 * refuse_key_type_change
 *		Raise an error if the statement alters the type of a column that an
 *		association uses as a key or scope column.
 */
static void
refuse_key_type_change(AlterTableStmt *stmt)
{
	ListCell   *lc;
	Oid			relid;

	if (stmt->relation == NULL)
		return;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
		AttrNumber	attnum;
		char	   *name;

		if (cmd->subtype == AT_DropConstraint && cmd->name != NULL)
		{
			Oid			conoid = get_relation_constraint_oid(relid, cmd->name, true);

			if (OidIsValid(conoid))
				refuse_key_index_drop(get_constraint_index(conoid), cmd->behavior);
			continue;
		}
		if (cmd->subtype != AT_AlterColumnType || cmd->name == NULL)
			continue;
		attnum = get_attnum(relid, cmd->name);
		if (attnum <= 0)
			continue;
		name = association_using_column(relid, attnum);
		if (name != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot alter type of a column used by association \"%s\"",
							name),
					 errdetail("Column \"%s\" of table %s is a key or scope column of the association.",
							   cmd->name, ma_relation_name(relid)),
					 errhint("Drop the association with medium_assoc.drop_association(), alter the column, then register the association again.")));
	}
}

/*
 * release_link_views
 *		An ALTER TABLE that drops or retypes columns would fail on the link
 *		rows views reading them: drop those views first (linkview.c); the
 *		command's end makes them again.
 */
static void
release_link_views(AlterTableStmt *stmt)
{
	ListCell   *lc;
	Oid			relid;

	if (stmt->relation == NULL || stmt->objtype != OBJECT_TABLE)
		return;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd->subtype == AT_DropColumn || cmd->subtype == AT_AlterColumnType)
			break;
	}
	if (lc == NULL)
		return;
	/*
	 * The table first, with the lock the ALTER takes (its owner checked
	 * before the wait), then the views: the order of the ALTER itself, so
	 * that a reader of a view holding a lock on the table cannot deadlock
	 * with it.
	 */
	relid = RangeVarGetRelidExtended(stmt->relation, AccessExclusiveLock,
									 RVR_MISSING_OK, RangeVarCallbackOwnsTable,
									 NULL);
	if (OidIsValid(relid))
		ma_release_link_views(relid);
}

/*
 * refuse_reader_rename
 *		Raise an error if the statement renames a reader: its name is the
 *		association's.  (Moving it to another schema is fine.)
 */
static void
refuse_reader_rename(RenameStmt *stmt)
{
	Oid			funcoid;
	HeapTuple	tup;
	bool		is_reader = false;

	if (stmt->renameType != OBJECT_FUNCTION && stmt->renameType != OBJECT_ROUTINE)
		return;
	funcoid = LookupFuncWithArgs(stmt->renameType,
								 castNode(ObjectWithArgs, stmt->object), true);
	if (!OidIsValid(funcoid))
		return;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
		bool		isnull;
		Datum		src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);

		if (proc->prolang == ClanguageId && !isnull)
		{
			char	   *symbol = TextDatumGetCString(src);

			is_reader = strcmp(symbol, MA_READER_SYMBOL) == 0 ||
				strcmp(symbol, MA_BATCH_SYMBOL) == 0 ||
				strncmp(symbol, MA_TYPED_PREFIX, strlen(MA_TYPED_PREFIX)) == 0;
		}
		ReleaseSysCache(tup);
	}
	if (is_reader)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot rename function %s", get_func_name(funcoid)),
				 errdetail("It is a reader or helper of a medium_assoc association, whose name is the association's."),
				 errhint("Drop the association with medium_assoc.drop_association() and register it under the new name.")));
}

/*
 * medium_assoc_on_ddl_start
 *		ddl_command_start event trigger on ALTER TABLE and ALTER FUNCTION.
 */
PG_FUNCTION_INFO_V1(medium_assoc_on_ddl_start);
Datum
medium_assoc_on_ddl_start(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata = (EventTriggerData *) fcinfo->context;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "medium_assoc_on_ddl_start: not called as an event trigger");
	if (IsA(trigdata->parsetree, AlterTableStmt))
	{
		refuse_key_type_change((AlterTableStmt *) trigdata->parsetree);
		release_link_views((AlterTableStmt *) trigdata->parsetree);
	}
	else if (IsA(trigdata->parsetree, RenameStmt))
		refuse_reader_rename((RenameStmt *) trigdata->parsetree);
	else if (IsA(trigdata->parsetree, DropStmt))
		refuse_drop_index((DropStmt *) trigdata->parsetree);
	PG_RETURN_VOID();
}
