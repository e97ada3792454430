/*-------------------------------------------------------------------------
 *
 * walk.c
 *	  Walking one source's links with index scans, without SPI.
 *
 * The reader and count are the hot path: a statement per call, often per
 * row of a LATERAL join.  Running a prepared statement costs an executor
 * start-up per call, more than the work itself for a handful of links.
 * So when the caller holds SELECT on both tables, no row-level security
 * applies to them, and the tables have the indexes a join would use, the
 * links are walked directly: an index scan of the through table on the
 * foreign key, filtered by the scope, and for each link a probe of the
 * target key's unique index, all under the query's snapshot.  Otherwise
 * (column privileges, RLS, partitioned tables, missing index) the caller
 * falls back to the prepared statement, which gives identical results.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"

#include "medium_assoc.h"

static bool find_index(Oid relid, AttrNumber attnum, bool unique,
					   Oid valtype, Oid *indexoid, RegProcedure *proc,
					   Oid *subtype, Oid *collation);
static void plan_walk(Association *assoc);
static bool may_walk(Oid relid);
static bool scope_matches(const Association *assoc, TupleTableSlot *slot);

/*
 * find_index
 *		A valid, non-partial btree index of relid led by attnum (unique on
 *		that column alone if asked), whose operator family compares it with
 *		valtype; returns the scan key's function, subtype and collation.
 */
static bool
find_index(Oid relid, AttrNumber attnum, bool unique, Oid valtype,
		   Oid *indexoid, RegProcedure *proc, Oid *subtype, Oid *collation)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		Relation	index = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index form = index->rd_index;

		if (index->rd_rel->relam == BTREE_AM_OID && form->indisvalid &&
			form->indkey.values[0] == attnum &&
			heap_attisnull(index->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			(!unique || (form->indisunique && form->indnkeyatts == 1)))
		{
			Oid			opcintype = index->rd_opcintype[0];
			Oid			right = IsBinaryCoercible(valtype, opcintype) ? opcintype : valtype;
			Oid			opr = get_opfamily_member(index->rd_opfamily[0], opcintype,
												  right, BTEqualStrategyNumber);

			if (OidIsValid(opr))
			{
				*indexoid = RelationGetRelid(index);
				*proc = get_opcode(opr);
				*subtype = right;
				*collation = index->rd_indcollation[0];
				found = true;
			}
		}
		index_close(index, AccessShareLock);
		if (found)
			break;
	}
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * plan_walk
 *		Work out, once per cached association, whether and how its links
 *		can be walked.
 */
static void
plan_walk(Association *assoc)
{
	AssocDef   *def = assoc->def;
	AssocWalk  *walk = &assoc->walk;
	MemoryContext oldcxt;

	walk->checked = true;
	walk->usable = false;
	if (get_rel_relkind(def->through) != RELKIND_RELATION ||
		get_rel_relkind(def->target) != RELKIND_RELATION)
		return;
	if (!find_index(def->through, def->keyattnum[MA_FK], false,
					assoc->keytype[MA_SK], &walk->through_index,
					&walk->fk_proc, &walk->fk_subtype, &walk->fk_collation))
		return;
	if (!find_index(def->target, def->keyattnum[MA_TK], true,
					assoc->keytype[MA_OK], &walk->target_index,
					&walk->tk_proc, &walk->tk_subtype, &walk->tk_collation))
		return;

	oldcxt = MemoryContextSwitchTo(assoc->mcxt);
	walk->scope_eq = palloc0(sizeof(FmgrInfo) * Max(def->nscope, 1));
	walk->scope_collation = palloc0(sizeof(Oid) * Max(def->nscope, 1));
	walk->scope_value = palloc0(sizeof(Datum) * Max(def->nscope, 1));
	for (int i = 0; i < def->nscope; i++)
	{
		Oid			coltype;
		int32		typmod;
		Oid			typinput;
		Oid			typioparam;
		TypeCacheEntry *tc;

		get_atttypetypmodcoll(def->through, def->scopeattnum[i], &coltype,
							  &typmod, &walk->scope_collation[i]);
		tc = lookup_type_cache(coltype, TYPECACHE_EQ_OPR);
		if (!OidIsValid(tc->eq_opr))
		{
			MemoryContextSwitchTo(oldcxt);
			return;
		}
		fmgr_info_cxt(get_opcode(tc->eq_opr), &walk->scope_eq[i], assoc->mcxt);
		if (def->scopevalue[i] != NULL)
		{
			getTypeInputInfo(coltype, &typinput, &typioparam);
			walk->scope_value[i] = OidInputFunctionCall(typinput,
														def->scopevalue[i],
														typioparam, typmod);
		}
	}
	MemoryContextSwitchTo(oldcxt);
	walk->usable = true;
}

/*
 * may_walk
 *		The caller may read the whole table and no row-level security
 *		policy applies to it.
 */
static bool
may_walk(Oid relid)
{
	return pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

/*
 * scope_matches
 *		Does the through row in slot satisfy the association's scope?
 */
static bool
scope_matches(const Association *assoc, TupleTableSlot *slot)
{
	const AssocDef *def = assoc->def;
	const AssocWalk *walk = &assoc->walk;

	for (int i = 0; i < def->nscope; i++)
	{
		bool		isnull;
		Datum		value = slot_getattr(slot, def->scopeattnum[i], &isnull);

		if (def->scopevalue[i] == NULL)
		{
			if (!isnull)
				return false;
		}
		else if (isnull ||
				 !DatumGetBool(FunctionCall2Coll((FmgrInfo *) &walk->scope_eq[i],
												 walk->scope_collation[i],
												 value, walk->scope_value[i])))
			return false;
	}
	return true;
}

/* an open walk: the relations, slots and index scans of one association */
struct LinkWalk
{
	Association *assoc;
	Snapshot	snapshot;
	Relation	through;
	Relation	through_index;
	Relation	target;
	Relation	target_index;
	TupleTableSlot *link;
	TupleTableSlot *row;
	IndexScanDesc links;
	IndexScanDesc rows;
};

/*
 * ma_walk_open
 *		Open what walking an association's links needs, in the current
 *		memory context, under the active snapshot; NULL when its links
 *		cannot be walked directly (the caller then runs its statement).
 */
LinkWalk *
ma_walk_open(Association *assoc)
{
	AssocDef   *def = assoc->def;
	AssocWalk  *plan = &assoc->walk;
	LinkWalk   *walk;

	if (!plan->checked)
		plan_walk(assoc);
	if (!plan->usable || !may_walk(def->through) || !may_walk(def->target))
		return NULL;

	walk = palloc(sizeof(LinkWalk));
	walk->assoc = assoc;
	walk->snapshot = GetActiveSnapshot();
	walk->through = table_open(def->through, AccessShareLock);
	walk->through_index = index_open(plan->through_index, AccessShareLock);
	walk->target = table_open(def->target, AccessShareLock);
	walk->target_index = index_open(plan->target_index, AccessShareLock);
	walk->link = table_slot_create(walk->through, NULL);
	walk->row = table_slot_create(walk->target, NULL);
	walk->links = index_beginscan(walk->through, walk->through_index,
								  walk->snapshot, 1, 0);
	walk->rows = index_beginscan(walk->target, walk->target_index,
								 walk->snapshot, 1, 0);
	return walk;
}

/*
 * ma_walk_snapshot
 *		The snapshot an open walk reads with.
 */
Snapshot
ma_walk_snapshot(const LinkWalk *walk)
{
	return walk->snapshot;
}

/*
 * ma_walk_run
 *		Call visit for the target row of each link of source that the
 *		caller can see.
 */
void
ma_walk_run(LinkWalk *walk, Datum source, LinkVisitor visit, void *arg)
{
	Association *assoc = walk->assoc;
	AssocWalk  *plan = &assoc->walk;
	AttrNumber	okattnum = assoc->def->keyattnum[MA_OK];
	ScanKeyData key;

	ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, plan->fk_subtype,
						   plan->fk_collation, plan->fk_proc, source);
	index_rescan(walk->links, &key, 1, NULL, 0);

	while (index_getnext_slot(walk->links, ForwardScanDirection, walk->link))
	{
		bool		isnull;
		Datum		other = slot_getattr(walk->link, okattnum, &isnull);

		CHECK_FOR_INTERRUPTS();
		if (isnull || !scope_matches(assoc, walk->link))
			continue;
		ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber,
							   plan->tk_subtype, plan->tk_collation,
							   plan->tk_proc, other);
		index_rescan(walk->rows, &key, 1, NULL, 0);
		if (index_getnext_slot(walk->rows, ForwardScanDirection, walk->row))
			visit(walk->row, arg);
	}
}

/*
 * ma_walk_close
 *		End the scans and close the relations, keeping the locks.
 */
void
ma_walk_close(LinkWalk *walk)
{
	index_endscan(walk->rows);
	index_endscan(walk->links);
	ExecDropSingleTupleTableSlot(walk->row);
	ExecDropSingleTupleTableSlot(walk->link);
	index_close(walk->target_index, NoLock);
	table_close(walk->target, NoLock);
	index_close(walk->through_index, NoLock);
	table_close(walk->through, NoLock);
	pfree(walk);
}

/*
 * ma_walk_links
 *		Walk the links of one source once; false when they cannot be walked.
 */
bool
ma_walk_links(Association *assoc, Datum source, LinkVisitor visit, void *arg)
{
	LinkWalk   *walk = ma_walk_open(assoc);

	if (walk == NULL)
		return false;
	ma_walk_run(walk, source, visit, arg);
	ma_walk_close(walk);
	return true;
}
