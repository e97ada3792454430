/*-------------------------------------------------------------------------
 *
 * sqlgen.c
 *	  Text of the statements an association runs.
 *
 * Statements are built from the catalog, never from user text: relation
 * and column names come from their OIDs and attribute numbers at the time
 * the statement is prepared and are quoted with quote_identifier; every
 * operator is written OPERATOR(schema.name) with the exact btree equality
 * operator chosen at validation, operands cast to its input types; every
 * function is schema-qualified.  A search_path cannot change their meaning.
 *
 * In the statements, r is the through table, t the target, s the source;
 * $1 is the source key (an array of them for the batch reader), $2 the
 * target key or an array of them, $3 the through_attrs object, $4 and on
 * the scope's values (a statement may leave some of them unused).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_operator.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "medium_assoc.h"

/* names of an association's relations and columns, quoted */
typedef struct QueryNames
{
	char	   *through;
	char	   *target;
	char	   *source;
	char	   *key[MA_NKEYS];
} QueryNames;

static void query_names(const Association *assoc, QueryNames *names);
static char *type_name(Oid type);
static char *column_name(Oid relid, AttrNumber attnum);
static void append_equality(StringInfo buf, const char *lhs, Oid ltype,
							Oid opr, const char *rhs, Oid rtype, bool any);
static void append_column_values(StringInfo buf, const char *alias, Oid relid,
								 int n, const AttrNumber *attnums,
								 const Oid *types, const bool *nulls,
								 int firstparam, char **literals);
static void append_scope(StringInfo buf, const Association *assoc,
						 const char *alias);
static void append_links_from(StringInfo buf, const Association *assoc,
							  const QueryNames *n);
static void append_source_match(StringInfo buf, const Association *assoc,
								const char *alias, const QueryNames *n,
								bool any);
static void append_target_match(StringInfo buf, const Association *assoc,
								const char *alias, const QueryNames *n,
								const char *rhs, bool any);
static void append_insert(StringInfo buf, const Association *assoc,
						  const QueryNames *n, List *attrs, bool one,
						  bool walked);
static void append_link_exists(StringInfo buf, const Association *assoc,
							   const QueryNames *n, const char *target);
static void append_update(StringInfo buf, const Association *assoc,
						  const QueryNames *n, List *attrs);
static void append_other_links(StringInfo buf, const Association *assoc,
							   const QueryNames *n);
static bool is_timestamp(const AssocDef *def, AttrNumber attnum);
static void append_has_many_link(StringInfo buf, const Association *assoc,
								 const QueryNames *n, bool one);
static void append_belongs_to_link(StringInfo buf, const Association *assoc,
								   const QueryNames *n, bool one);
static void append_direct_unlink_start(StringInfo buf,
									   const Association *assoc,
									   const QueryNames *n);
static void append_link_conditions(StringInfo buf, const Association *assoc,
								   const char *alias);
static void append_delete_start(StringInfo buf, const Association *assoc,
								const QueryNames *n);
static void append_revive(StringInfo buf, const Association *assoc,
						  const QueryNames *n);
static void append_target_scope(StringInfo buf, const Association *assoc,
								const char *alias);
static void append_target_in_scope(StringInfo buf, const Association *assoc,
								   const QueryNames *n);

/*
 * type_name
 *		A type's qualified name for a cast, without a type modifier: so
 *		character becomes pg_catalog.bpchar, not character(1).
 */
static char *
type_name(Oid type)
{
	return format_type_extended(type, -1,
								FORMAT_TYPE_FORCE_QUALIFY | FORMAT_TYPE_TYPEMOD_GIVEN);
}

/*
 * ma_relation_name
 *		The schema-qualified, quoted name of a relation as it is now.
 */
char *
ma_relation_name(Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  relname);
}

static char *
column_name(Oid relid, AttrNumber attnum)
{
	return (char *) quote_identifier(get_attname(relid, attnum, false));
}

static void
query_names(const Association *assoc, QueryNames *n)
{
	const AssocDef *def = assoc->def;

	n->through = ma_relation_name(def->through);
	n->target = ma_relation_name(def->target);
	n->source = ma_relation_name(def->source);
	n->key[MA_FK] = column_name(def->through, def->keyattnum[MA_FK]);
	n->key[MA_OK] = column_name(def->through, def->keyattnum[MA_OK]);
	n->key[MA_SK] = column_name(def->source, def->keyattnum[MA_SK]);
	n->key[MA_TK] = column_name(def->target, def->keyattnum[MA_TK]);
}

/*
 * append_equality
 *		lhs OPERATOR(schema.=) rhs, or "= ANY (rhs)" when rhs is an array,
 *		casting operands whose type is not the operator's input type.
 */
static void
append_equality(StringInfo buf, const char *lhs, Oid ltype, Oid opr,
				const char *rhs, Oid rtype, bool any)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opr));
	Form_pg_operator op;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", opr);
	op = (Form_pg_operator) GETSTRUCT(tup);

	appendStringInfoString(buf, lhs);
	if (ltype != op->oprleft)
		appendStringInfo(buf, "::%s", type_name(op->oprleft));
	appendStringInfo(buf, " OPERATOR(%s.%s) ",
					 quote_identifier(get_namespace_name(op->oprnamespace)),
					 NameStr(op->oprname));
	if (any)
		appendStringInfoString(buf, "ANY (");
	appendStringInfoString(buf, rhs);
	if (rtype != op->oprright)
		appendStringInfo(buf, "::%s",
						 type_name(any ? get_array_type(op->oprright)
												  : op->oprright));
	if (any)
		appendStringInfoChar(buf, ')');
	ReleaseSysCache(tup);
}

/*
 * append_column_values
 *		" AND alias.col = $n" (or "IS NULL") for n columns of relid (their
 *		attribute numbers, types and whether the value is NULL), the values
 *		being parameters $firstparam and on, read once (scope.c).
 */
static void
append_column_values(StringInfo buf, const char *alias, Oid relid, int n,
					 const AttrNumber *attnums, const Oid *types,
					 const bool *nulls, int firstparam, char **literals)
{
	for (int i = 0; i < n; i++)
	{
		char	   *lhs = psprintf("%s.%s", alias, column_name(relid, attnums[i]));
		char	   *rhs;

		appendStringInfoString(buf, " AND ");
		if (nulls[i])
		{
			appendStringInfo(buf, "%s IS NULL", lhs);
			continue;
		}
		if (literals != NULL)
			rhs = psprintf("%s::%s", quote_literal_cstr(literals[i]),
						   type_name(types[i]));
		else
			rhs = psprintf("$%d", firstparam + i);
		append_equality(buf, lhs, types[i],
						lookup_type_cache(types[i], TYPECACHE_EQ_OPR)->eq_opr,
						rhs, types[i], false);
	}
}

/*
 * append_scope
 *		The scope's conditions on the through row alias.
 */
static void
append_scope(StringInfo buf, const Association *assoc, const char *alias)
{
	const AssocDef *def = assoc->def;

	append_column_values(buf, alias, def->through, def->nscope,
						 def->scopeattnum, assoc->scope_type,
						 assoc->scope_null, MA_FIRST_SCOPE_PARAM,
						 assoc->scope_as_literals ? def->scopevalue : NULL);
}

/*
 * append_target_scope
 *		The target scope's conditions on the target row alias.
 */
static void
append_target_scope(StringInfo buf, const Association *assoc,
					const char *alias)
{
	const AssocDef *def = assoc->def;

	append_column_values(buf, alias, def->target, def->ntscope,
						 def->tscopeattnum, assoc->tscope_type,
						 assoc->tscope_null, ma_tscope_param(assoc, 0),
						 assoc->scope_as_literals ? def->tscopevalue : NULL);
}

/*
 * append_target_in_scope
 *		" AND EXISTS (the target of link r is in the target scope)", for
 *		statements that write links: links to targets outside the scope are
 *		not the association's.  Nothing without a target scope.
 */
static void
append_target_in_scope(StringInfo buf, const Association *assoc,
					   const QueryNames *n)
{
	if (assoc->def->ntscope == 0)
		return;
	appendStringInfo(buf, " AND EXISTS (SELECT 1 FROM %s AS t WHERE ", n->target);
	append_equality(buf, psprintf("r.%s", n->key[MA_OK]), assoc->keytype[MA_OK],
					assoc->ok_eq_opr, psprintf("t.%s", n->key[MA_TK]),
					assoc->keytype[MA_TK], false);
	append_target_scope(buf, assoc, "t");
	appendStringInfoChar(buf, ')');
}

/*
 * append_link_conditions
 *		The conditions a through row in alias must meet to be one of the
 *		association's links: its scope, and (paranoid) not deleted.
 */
static void
append_link_conditions(StringInfo buf, const Association *assoc,
					   const char *alias)
{
	const AssocDef *def = assoc->def;

	append_scope(buf, assoc, alias);
	if (ma_paranoid(def))
		appendStringInfo(buf, " AND %s.%s IS NULL", alias,
						 column_name(def->through, def->tsattnum[MA_TS_DELETED]));
}

/*
 * append_delete_start
 *		"DELETE FROM through AS r WHERE ", or for a paranoid association
 *		"UPDATE through AS r SET deletedAt = now WHERE ".
 */
static void
append_delete_start(StringInfo buf, const Association *assoc,
					const QueryNames *n)
{
	const AssocDef *def = assoc->def;

	if (ma_paranoid(def))
		appendStringInfo(buf, "UPDATE %s AS r SET %s = pg_catalog.statement_timestamp() WHERE ",
						 n->through,
						 column_name(def->through, def->tsattnum[MA_TS_DELETED]));
	else
		appendStringInfo(buf, "DELETE FROM %s AS r WHERE ", n->through);
}

/*
 * append_revive
 *		Paranoid: undelete the deleted links to the targets $2, as adding
 *		them again does, touching updatedAt.
 */
static void
append_revive(StringInfo buf, const Association *assoc, const QueryNames *n)
{
	const AssocDef *def = assoc->def;
	char	   *deleted = column_name(def->through, def->tsattnum[MA_TS_DELETED]);

	appendStringInfo(buf, "UPDATE %s AS r SET %s = NULL", n->through, deleted);
	if (def->tsname[MA_TS_UPDATED] != NULL)
		appendStringInfo(buf, ", %s = pg_catalog.statement_timestamp()",
						 column_name(def->through, def->tsattnum[MA_TS_UPDATED]));
	appendStringInfoString(buf, " WHERE ");
	append_source_match(buf, assoc, "r", n, false);
	appendStringInfoString(buf, " AND ");
	append_target_match(buf, assoc, "r", n, "$2", true);
	append_scope(buf, assoc, "r");
	appendStringInfo(buf, " AND r.%s IS NOT NULL", deleted);
	append_target_in_scope(buf, assoc, n);
}

/*
 * append_links_from
 *		"through AS r JOIN target AS t ON r.ok = t.tk": the links whose
 *		target row the caller can see (and is in the target scope).
 */
static void
append_links_from(StringInfo buf, const Association *assoc,
				  const QueryNames *n)
{
	appendStringInfo(buf, "%s AS r JOIN %s AS t ON ", n->through, n->target);
	append_equality(buf, psprintf("r.%s", n->key[MA_OK]), assoc->keytype[MA_OK],
					assoc->ok_eq_opr, psprintf("t.%s", n->key[MA_TK]),
					assoc->keytype[MA_TK], false);
	append_target_scope(buf, assoc, "t");
}

/* alias.fk = $1, or alias.fk = ANY ($1) */
static void
append_source_match(StringInfo buf, const Association *assoc,
					const char *alias, const QueryNames *n, bool any)
{
	append_equality(buf, psprintf("%s.%s", alias, n->key[MA_FK]),
					assoc->keytype[MA_FK], assoc->fk_eq_opr, "$1",
					any ? assoc->skarraytype : assoc->keytype[MA_SK], any);
}

/* alias.ok = rhs, or alias.ok = ANY (rhs) */
static void
append_target_match(StringInfo buf, const Association *assoc,
					const char *alias, const QueryNames *n, const char *rhs,
					bool any)
{
	append_equality(buf, psprintf("%s.%s", alias, n->key[MA_OK]),
					assoc->keytype[MA_OK], assoc->ok_eq_opr, rhs,
					any ? assoc->tkarraytype : assoc->keytype[MA_TK], any);
}

/*
 * is_timestamp
 *		Is attnum one of the association's timestamp columns?  Given in
 *		through_attrs, such a column is written only when a link is
 *		created (so a link's createdAt is never rewritten).
 */
static bool
is_timestamp(const AssocDef *def, AttrNumber attnum)
{
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
		if (def->tsname[i] != NULL && def->tsattnum[i] == attnum)
			return true;
	return false;
}

/*
 * ma_attrs_update_links
 *		Do through_attrs columns attrs change existing links?  Not when
 *		they are all timestamps, which only links being created take.
 */
bool
ma_attrs_update_links(const Association *assoc, List *attrs)
{
	ListCell   *lc;

	foreach(lc, attrs)
		if (!is_timestamp(assoc->def, lfirst_int(lc)))
			return true;
	return false;
}

/*
 * append_insert
 *		Link each distinct target of $2 (or the one target $2) not linked
 *		yet, writing the scope's values and the through_attrs columns.
 *		walked: the one target's link is looked for by medium_assoc._linked()
 *		(mutate.c), which walks the index of the partition the source routes
 *		to, where a subquery's generic plan would lock every partition.
 */
static void
append_insert(StringInfo buf, const Association *assoc, const QueryNames *n,
			  List *attrs, bool one, bool walked)
{
	const AssocDef *def = assoc->def;
	ListCell   *lc;

	appendStringInfo(buf, "INSERT INTO %s AS r (%s, %s", n->through,
					 n->key[MA_FK], n->key[MA_OK]);
	for (int i = 0; i < def->nscope; i++)
		appendStringInfo(buf, ", %s", column_name(def->through, def->scopeattnum[i]));
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
		if (def->tsname[i] != NULL && !list_member_int(attrs, def->tsattnum[i]))
			appendStringInfo(buf, ", %s", column_name(def->through, def->tsattnum[i]));
	foreach(lc, attrs)
		appendStringInfo(buf, ", %s", column_name(def->through, lfirst_int(lc)));

	appendStringInfo(buf, ") SELECT $1, %s", one ? "$2" : "u.x");
	for (int i = 0; i < def->nscope; i++)
	{
		if (assoc->scope_null[i])
			appendStringInfoString(buf, ", NULL");
		else
			appendStringInfo(buf, ", $%d", MA_FIRST_SCOPE_PARAM + i);
	}
	/* a new link is live whatever deletedAt's default */
	for (int i = 0; i < MA_NTIMESTAMPS; i++)
		if (def->tsname[i] != NULL && !list_member_int(attrs, def->tsattnum[i]))
			appendStringInfoString(buf, i == MA_TS_DELETED ? ", NULL" :
								   ", pg_catalog.statement_timestamp()");
	foreach(lc, attrs)
		appendStringInfo(buf, ", a.%s", column_name(def->through, lfirst_int(lc)));

	if (one)
	{
		if (attrs != NIL)
			appendStringInfo(buf, " FROM pg_catalog.jsonb_populate_record(NULL::%s, $3) AS a",
							 n->through);
	}
	else
	{
		appendStringInfoString(buf, " FROM (SELECT DISTINCT x FROM pg_catalog.unnest($2) AS x) AS u");
		if (attrs != NIL)
			appendStringInfo(buf, " CROSS JOIN pg_catalog.jsonb_populate_record(NULL::%s, $3) AS a",
							 n->through);
	}
	if (walked)
	{
		/* the same test, made by the index walk where it can run */
		appendStringInfo(buf, " WHERE NOT medium_assoc._linked(%s, $1, $2)",
						 quote_literal_cstr(NameStr(assoc->name)));
		return;
	}
	appendStringInfoString(buf, " WHERE NOT ");
	append_link_exists(buf, assoc, n, one ? "$2" : "u.x");
}

/*
 * append_link_exists
 *		EXISTS (a link row from $1 to target), whatever its target row.
 */
static void
append_link_exists(StringInfo buf, const Association *assoc,
				   const QueryNames *n, const char *target)
{
	appendStringInfo(buf, "EXISTS (SELECT 1 FROM %s AS e WHERE ", n->through);
	append_source_match(buf, assoc, "e", n, false);
	appendStringInfoString(buf, " AND ");
	append_target_match(buf, assoc, "e", n, target, false);
	append_scope(buf, assoc, "e");
	appendStringInfoChar(buf, ')');
}

/*
 * append_update
 *		Apply the through_attrs columns to the existing links to $2, but
 *		for the timestamp columns, which only links being created take.
 *		With an updatedAt column, only links whose attributes change are
 *		updated, and it is set to the time of the statement, as Sequelize
 *		does; createdAt is never written again.
 */
static void
append_update(StringInfo buf, const Association *assoc, const QueryNames *n,
			  List *attrs)
{
	const AssocDef *def = assoc->def;
	bool		updated = def->tsname[MA_TS_UPDATED] != NULL;
	List	   *cols = NIL;
	ListCell   *lc;

	foreach(lc, attrs)
		if (!is_timestamp(def, lfirst_int(lc)))
			cols = lappend_int(cols, lfirst_int(lc));
	if (cols == NIL)
		elog(ERROR, "no through_attrs column updates links");

	appendStringInfo(buf, "UPDATE %s AS r SET ", n->through);
	foreach(lc, cols)
	{
		char	   *col = column_name(def->through, lfirst_int(lc));

		appendStringInfo(buf, "%s%s = a.%s", foreach_current_index(lc) > 0 ? ", " : "",
						 col, col);
	}
	if (updated)
		appendStringInfo(buf, ", %s = pg_catalog.statement_timestamp()",
						 column_name(def->through, def->tsattnum[MA_TS_UPDATED]));
	appendStringInfo(buf, " FROM pg_catalog.jsonb_populate_record(NULL::%s, $3) AS a WHERE ",
					 n->through);
	append_source_match(buf, assoc, "r", n, false);
	appendStringInfoString(buf, " AND ");
	append_target_match(buf, assoc, "r", n, "$2", true);
	append_link_conditions(buf, assoc, "r");
	append_target_in_scope(buf, assoc, n);
	if (updated)
	{
		/*
		 * Compared as text (every type has that, not every one equality),
		 * in jsonb arrays, whose <> is qualified and tells NULL from ''.
		 */
		appendStringInfoString(buf, " AND pg_catalog.jsonb_build_array(");
		foreach(lc, cols)
			appendStringInfo(buf, "%sr.%s::pg_catalog.text",
							 foreach_current_index(lc) > 0 ? ", " : "",
							 column_name(def->through, lfirst_int(lc)));
		appendStringInfoString(buf, ") OPERATOR(pg_catalog.<>) pg_catalog.jsonb_build_array(");
		foreach(lc, cols)
			appendStringInfo(buf, "%sa.%s::pg_catalog.text",
							 foreach_current_index(lc) > 0 ? ", " : "",
							 column_name(def->through, lfirst_int(lc)));
		appendStringInfoChar(buf, ')');
	}
}

/*
 * append_other_links
 *		The links of $1 to targets other than those of $2: what set()
 *		removes (AQ_DELETE_OTHERS) and locks first (AQ_OTHERS).
 */
static void
append_other_links(StringInfo buf, const Association *assoc,
				   const QueryNames *n)
{
	append_source_match(buf, assoc, "r", n, false);
	append_link_conditions(buf, assoc, "r");
	appendStringInfo(buf, " AND r.%s IS NOT NULL AND NOT (", n->key[MA_OK]);
	append_target_match(buf, assoc, "r", n, "$2", true);
	appendStringInfoChar(buf, ')');
	append_target_in_scope(buf, assoc, n);
}

/*
 * append_has_many_link
 *		has_many: link the targets $2 (or the one target $2) to the source
 *		$1 by writing the source's key, and the scope's values, into their
 *		foreign key; targets already linked to it are left alone (and not
 *		counted).  A target linked to another source moves.
 */
static void
append_has_many_link(StringInfo buf, const Association *assoc,
					 const QueryNames *n, bool one)
{
	const AssocDef *def = assoc->def;

	appendStringInfo(buf, "UPDATE %s AS r SET %s = $1", n->through,
					 n->key[MA_FK]);
	for (int i = 0; i < def->nscope; i++)
	{
		if (assoc->scope_null[i])
			appendStringInfo(buf, ", %s = NULL",
							 column_name(def->through, def->scopeattnum[i]));
		else
			appendStringInfo(buf, ", %s = $%d",
							 column_name(def->through, def->scopeattnum[i]),
							 MA_FIRST_SCOPE_PARAM + i);
	}
	appendStringInfoString(buf, " WHERE ");
	append_target_match(buf, assoc, "r", n, "$2", !one);
	/* already the source's, in the scope: nothing to write */
	appendStringInfoString(buf, " AND (");
	append_equality(buf, psprintf("r.%s", n->key[MA_FK]), assoc->keytype[MA_FK],
					assoc->fk_eq_opr, "$1", assoc->keytype[MA_SK], false);
	append_scope(buf, assoc, "r");
	appendStringInfoString(buf, ") IS NOT TRUE");
}

/*
 * append_belongs_to_link
 *		belongs_to: write the target $2's key into the source $1's foreign
 *		key (the other key of its "through" table, the source itself),
 *		unless it is there already.
 */
static void
append_belongs_to_link(StringInfo buf, const Association *assoc,
					   const QueryNames *n, bool one)
{
	appendStringInfo(buf, "UPDATE %s AS r SET %s = $2 WHERE ", n->through,
					 n->key[MA_OK]);
	append_source_match(buf, assoc, "r", n, false);
	appendStringInfoString(buf, " AND (");
	append_target_match(buf, assoc, "r", n, "$2", !one);
	appendStringInfoString(buf, ") IS NOT TRUE");
}

/*
 * append_direct_unlink_start
 *		has_many, has_one: "UPDATE target AS r SET fk = NULL WHERE ";
 *		belongs_to: "UPDATE source AS r SET fk = NULL WHERE " (a NOT NULL
 *		foreign key refuses it, 23502).
 */
static void
append_direct_unlink_start(StringInfo buf, const Association *assoc,
						   const QueryNames *n)
{
	appendStringInfo(buf, "UPDATE %s AS r SET %s = NULL WHERE ", n->through,
					 n->key[ma_belongs_to(assoc->def) ? MA_OK : MA_FK]);
}

/*
 * ma_build_chain_query
 *		The body of a chain's reader: the targets of the last step that a
 *		path of links from the source $1 reaches, each once (a semi-join),
 *		through every step's links (its scope, paranoid links) and the rows
 *		in between (each step's target, in its target scope, as its reader
 *		reads them).  Scope values as literals (scope_as_literals).
 */
char *
ma_build_chain_query(Association **steps, int nsteps, const char *select_list)
{
	StringInfoData buf;
	QueryNames	last;
	char	   *r;
	char	   *m;

	initStringInfo(&buf);
	query_names(steps[nsteps - 1], &last);
	/* a semi-join, with the operators checked at registration */
	appendStringInfo(&buf, "SELECT %s FROM %s AS t WHERE EXISTS (SELECT 1 FROM ",
					 select_list, last.target);
	for (int i = 0; i < nsteps; i++)
	{
		const Association *a = steps[i];
		QueryNames	n;

		query_names(a, &n);
		r = psprintf("r%d", i + 1);
		if (i == 0)
			appendStringInfo(&buf, "%s AS %s", n.through, r);
		else
		{
			/* this step's links start at the previous step's target row */
			appendStringInfo(&buf, " JOIN %s AS %s ON ", n.through, r);
			append_equality(&buf, psprintf("%s.%s", r, n.key[MA_FK]),
							a->keytype[MA_FK], a->fk_eq_opr,
							psprintf("m%d.%s", i, n.key[MA_SK]),
							a->keytype[MA_SK], false);
			append_link_conditions(&buf, a, r);
		}
		if (i == nsteps - 1)
			break;
		/* the step's target row, as the reader sees it */
		m = psprintf("m%d", i + 1);
		appendStringInfo(&buf, " JOIN %s AS %s ON ", n.target, m);
		append_equality(&buf, psprintf("%s.%s", r, n.key[MA_OK]),
						a->keytype[MA_OK], a->ok_eq_opr,
						psprintf("%s.%s", m, n.key[MA_TK]),
						a->keytype[MA_TK], false);
		append_target_scope(&buf, a, m);
	}
	appendStringInfoString(&buf, " WHERE ");
	{
		QueryNames	first;

		query_names(steps[0], &first);
		append_equality(&buf, psprintf("r1.%s", first.key[MA_FK]),
						steps[0]->keytype[MA_FK], steps[0]->fk_eq_opr, "$1",
						steps[0]->keytype[MA_SK], false);
		append_link_conditions(&buf, steps[0], "r1");
	}
	/* the last step's links end at t */
	appendStringInfoString(&buf, " AND ");
	append_equality(&buf, psprintf("r%d.%s", nsteps, last.key[MA_OK]),
					steps[nsteps - 1]->keytype[MA_OK],
					steps[nsteps - 1]->ok_eq_opr,
					psprintf("t.%s", last.key[MA_TK]),
					steps[nsteps - 1]->keytype[MA_TK], false);
	appendStringInfoChar(&buf, ')');
	append_target_scope(&buf, steps[nsteps - 1], "t");
	return buf.data;
}

/*
 * ma_build_links_query
 *		SELECT select_list FROM the links and their targets (r and t), of
 *		the source $1 (for_source) or of every source: the bodies of the
 *		association's link rows function and view, whose scope values are
 *		literals (assoc->scope_as_literals).
 */
char *
ma_build_links_query(const Association *assoc, const char *select_list,
					 bool for_source)
{
	QueryNames	n;
	StringInfoData buf;

	query_names(assoc, &n);
	initStringInfo(&buf);
	appendStringInfo(&buf, "SELECT %s FROM ", select_list);
	if (ma_has_many(assoc->def))
	{
		/* the targets themselves, by their foreign key */
		appendStringInfo(&buf, "%s AS t WHERE ", n.target);
		if (for_source)
			append_source_match(&buf, assoc, "t", &n, false);
		else
			appendStringInfoString(&buf, "true");
		append_link_conditions(&buf, assoc, "t");
		return buf.data;
	}
	append_links_from(&buf, assoc, &n);
	appendStringInfoString(&buf, " WHERE ");
	if (for_source)
		append_source_match(&buf, assoc, "r", &n, false);
	else
		appendStringInfoString(&buf, "true");
	append_link_conditions(&buf, assoc, "r");
	return buf.data;
}

/*
 * ma_build_query
 *		The text of one of an association's statements.
 */
char *
ma_build_query(const Association *assoc, AssocQuery query, List *attrs)
{
	QueryNames	n;
	StringInfoData buf;

	query_names(assoc, &n);
	initStringInfo(&buf);

	switch (query)
	{
		case AQ_READ:
			appendStringInfoString(&buf, "SELECT t.* FROM ");
			append_links_from(&buf, assoc, &n);
			appendStringInfoString(&buf, " WHERE ");
			append_source_match(&buf, assoc, "r", &n, false);
			append_link_conditions(&buf, assoc, "r");
			break;

		case AQ_BATCH:
			/* t.* under a cast is the whole row, even if a column is "t" */
			appendStringInfo(&buf, "SELECT r.%s::%s, t.*::%s FROM ", n.key[MA_FK],
							 type_name(assoc->keytype[MA_SK]),
							 n.target);
			append_links_from(&buf, assoc, &n);
			appendStringInfoString(&buf, " WHERE ");
			append_source_match(&buf, assoc, "r", &n, true);
			append_link_conditions(&buf, assoc, "r");
			break;

		case AQ_COUNT:
			appendStringInfoString(&buf, "SELECT pg_catalog.count(*) FROM ");
			append_links_from(&buf, assoc, &n);
			appendStringInfoString(&buf, " WHERE ");
			append_source_match(&buf, assoc, "r", &n, false);
			append_link_conditions(&buf, assoc, "r");
			break;

		case AQ_HAS_ONE:
			appendStringInfoString(&buf, "SELECT EXISTS (SELECT 1 FROM ");
			append_links_from(&buf, assoc, &n);
			appendStringInfoString(&buf, " WHERE ");
			append_source_match(&buf, assoc, "r", &n, false);
			appendStringInfoString(&buf, " AND ");
			append_target_match(&buf, assoc, "r", &n, "$2", false);
			append_link_conditions(&buf, assoc, "r");
			appendStringInfoChar(&buf, ')');
			break;

		case AQ_HAS_ALL:
			appendStringInfoString(&buf, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.unnest($2) AS u(x)"
								   " WHERE NOT EXISTS (SELECT 1 FROM ");
			append_links_from(&buf, assoc, &n);
			appendStringInfoString(&buf, " WHERE ");
			append_source_match(&buf, assoc, "r", &n, false);
			appendStringInfoString(&buf, " AND ");
			append_target_match(&buf, assoc, "r", &n, "u.x", false);
			append_link_conditions(&buf, assoc, "r");
			appendStringInfoString(&buf, "))");
			break;

		case AQ_CHECK:
			appendStringInfo(&buf, "SELECT EXISTS (SELECT 1 FROM %s AS s WHERE ",
							 n.source);
			append_equality(&buf, psprintf("s.%s", n.key[MA_SK]), assoc->keytype[MA_SK],
							assoc->sk_eq_opr, "$1", assoc->keytype[MA_SK], false);
			appendStringInfoString(&buf, "), (SELECT u.x FROM pg_catalog.unnest($2) AS u(x)"
								   " WHERE NOT EXISTS (SELECT 1 FROM ");
			appendStringInfo(&buf, "%s AS t WHERE ", n.target);
			append_equality(&buf, psprintf("t.%s", n.key[MA_TK]), assoc->keytype[MA_TK],
							assoc->tk_eq_opr, "u.x", assoc->keytype[MA_TK], false);
			append_target_scope(&buf, assoc, "t");
			appendStringInfoString(&buf, ") LIMIT 1)");
			break;

		case AQ_INSERT:
		case AQ_INSERT_ONE:
			if (ma_has_many(assoc->def))
				append_has_many_link(&buf, assoc, &n, query == AQ_INSERT_ONE);
			else if (ma_belongs_to(assoc->def))
				append_belongs_to_link(&buf, assoc, &n, query == AQ_INSERT_ONE);
			else
				append_insert(&buf, assoc, &n, attrs, query == AQ_INSERT_ONE,
							  false);
			break;

		case AQ_INSERT_ONE_WALKED:
			if (ma_direct(assoc->def))
				elog(ERROR, "association \"%s\" links by updating rows",
					 NameStr(assoc->name));
			append_insert(&buf, assoc, &n, attrs, true, true);
			break;

		case AQ_LINKED:
			appendStringInfoString(&buf, "SELECT ");
			append_link_exists(&buf, assoc, &n, "$2");
			break;

		case AQ_UPDATE:
			append_update(&buf, assoc, &n, attrs);
			break;

		case AQ_DELETE:
		case AQ_DELETE_ONE:
			if (ma_direct(assoc->def))
			{
				append_direct_unlink_start(&buf, assoc, &n);
				append_source_match(&buf, assoc, "r", &n, false);
				appendStringInfoString(&buf, " AND ");
				append_target_match(&buf, assoc, "r", &n, "$2",
									query == AQ_DELETE);
				append_link_conditions(&buf, assoc, "r");
				break;
			}
			append_delete_start(&buf, assoc, &n);
			append_source_match(&buf, assoc, "r", &n, false);
			appendStringInfoString(&buf, " AND ");
			append_target_match(&buf, assoc, "r", &n, "$2", query == AQ_DELETE);
			append_link_conditions(&buf, assoc, "r");
			append_target_in_scope(&buf, assoc, &n);
			break;

		case AQ_OTHERS:
			appendStringInfo(&buf, "SELECT r.%s::%s FROM %s AS r WHERE ", n.key[MA_OK],
							 type_name(assoc->keytype[MA_TK]), n.through);
			append_other_links(&buf, assoc, &n);
			break;

		case AQ_DELETE_OTHERS:
			if (ma_direct(assoc->def))
				append_direct_unlink_start(&buf, assoc, &n);
			else
				append_delete_start(&buf, assoc, &n);
			append_other_links(&buf, assoc, &n);
			break;

		case AQ_REVIVE:
			append_revive(&buf, assoc, &n);
			break;

		default:
			elog(ERROR, "unrecognized association query %d", (int) query);
	}
	return buf.data;
}
