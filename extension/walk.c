/*-------------------------------------------------------------------------
 *
 * walk.c
 *	  Walking one source's links with index scans, without SPI.
 *
 * The reader and count are the hot path: a statement per call, often per
 * row of a LATERAL join.  Running a prepared statement costs an executor
 * start-up per call, more than the work itself for a handful of links.
 * So when the caller holds SELECT on both tables, no row-level security
 * applies to them, the caller may execute the equality functions the walk
 * calls, and the tables have the indexes a join would use, the links are
 * walked directly: an index scan of the through table on the foreign key,
 * filtered by the scope, and for each link a probe of the target key's
 * unique index, all under the query's snapshot.  Every link's target is
 * probed, as the statement's join does: a visible link does not imply a
 * visible target, whatever foreign key there is (inside a cascade, under
 * DISABLE TRIGGER or session_replication_role = replica).  Otherwise
 * (column privileges, RLS, partitioned or inherited tables, missing index)
 * the caller falls back to the prepared statement, which gives identical
 * results.  USAGE on the tables' schemas is checked by the callers, on
 * either path (access.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "access/itup.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "access/transam.h"
#include "utils/typcache.h"

#include "medium_assoc.h"

static bool find_index(Oid relid, AttrNumber attnum, bool unique,
					   Oid valtype, AttrNumber wanted, Oid *indexoid,
					   RegProcedure *proc, Oid *subtype, Oid *collation,
					   int *wanted_att);
static void plan_walk(Association *assoc);
static bool index_matches_column(Relation index, int i, Oid relid,
								 AttrNumber attnum);
static bool index_usable_now(Relation index);
static LinkWalk *open_walk(Association *assoc, int nkeys);
static Oid	column_collation(Oid relid, AttrNumber attnum);
static void plan_has(Association *assoc);
static bool may_walk(Oid relid);
static bool probe_target(LinkWalk *walk, Datum other, bool need_row);
static bool may_call_walk_functions(const Association *assoc, int nkeys);
static bool scope_matches(const Association *assoc, TupleTableSlot *slot);

/*
 * index_matches_column
 *		Does index column i compare like the table column, with the default
 *		btree operator family of its type and its collation, as the
 *		statements' operators do?
 */
static bool
index_matches_column(Relation index, int i, Oid relid, AttrNumber attnum)
{
	Oid			coltype;
	int32		typmod;
	Oid			collation;

	get_atttypetypmodcoll(relid, attnum, &coltype, &typmod, &collation);
	return index->rd_indcollation[i] == collation &&
		index->rd_opfamily[i] ==
		lookup_type_cache(coltype, TYPECACHE_BTREE_OPFAMILY)->btree_opf;
}

static Oid
column_collation(Oid relid, AttrNumber attnum)
{
	Oid			coltype;
	int32		typmod;
	Oid			collation;

	get_atttypetypmodcoll(relid, attnum, &coltype, &typmod, &collation);
	return collation;
}

/*
 * index_usable_now
 *		An index built over broken HOT chains may not be used by snapshots
 *		older than it (as in the planner's get_relation_info).
 */
static bool
index_usable_now(Relation index)
{
	return !index->rd_index->indcheckxmin ||
		TransactionIdPrecedes(HeapTupleHeaderGetXmin(index->rd_indextuple->t_data),
							  TransactionXmin);
}

/*
 * find_index
 *		A valid, non-partial btree index of relid led by attnum (unique on
 *		that column alone if asked), whose operator family compares it with
 *		valtype; returns the scan key's function, subtype and collation.
 *		Prefers an index that also holds column wanted (its position, from
 *		1, in *wanted_att; 0 if none does), so that it can be read
 *		index-only.
 */
static bool
find_index(Oid relid, AttrNumber attnum, bool unique, Oid valtype,
		   AttrNumber wanted, Oid *indexoid, RegProcedure *proc,
		   Oid *subtype, Oid *collation, int *wanted_att)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	*wanted_att = 0;
	foreach(lc, indexes)
	{
		Relation	index = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index form = index->rd_index;

		if (index->rd_rel->relam == BTREE_AM_OID && form->indisvalid &&
			form->indkey.values[0] == attnum &&
			heap_attisnull(index->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			(!unique || (form->indisunique && form->indnkeyatts == 1 &&
						 form->indimmediate)) &&
			index_matches_column(index, 0, relid, attnum))
		{
			Oid			opcintype = index->rd_opcintype[0];
			Oid			right = IsBinaryCoercible(valtype, opcintype) ? opcintype : valtype;
			Oid			opr = get_opfamily_member(index->rd_opfamily[0], opcintype,
												  right, BTEqualStrategyNumber);
			int			position = 0;

			for (int i = 1; i < form->indnatts && wanted != InvalidAttrNumber; i++)
				if (form->indkey.values[i] == wanted)
					position = i + 1;

			if (OidIsValid(opr) && (!found || (position > 0 && *wanted_att == 0)))
			{
				*indexoid = RelationGetRelid(index);
				*proc = get_opcode(opr);
				*subtype = right;
				*collation = index->rd_indcollation[0];
				*wanted_att = position;
				found = true;
			}
		}
		index_close(index, AccessShareLock);
	}
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * plan_has
 *		When the through index's second key column is the other key, has()
 *		can look a link up with both keys; find the operator for that.
 */
static void
plan_has(Association *assoc)
{
	AssocWalk  *walk = &assoc->walk;
	Relation	index;

	walk->ok_proc = InvalidOid;
	if (walk->ok_index_att != 2)
		return;
	index = index_open(walk->through_index, AccessShareLock);
	if (index->rd_index->indnkeyatts >= 2 &&
		index_matches_column(index, 1, assoc->def->through,
							 assoc->def->keyattnum[MA_OK]))
	{
		Oid			opcintype = index->rd_opcintype[1];
		Oid			tktype = assoc->keytype[MA_TK];
		Oid			right = IsBinaryCoercible(tktype, opcintype) ? opcintype : tktype;
		Oid			opr = get_opfamily_member(index->rd_opfamily[1], opcintype,
											  right, BTEqualStrategyNumber);

		if (OidIsValid(opr))
		{
			walk->ok_proc = get_opcode(opr);
			walk->ok_subtype = right;
			walk->ok_collation = index->rd_indcollation[1];
		}
	}
	index_close(index, AccessShareLock);
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
	int			unused;

	walk->checked = true;
	walk->usable = false;
	/* a plain scan of a parent would miss its inheritance children */
	/* a target scope and deleted links are left to the statements */
	if (def->ntscope > 0 || ma_paranoid(def))
		return;
	if (get_rel_relkind(def->through) != RELKIND_RELATION ||
		get_rel_relkind(def->target) != RELKIND_RELATION ||
		has_subclass(def->through) || has_subclass(def->target))
		return;
	if (!find_index(def->through, def->keyattnum[MA_FK], false,
					assoc->keytype[MA_SK], def->keyattnum[MA_OK],
					&walk->through_index, &walk->fk_proc, &walk->fk_subtype,
					&walk->fk_collation, &walk->ok_index_att))
		return;
	if (!find_index(def->target, def->keyattnum[MA_TK], true,
					assoc->keytype[MA_OK], InvalidAttrNumber,
					&walk->target_index, &walk->tk_proc, &walk->tk_subtype,
					&walk->tk_collation, &unused))
		return;
	plan_has(assoc);
	if (def->nscope > 0)
		walk->ok_index_att = 0;
	/* the probe compares through.ok with the target key's collation */
	if (column_collation(def->through, def->keyattnum[MA_OK]) !=
		column_collation(def->target, def->keyattnum[MA_TK]))
		return;

	oldcxt = MemoryContextSwitchTo(assoc->mcxt);
	walk->scope_eq = palloc0(sizeof(FmgrInfo) * Max(def->nscope, 1));
	walk->scope_collation = palloc0(sizeof(Oid) * Max(def->nscope, 1));
	for (int i = 0; i < def->nscope; i++)
	{
		Oid			coltype;
		int32		typmod;
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
	}
	MemoryContextSwitchTo(oldcxt);
	walk->usable = true;
}

/*
 * may_walk
 *		The caller may read the whole table and no row-level security
 *		policy applies to it.  (USAGE on its schema is checked by every
 *		caller of the walk, which fails without it as the statement would.)
 */
static bool
may_walk(Oid relid)
{
	return pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

/*
 * may_call_walk_functions
 *		May the caller execute the equality functions the walk calls, as the
 *		statement's operators would?  If not, the statement runs instead and
 *		raises the executor's error.
 */
static bool
may_call_walk_functions(const Association *assoc, int nkeys)
{
	const AssocWalk *walk = &assoc->walk;

	if (!ma_may_execute(walk->fk_proc) || !ma_may_execute(walk->tk_proc) ||
		(nkeys > 1 && !ma_may_execute(walk->ok_proc)))
		return false;
	for (int i = 0; i < assoc->def->nscope; i++)
		if (!assoc->scope_null[i] &&
			!ma_may_execute(walk->scope_eq[i].fn_oid))
			return false;
	return true;
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

		if (assoc->scope_null[i])
		{
			if (!isnull)
				return false;
		}
		else if (isnull ||
				 !DatumGetBool(FunctionCall2Coll((FmgrInfo *) &walk->scope_eq[i],
												 walk->scope_collation[i],
												 value, assoc->scope_value[i])))
			return false;
	}
	return true;
}

/* an open walk: the relations, slots and index scans of one association */
struct LinkWalk
{
	MemoryContext cxt;			/* lives as long as the walk: scans allocate */
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
	bool		index_only;		/* read ok from the through index */
	Buffer		vmbuffer;		/* visibility map page, when index_only */
	Buffer		target_vmbuffer;	/* visibility map page of the target */
};

/*
 * ma_walk_open
 *		Open what walking an association's links needs, in the current
 *		memory context (which must outlive the walk: index scans allocate
 *		in it), under the active snapshot; NULL when its links
 *		cannot be walked directly (the caller then runs its statement).
 */
LinkWalk *
ma_walk_open(Association *assoc)
{
	return open_walk(assoc, 1);
}

/*
 * open_walk
 *		ma_walk_open, with nkeys scan keys on the through index.
 */
static LinkWalk *
open_walk(Association *assoc, int nkeys)
{
	AssocDef   *def = assoc->def;
	AssocWalk  *plan = &assoc->walk;
	LinkWalk   *walk;

	if (!plan->checked)
		plan_walk(assoc);
	if (!plan->usable || !may_walk(def->through) || !may_walk(def->target) ||
		!may_call_walk_functions(assoc, nkeys))
		return NULL;

	walk = palloc(sizeof(LinkWalk));
	walk->cxt = CurrentMemoryContext;
	walk->assoc = assoc;
	walk->snapshot = GetActiveSnapshot();
	walk->through = table_open(def->through, AccessShareLock);
	walk->through_index = index_open(plan->through_index, AccessShareLock);
	walk->target = table_open(def->target, AccessShareLock);
	walk->target_index = index_open(plan->target_index, AccessShareLock);
	if (!index_usable_now(walk->through_index) ||
		!index_usable_now(walk->target_index))
	{
		index_close(walk->target_index, NoLock);
		table_close(walk->target, NoLock);
		index_close(walk->through_index, NoLock);
		table_close(walk->through, NoLock);
		pfree(walk);
		return NULL;
	}
	walk->link = table_slot_create(walk->through, NULL);
	walk->row = table_slot_create(walk->target, NULL);
	walk->links = index_beginscan(walk->through, walk->through_index,
								  walk->snapshot, nkeys, 0);
	walk->rows = index_beginscan(walk->target, walk->target_index,
								 walk->snapshot, 1, 0);
	walk->index_only = plan->ok_index_att > 0;
	walk->links->xs_want_itup = walk->index_only;
	walk->vmbuffer = InvalidBuffer;
	walk->target_vmbuffer = InvalidBuffer;
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
 * next_link
 *		The other key of the source's next link, false at the end.  Reads
 *		it from the index when the index holds it and the heap page is all
 *		visible, as an index-only scan does; otherwise from the heap row,
 *		checking the scope.
 */
static bool
next_link(LinkWalk *walk, Datum *other)
{
	Association *assoc = walk->assoc;
	AttrNumber	okattnum = assoc->def->keyattnum[MA_OK];
	bool		isnull;

	if (!walk->index_only)
	{
		while (index_getnext_slot(walk->links, ForwardScanDirection, walk->link))
		{
			*other = slot_getattr(walk->link, okattnum, &isnull);
			if (!isnull && scope_matches(assoc, walk->link))
				return true;
		}
		return false;
	}

	for (;;)
	{
		ItemPointer tid = index_getnext_tid(walk->links, ForwardScanDirection);

		if (tid == NULL)
			return false;
		if (!VM_ALL_VISIBLE(walk->through, ItemPointerGetBlockNumber(tid),
							&walk->vmbuffer))
		{
			if (!index_fetch_heap(walk->links, walk->link))
				continue;		/* no visible row behind this entry */
			*other = slot_getattr(walk->link, okattnum, &isnull);
		}
		else
		{
			*other = index_getattr(walk->links->xs_itup,
								   assoc->walk.ok_index_att,
								   walk->links->xs_itupdesc, &isnull);
			/* as in IndexOnlyNext: no heap access, so lock the page */
			PredicateLockPage(walk->through, ItemPointerGetBlockNumber(tid),
							  walk->snapshot);
		}
		if (!isnull)
			return true;
	}
}

/*
 * probe_target
 *		Is there a target row, visible to the walk's snapshot, whose key is
 *		other?  With need_row, it is fetched into walk->row; without, the
 *		heap is not read where the visibility map shows the row's page all
 *		visible, as an index-only scan does.
 */
static bool
probe_target(LinkWalk *walk, Datum other, bool need_row)
{
	AssocWalk  *plan = &walk->assoc->walk;
	ScanKeyData key;

	ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber,
						   plan->tk_subtype, plan->tk_collation,
						   plan->tk_proc, other);
	index_rescan(walk->rows, &key, 1, NULL, 0);
	if (need_row)
		return index_getnext_slot(walk->rows, ForwardScanDirection, walk->row);

	for (;;)
	{
		ItemPointer tid = index_getnext_tid(walk->rows, ForwardScanDirection);
		BlockNumber block;

		if (tid == NULL)
			return false;
		block = ItemPointerGetBlockNumber(tid);
		if (VM_ALL_VISIBLE(walk->target, block, &walk->target_vmbuffer))
		{
			/* as in IndexOnlyNext: no heap access, so lock the page */
			PredicateLockPage(walk->target, block, walk->snapshot);
			return true;
		}
		if (index_fetch_heap(walk->rows, walk->row))
			return true;
	}
}

/*
 * ma_walk_run
 *		Call visit for each link of source whose target row the caller can
 *		see, with that row when need_row (NULL otherwise).  Every link's
 *		target is probed, as the join in the statement does: a foreign key
 *		does not make a visible link imply a visible target (inside a
 *		cascade, after DISABLE TRIGGER or session_replication_role =
 *		replica).
 */
void
ma_walk_run(LinkWalk *walk, Datum source, LinkVisitor visit, void *arg,
			bool need_row)
{
	AssocWalk  *plan = &walk->assoc->walk;
	ScanKeyData key;
	Datum		other;
	MemoryContext oldcxt = MemoryContextSwitchTo(walk->cxt);

	ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, plan->fk_subtype,
						   plan->fk_collation, plan->fk_proc, source);
	index_rescan(walk->links, &key, 1, NULL, 0);

	while (next_link(walk, &other))
	{
		CHECK_FOR_INTERRUPTS();
		if (probe_target(walk, other, need_row))
			visit(need_row ? walk->row : NULL, arg);
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * ma_walk_close
 *		End the scans and close the relations, keeping the locks.
 */
void
ma_walk_close(LinkWalk *walk)
{
	if (BufferIsValid(walk->vmbuffer))
		ReleaseBuffer(walk->vmbuffer);
	if (BufferIsValid(walk->target_vmbuffer))
		ReleaseBuffer(walk->target_vmbuffer);
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
 * ma_walk_has
 *		Is target linked to source (and visible)?  Looks the link up with
 *		both keys; false, having done nothing, when it cannot.
 */
bool
ma_walk_has(Association *assoc, Datum source, Datum target, bool *linked)
{
	AssocWalk  *plan = &assoc->walk;
	LinkWalk   *walk;
	ScanKeyData keys[2];
	Datum		other;

	if (!plan->checked)
		plan_walk(assoc);
	if (!plan->usable || !OidIsValid(plan->ok_proc))
		return false;
	walk = open_walk(assoc, 2);
	if (walk == NULL)
		return false;

	ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber,
						   plan->fk_subtype, plan->fk_collation,
						   plan->fk_proc, source);
	ScanKeyEntryInitialize(&keys[1], 0, 2, BTEqualStrategyNumber,
						   plan->ok_subtype, plan->ok_collation,
						   plan->ok_proc, target);
	index_rescan(walk->links, keys, 2, NULL, 0);
	*linked = false;
	while (!*linked && next_link(walk, &other))
		*linked = probe_target(walk, other, false);
	ma_walk_close(walk);
	return true;
}

/*
 * ma_walk_links
 *		Walk the links of one source once, without reading target rows
 *		(visit gets NULL); false when they cannot be walked.
 */
bool
ma_walk_links(Association *assoc, Datum source, LinkVisitor visit, void *arg)
{
	LinkWalk   *walk = ma_walk_open(assoc);

	if (walk == NULL)
		return false;
	ma_walk_run(walk, source, visit, arg, false);
	ma_walk_close(walk);
	return true;
}
