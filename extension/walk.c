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
 * (column privileges, RLS, inheritance children, a partitioned target, a
 * missing index) the caller falls back to the prepared statement, which
 * gives identical results.  USAGE on the tables' schemas is checked by the
 * callers, on either path (access.c).
 *
 * A partitioned through table is walked partition by partition, each with
 * its own index and column numbers, as the statement's Append of index
 * scans would; when its partition key is the foreign key alone (hash, list
 * or range, the column's default operator class and collation), a
 * source's partition is found by routing its key as an INSERT routes a
 * row, so one index is searched, as after the statement's partition
 * pruning.  Privileges and row-level security are the partitioned table's,
 * as for the statement.  The partition descriptor is read once per walk,
 * as the executor's partition directory does, so a concurrent ATTACH does
 * not change what an open walk sees.  A partition is locked when first
 * scanned; if that lets in an invalidation (its own index dropped, say),
 * the partition is planned again under the lock, and scanned without an
 * index if it has none left.  A relcache invalidation of a partition makes
 * the walk be planned again (ma_walk_reads); each plan lives in its own
 * memory context, retired at the end of the transaction when replaced, as
 * an open walk keeps using the plan it opened with.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/itup.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "access/visibilitymap.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"

#include "medium_assoc.h"

/* the scan of one part, opened on first use */
typedef struct PartScan
{
	const WalkPart *part;
	Relation	rel;			/* NULL until opened */
	Relation	index;			/* NULL when scanned without an index */
	TupleTableSlot *slot;
	IndexScanDesc scan;
	TableScanDesc heap;			/* without an index: the heap, with keys */
	ScanKeyData keys[2];
	Buffer		vmbuffer;		/* visibility map page, when index-only */
} PartScan;

/* an open walk: the relations, slots and index scans of one association */
struct LinkWalk
{
	MemoryContext cxt;			/* lives as long as the walk: scans allocate */
	Association *assoc;
	AssocWalk	plan;			/* as when the walk opened */
	Snapshot	snapshot;
	int			nkeys;			/* scan keys on the through indexes */
	Relation	through;		/* the partitioned through table, or NULL */
	PartitionDesc partitions;	/* its partitions, as when the walk opened */
	PartScan   *parts;
	Relation	target;
	Relation	target_index;
	TupleTableSlot *row;
	IndexScanDesc rows;
	Buffer		target_vmbuffer;	/* visibility map page of the target */
	int			nsources;		/* sources walked so far */
};

static bool find_index(Oid relid, AttrNumber attnum, bool unique,
					   Oid valtype, AttrNumber wanted, Oid *indexoid,
					   RegProcedure *proc, Oid *subtype, Oid *collation,
					   int *wanted_att);
static void plan_walk(Association *assoc);
static bool plan_parts(Association *assoc, AssocWalk *plan);
static bool plan_part(Association *assoc, Oid relid, WalkPart *part,
					  TransactionId *checkxmin);
static AttrNumber partition_attnum(Oid through, Oid relid, AttrNumber attnum);
static bool plan_routing(Association *assoc, Relation through);
static void plan_has(Association *assoc, WalkPart *part);
static bool plan_scope(Association *assoc, AssocWalk *plan);
static bool index_matches_column(Relation index, int i, Oid relid,
								 AttrNumber attnum);
static TransactionId index_checkxmin(Relation index);
static bool index_usable_now(Relation index);
static bool xmin_usable_now(TransactionId checkxmin);
static bool plan_current(const LinkWalk *walk);
static LinkWalk *open_walk(Association *assoc, int nkeys, bool with_target);
static bool open_partitions(LinkWalk *walk);
static PartScan *part_scan(LinkWalk *walk, int i);
static void end_part_scan(LinkWalk *walk, PartScan *ps);
static void replan_part(LinkWalk *walk, PartScan *ps);
static int	route_source(LinkWalk *walk, Datum source);
static int	walk_parts(LinkWalk *walk, Datum source, int *first);
static Oid	column_collation(Oid relid, AttrNumber attnum);
static bool may_walk(Oid relid);
static bool probe_target(LinkWalk *walk, Datum other, bool need_row);
static bool may_call_walk_functions(const Association *assoc,
									const AssocWalk *plan, int nkeys);
static bool scope_matches(const LinkWalk *walk, const WalkPart *part,
						  TupleTableSlot *slot);
static bool next_link(LinkWalk *walk, PartScan *ps, Datum *other);
static void rescan_part(LinkWalk *walk, PartScan *ps, Datum source,
						Datum target);

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

/*
 * column_collation
 *		The collation of a table column.
 */
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
 * index_checkxmin
 *		For an index built over broken HOT chains, the xmin snapshots must
 *		be newer than to use it (as in the planner's get_relation_info);
 *		invalid for any other index.
 */
static TransactionId
index_checkxmin(Relation index)
{
	return index->rd_index->indcheckxmin ?
		HeapTupleHeaderGetXmin(index->rd_indextuple->t_data) :
		InvalidTransactionId;
}

/*
 * index_usable_now
 *		May the current snapshots use the index?
 */
static bool
index_usable_now(Relation index)
{
	return xmin_usable_now(index_checkxmin(index));
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
 *		When a part's index has the other key as its second key column,
 *		has() can look a link up with both keys; find the operator for that.
 */
static void
plan_has(Association *assoc, WalkPart *part)
{
	Relation	index;

	part->ok_proc = InvalidOid;
	if (part->ok_index_att != 2)
		return;
	index = index_open(part->index, AccessShareLock);
	if (index->rd_index->indnkeyatts >= 2 &&
		index_matches_column(index, 1, part->relid, part->okattnum))
	{
		Oid			opcintype = index->rd_opcintype[1];
		Oid			tktype = assoc->keytype[MA_TK];
		Oid			right = IsBinaryCoercible(tktype, opcintype) ? opcintype : tktype;
		Oid			opr = get_opfamily_member(index->rd_opfamily[1], opcintype,
											  right, BTEqualStrategyNumber);

		if (OidIsValid(opr))
		{
			part->ok_proc = get_opcode(opr);
			part->ok_subtype = right;
			part->ok_collation = index->rd_indcollation[1];
		}
	}
	index_close(index, AccessShareLock);
}

/*
 * partition_attnum
 *		The number in relid (the through table or a partition of it) of the
 *		through table's column attnum: partitions may number their columns
 *		differently, never name them differently.
 */
static AttrNumber
partition_attnum(Oid through, Oid relid, AttrNumber attnum)
{
	if (relid == through)
		return attnum;
	return get_attnum(relid, get_attname(through, attnum, false));
}

/*
 * plan_part
 *		Work out how to scan the links in relid (the through table or one of
 *		its partitions, whose columns may be numbered differently): its
 *		column numbers always, then false when it has no usable index led
 *		by the foreign key.  An index built over broken HOT chains raises
 *		*checkxmin to its xmin.
 */
static bool
plan_part(Association *assoc, Oid relid, WalkPart *part,
		  TransactionId *checkxmin)
{
	AssocDef   *def = assoc->def;
	Relation	index;
	TransactionId xmin;

	part->relid = relid;
	part->fkattnum = partition_attnum(def->through, relid, def->keyattnum[MA_FK]);
	part->okattnum = partition_attnum(def->through, relid, def->keyattnum[MA_OK]);
	part->scopeattnum = palloc(sizeof(AttrNumber) * Max(def->nscope, 1));
	for (int i = 0; i < def->nscope; i++)
		part->scopeattnum[i] = partition_attnum(def->through, relid,
												def->scopeattnum[i]);
	part->index = InvalidOid;
	if (!find_index(relid, part->fkattnum, false, assoc->keytype[MA_SK],
					part->okattnum, &part->index, &part->fk_proc,
					&part->fk_subtype, &part->fk_collation,
					&part->ok_index_att))
		return false;
	plan_has(assoc, part);
	if (def->nscope > 0)
		part->ok_index_att = 0;

	index = index_open(part->index, AccessShareLock);
	xmin = index_checkxmin(index);
	index_close(index, AccessShareLock);
	if (TransactionIdIsValid(xmin) &&
		(!TransactionIdIsValid(*checkxmin) ||
		 TransactionIdFollows(xmin, *checkxmin)))
		*checkxmin = xmin;
	return true;
}

/*
 * plan_routing
 *		Is the partition key of the through table the foreign key alone,
 *		compared with the default operator class of its type (the source
 *		key's type) and the column's collation?  Then equal keys are in one
 *		partition, which routing the source key finds.
 */
static bool
plan_routing(Association *assoc, Relation through)
{
	PartitionKey key = RelationGetPartitionKey(through);
	Oid			keytype;
	TypeCacheEntry *tc;
	Oid			opfamily;

	if (key->partnatts != 1 ||
		key->partattrs[0] != assoc->def->keyattnum[MA_FK])
		return false;
	keytype = key->parttypid[0];
	if (keytype != assoc->keytype[MA_SK])
		return false;
	tc = lookup_type_cache(keytype,
						   TYPECACHE_BTREE_OPFAMILY | TYPECACHE_HASH_OPFAMILY);
	opfamily = get_partition_strategy(key) == PARTITION_STRATEGY_HASH ?
		tc->hash_opf : tc->btree_opf;
	return key->partopfamily[0] == opfamily &&
		key->partcollation[0] == column_collation(RelationGetRelid(through),
												  key->partattrs[0]);
}

/*
 * plan_parts
 *		The tables to scan: the through table, or each of its partitions
 *		(each a plain table with its own index; a partition that is itself
 *		partitioned or foreign is left to the statement).
 */
static bool
plan_parts(Association *assoc, AssocWalk *plan)
{
	AssocDef   *def = assoc->def;
	Relation	through;
	PartitionDesc desc;
	WalkPart   *parts;
	bool		ok = true;

	plan->has_usable = true;
	if (get_rel_relkind(def->through) == RELKIND_RELATION)
	{
		parts = palloc0(sizeof(WalkPart));
		plan->parts = parts;
		plan->nparts = 1;
		ok = plan_part(assoc, def->through, &parts[0], &plan->checkxmin);
		plan->has_usable = OidIsValid(parts[0].ok_proc);
		return ok;
	}

	through = table_open(def->through, AccessShareLock);
	desc = RelationGetPartitionDesc(through, true);
	plan->partitioned = true;
	plan->routed = plan_routing(assoc, through);
	parts = palloc0(sizeof(WalkPart) * Max(desc->nparts, 1));
	plan->parts = parts;
	plan->nparts = desc->nparts;
	for (int i = 0; i < desc->nparts && ok; i++)
	{
		ok = get_rel_relkind(desc->oids[i]) == RELKIND_RELATION &&
			plan_part(assoc, desc->oids[i], &parts[i], &plan->checkxmin);
		if (ok && !OidIsValid(parts[i].ok_proc))
			plan->has_usable = false;
	}
	table_close(through, AccessShareLock);
	return ok;
}

/*
 * plan_scope
 *		The equality function of each scope column's type.
 */
static bool
plan_scope(Association *assoc, AssocWalk *plan)
{
	AssocDef   *def = assoc->def;

	plan->scope_eq = palloc0(sizeof(FmgrInfo) * Max(def->nscope, 1));
	plan->scope_collation = palloc0(sizeof(Oid) * Max(def->nscope, 1));
	for (int i = 0; i < def->nscope; i++)
	{
		Oid			coltype;
		int32		typmod;
		TypeCacheEntry *tc;

		get_atttypetypmodcoll(def->through, def->scopeattnum[i], &coltype,
							  &typmod, &plan->scope_collation[i]);
		tc = lookup_type_cache(coltype, TYPECACHE_EQ_OPR);
		if (!OidIsValid(tc->eq_opr))
			return false;
		fmgr_info_cxt(get_opcode(tc->eq_opr), &plan->scope_eq[i],
					  CurrentMemoryContext);
	}
	return true;
}

/*
 * plan_walk
 *		Work out, once per cached association (and again after a change to
 *		a function or to a partition), whether and how its links can be
 *		walked.  The plan is built whole in its own memory context and then
 *		replaces the old one, which is retired: an open walk may still be
 *		using it.
 */
static void
plan_walk(Association *assoc)
{
	AssocDef   *def = assoc->def;
	AssocWalk	plan;
	MemoryContext oldcxt;
	int			unused;
	char		relkind = get_rel_relkind(def->through);

	memset(&plan, 0, sizeof(plan));
	plan.cxt = AllocSetContextCreate(assoc->mcxt, "medium_assoc walk",
									 ALLOCSET_SMALL_SIZES);
	plan.checkxmin = InvalidTransactionId;
	oldcxt = MemoryContextSwitchTo(plan.cxt);

	/*
	 * A target scope and deleted links are left to the statements, and so
	 * are inheritance children (a plain scan of a parent would miss them).
	 */
	if (def->ntscope == 0 && !ma_paranoid(def) &&
		(relkind == RELKIND_PARTITIONED_TABLE ||
		 (relkind == RELKIND_RELATION && !has_subclass(def->through))) &&
		get_rel_relkind(def->target) == RELKIND_RELATION &&
		!has_subclass(def->target) &&
		find_index(def->target, def->keyattnum[MA_TK], true,
				   assoc->keytype[MA_OK], InvalidAttrNumber,
				   &plan.target_index, &plan.tk_proc, &plan.tk_subtype,
				   &plan.tk_collation, &unused) &&
	/* the probe compares through.ok with the target key's collation */
		column_collation(def->through, def->keyattnum[MA_OK]) ==
		column_collation(def->target, def->keyattnum[MA_TK]))
		plan.usable = plan_parts(assoc, &plan) && plan_scope(assoc, &plan);
	MemoryContextSwitchTo(oldcxt);

	plan.checked = true;
	if (assoc->walk.cxt != NULL)
	{
		/* freed on its own, even if the association goes first */
		MemoryContextSetParent(assoc->walk.cxt, TopMemoryContext);
		ma_retire_context(assoc->walk.cxt);
	}
	assoc->walk = plan;
}

/*
 * ma_walk_reads
 *		Does the association's walk, as planned, scan relid?  (A relcache
 *		invalidation of a partition then makes it be planned again.)
 */
bool
ma_walk_reads(const Association *assoc, Oid relid)
{
	const AssocWalk *walk = &assoc->walk;

	if (!walk->checked || !walk->partitioned)
		return false;
	for (int i = 0; i < walk->nparts; i++)
		if (walk->parts[i].relid == relid)
			return true;
	return false;
}

/*
 * xmin_usable_now
 *		An index built over broken HOT chains may not be used by snapshots
 *		older than it (as in the planner's get_relation_info).
 */
static bool
xmin_usable_now(TransactionId checkxmin)
{
	return !TransactionIdIsValid(checkxmin) ||
		TransactionIdPrecedes(checkxmin, TransactionXmin);
}

/*
 * may_walk
 *		The caller may read the whole table and no row-level security
 *		policy applies to it.  (USAGE on its schema is checked by every
 *		caller of the walk, which fails without it as the statement would.)
 *		For a partitioned table these are the partitioned table's, as for a
 *		statement reading it.
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
may_call_walk_functions(const Association *assoc, const AssocWalk *plan,
						int nkeys)
{
	if (!ma_may_execute(plan->tk_proc))
		return false;
	/* partitions share their functions: check each once */
	for (int p = 0; p < plan->nparts; p++)
	{
		const WalkPart *part = &plan->parts[p];
		const WalkPart *prev = p > 0 ? &plan->parts[p - 1] : NULL;

		if ((prev == NULL || part->fk_proc != prev->fk_proc) &&
			!ma_may_execute(part->fk_proc))
			return false;
		if (nkeys > 1 && (prev == NULL || part->ok_proc != prev->ok_proc) &&
			!ma_may_execute(part->ok_proc))
			return false;
	}
	for (int i = 0; i < assoc->def->nscope; i++)
		if (!assoc->scope_null[i] &&
			!ma_may_execute(plan->scope_eq[i].fn_oid))
			return false;
	return true;
}

/*
 * scope_matches
 *		Does the through row in slot (read from part) satisfy the
 *		association's scope?
 */
static bool
scope_matches(const LinkWalk *walk, const WalkPart *part,
			  TupleTableSlot *slot)
{
	const Association *assoc = walk->assoc;

	for (int i = 0; i < assoc->def->nscope; i++)
	{
		bool		isnull;
		Datum		value = slot_getattr(slot, part->scopeattnum[i], &isnull);

		if (assoc->scope_null[i])
		{
			if (!isnull)
				return false;
		}
		else if (isnull ||
				 !DatumGetBool(FunctionCall2Coll(&walk->plan.scope_eq[i],
												 walk->plan.scope_collation[i],
												 value, assoc->scope_value[i])))
			return false;
	}
	return true;
}

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
	return open_walk(assoc, 1, true);
}

/*
 * open_partitions
 *		Open the partitioned through table and read its partitions once.  A
 *		plan made for other partitions (one attached or detached since,
 *		not yet seen as an invalidation, or seen by an older snapshot) is
 *		not used, and is made again next time.
 */
static bool
open_partitions(LinkWalk *walk)
{
	const AssocWalk *plan = &walk->plan;

	walk->through = table_open(walk->assoc->def->through, AccessShareLock);
	walk->partitions = RelationGetPartitionDesc(walk->through, true);
	if (walk->partitions->nparts != plan->nparts)
		return false;
	for (int i = 0; i < plan->nparts; i++)
		if (walk->partitions->oids[i] != plan->parts[i].relid)
			return false;
	return true;
}

/*
 * open_walk
 *		ma_walk_open, with nkeys scan keys on the through indexes, and the
 *		target's index when with_target (not to look for link rows only).
 *		The through table (an unpartitioned one's scan opened at once) is
 *		locked before the target, as by the statement's join.
 */
static LinkWalk *
open_walk(Association *assoc, int nkeys, bool with_target)
{
	AssocDef   *def = assoc->def;
	LinkWalk   *walk;

	if (!assoc->walk.checked)
		plan_walk(assoc);
	if (!assoc->walk.usable || !may_walk(def->through) ||
		!may_walk(def->target) ||
		!may_call_walk_functions(assoc, &assoc->walk, nkeys) ||
		!xmin_usable_now(assoc->walk.checkxmin))
		return NULL;

	walk = palloc0(sizeof(LinkWalk));
	walk->cxt = CurrentMemoryContext;
	walk->assoc = assoc;
	walk->plan = assoc->walk;
	walk->snapshot = GetActiveSnapshot();
	walk->nkeys = nkeys;
	walk->parts = palloc0(sizeof(PartScan) * Max(walk->plan.nparts, 1));
	for (int i = 0; i < walk->plan.nparts; i++)
		walk->parts[i].part = &walk->plan.parts[i];
	if (walk->plan.partitioned && !open_partitions(walk))
	{
		assoc->walk.checked = false;
		table_close(walk->through, NoLock);
		pfree(walk->parts);
		pfree(walk);
		return NULL;
	}
	if (!walk->plan.partitioned)
		(void) part_scan(walk, 0);
	if (!with_target)
		return walk;			/* link rows only: the target is not read */
	walk->target = table_open(def->target, AccessShareLock);
	walk->target_index = index_open(walk->plan.target_index, AccessShareLock);
	walk->target_vmbuffer = InvalidBuffer;
	walk->row = table_slot_create(walk->target, NULL);
	walk->rows = index_beginscan(walk->target, walk->target_index,
								 walk->snapshot, 1, 0);
	if (!index_usable_now(walk->target_index))
	{
		ma_walk_close(walk);
		return NULL;
	}
	return walk;
}

/*
 * plan_current
 *		Is the plan the walk opened with still the association's?  Taking
 *		a lock may have let in an invalidation that replaced it.
 */
static bool
plan_current(const LinkWalk *walk)
{
	return walk->assoc->valid && walk->assoc->walk.checked &&
		walk->assoc->walk.cxt == walk->plan.cxt;
}

/*
 * replan_part
 *		A partition, just locked, whose plan may be stale: find its index
 *		again, now that nothing can change it; without a usable one, scan
 *		its heap with the same equality functions as scan keys.
 */
static void
replan_part(LinkWalk *walk, PartScan *ps)
{
	WalkPart   *fresh = palloc0(sizeof(WalkPart));
	TransactionId checkxmin = InvalidTransactionId;
	const WalkPart *old = ps->part;

	if (plan_part(walk->assoc, old->relid, fresh, &checkxmin) &&
		xmin_usable_now(checkxmin) &&
		ma_may_execute(fresh->fk_proc) &&
		(walk->nkeys == 1 ||
		 (OidIsValid(fresh->ok_proc) && ma_may_execute(fresh->ok_proc))))
	{
		ps->part = fresh;
		return;
	}
	/* the old plan's functions, on this partition's columns */
	fresh->index = InvalidOid;
	fresh->ok_index_att = 0;
	fresh->fk_proc = old->fk_proc;
	fresh->fk_subtype = old->fk_subtype;
	fresh->fk_collation = old->fk_collation;
	fresh->ok_proc = old->ok_proc;
	fresh->ok_subtype = old->ok_subtype;
	fresh->ok_collation = old->ok_collation;
	ps->part = fresh;
}

/*
 * part_scan
 *		The scan of part i, opened (and locked, as the statement's scan of
 *		that partition would) on first use, its index scan begun again if
 *		end_part_scan ended it.
 */
static PartScan *
part_scan(LinkWalk *walk, int i)
{
	PartScan   *ps = &walk->parts[i];
	MemoryContext oldcxt = MemoryContextSwitchTo(walk->cxt);

	if (ps->rel == NULL)
	{
		ps->rel = table_open(ps->part->relid, AccessShareLock);
		if (!plan_current(walk))
			replan_part(walk, ps);
		ps->slot = table_slot_create(ps->rel, NULL);
		ps->vmbuffer = InvalidBuffer;
		if (OidIsValid(ps->part->index))
			ps->index = index_open(ps->part->index, AccessShareLock);
	}
	if (ps->index != NULL && ps->scan == NULL)
	{
		ps->scan = index_beginscan(ps->rel, ps->index, walk->snapshot,
								   walk->nkeys, 0);
		ps->scan->xs_want_itup = ps->part->ok_index_att > 0;
	}
	MemoryContextSwitchTo(oldcxt);
	return ps;
}

/*
 * end_part_scan
 *		Done with a partition for now: for a walk's first source, end its
 *		index scan (and let go of its row's buffer), keeping the relations
 *		open and locked.  A B-tree scan allocates some 27 kB, in a block of
 *		its own; ending each partition's scan before the next begins lets
 *		the next reuse that memory, where thirteen open scans would grow and
 *		shrink the process's heap on every call of a reader, count() or
 *		has().  A walk that goes on to a second source (a reader called for
 *		each row of a query) keeps its scans open from then on, to rescan
 *		them; so does the one scan of an unpartitioned table.
 */
static void
end_part_scan(LinkWalk *walk, PartScan *ps)
{
	if (!walk->plan.partitioned || walk->nsources > 1 || ps->scan == NULL)
		return;
	ExecClearTuple(ps->slot);
	index_endscan(ps->scan);
	ps->scan = NULL;
}

/*
 * route_source
 *		The partition holding the links of source, -1 if none may (as
 *		get_partition_for_tuple routes a row with that key).
 */
static int
route_source(LinkWalk *walk, Datum source)
{
	PartitionKey key = RelationGetPartitionKey(walk->through);
	PartitionBoundInfo bounds = walk->partitions->boundinfo;
	bool		isnull = false;
	bool		equal = false;
	uint64		hash;
	int			offset;
	int			part = -1;

	if (walk->partitions->nparts == 0)
		return -1;
	switch (get_partition_strategy(key))
	{
		case PARTITION_STRATEGY_HASH:
			hash = compute_partition_hash_value(1, key->partsupfunc,
												key->partcollation,
												&source, &isnull);
			part = bounds->indexes[hash % bounds->nindexes];
			break;
		case PARTITION_STRATEGY_LIST:
			offset = partition_list_bsearch(key->partsupfunc,
											key->partcollation, bounds,
											source, &equal);
			if (offset >= 0 && equal)
				part = bounds->indexes[offset];
			break;
		case PARTITION_STRATEGY_RANGE:
			offset = partition_range_datum_bsearch(key->partsupfunc,
												   key->partcollation,
												   bounds, 1, &source, &equal);
			part = bounds->indexes[offset + 1];
			break;
		default:
			elog(ERROR, "unexpected partition strategy: %d",
				 (int) get_partition_strategy(key));
	}
	return part >= 0 ? part : bounds->default_index;
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
 * rescan_part
 *		Start the scan of a part for the links of source (and, when the
 *		walk has two keys, to target).
 */
static void
rescan_part(LinkWalk *walk, PartScan *ps, Datum source, Datum target)
{
	const WalkPart *part = ps->part;
	bool		heap = !OidIsValid(part->index);

	ScanKeyEntryInitialize(&ps->keys[0], 0, heap ? part->fkattnum : 1,
						   BTEqualStrategyNumber, part->fk_subtype,
						   part->fk_collation, part->fk_proc, source);
	if (walk->nkeys > 1)
		ScanKeyEntryInitialize(&ps->keys[1], 0, heap ? part->okattnum : 2,
							   BTEqualStrategyNumber, part->ok_subtype,
							   part->ok_collation, part->ok_proc, target);
	if (!heap)
		index_rescan(ps->scan, ps->keys, walk->nkeys, NULL, 0);
	else if (ps->heap == NULL)
		ps->heap = table_beginscan(ps->rel, walk->snapshot, walk->nkeys,
								   ps->keys);
	else
		table_rescan(ps->heap, ps->keys);
}

/*
 * next_link
 *		The other key of the source's next link in a part, false at the
 *		end.  Reads it from the index when the index holds it and the heap
 *		page is all visible, as an index-only scan does; otherwise from the
 *		heap row, checking the scope.
 */
static bool
next_link(LinkWalk *walk, PartScan *ps, Datum *other)
{
	const WalkPart *part = ps->part;
	bool		isnull;

	if (part->ok_index_att == 0)
	{
		while (ps->heap != NULL ?
			   table_scan_getnextslot(ps->heap, ForwardScanDirection, ps->slot) :
			   index_getnext_slot(ps->scan, ForwardScanDirection, ps->slot))
		{
			*other = slot_getattr(ps->slot, part->okattnum, &isnull);
			if (!isnull && scope_matches(walk, part, ps->slot))
				return true;
		}
		return false;
	}

	for (;;)
	{
		ItemPointer tid = index_getnext_tid(ps->scan, ForwardScanDirection);

		if (tid == NULL)
			return false;
		if (!VM_ALL_VISIBLE(ps->rel, ItemPointerGetBlockNumber(tid),
							&ps->vmbuffer))
		{
			if (!index_fetch_heap(ps->scan, ps->slot))
				continue;		/* no visible row behind this entry */
			*other = slot_getattr(ps->slot, part->okattnum, &isnull);
		}
		else
		{
			*other = index_getattr(ps->scan->xs_itup, part->ok_index_att,
								   ps->scan->xs_itupdesc, &isnull);
			/* as in IndexOnlyNext: no heap access, so lock the page */
			PredicateLockPage(ps->rel, ItemPointerGetBlockNumber(tid),
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
	const AssocWalk *plan = &walk->plan;
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
 * walk_parts
 *		The parts that may hold links of source: the one it routes to when
 *		routed (none when no partition accepts it), else all.  Returns how
 *		many, the first in *first.
 */
static int
walk_parts(LinkWalk *walk, Datum source, int *first)
{
	if (walk->plan.routed)
	{
		*first = route_source(walk, source);
		return *first >= 0 ? 1 : 0;
	}
	*first = 0;
	return walk->plan.nparts;
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
	MemoryContext oldcxt = MemoryContextSwitchTo(walk->cxt);
	int			first;
	int			n = walk_parts(walk, source, &first);

	walk->nsources++;
	for (int i = first; i < first + n; i++)
	{
		PartScan   *ps = part_scan(walk, i);
		Datum		other;

		rescan_part(walk, ps, source, (Datum) 0);
		while (next_link(walk, ps, &other))
		{
			CHECK_FOR_INTERRUPTS();
			if (probe_target(walk, other, need_row))
				visit(need_row ? walk->row : NULL, arg);
		}
		end_part_scan(walk, ps);
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
	for (int i = 0; i < walk->plan.nparts; i++)
	{
		PartScan   *ps = &walk->parts[i];

		if (ps->rel == NULL)
			continue;
		if (BufferIsValid(ps->vmbuffer))
			ReleaseBuffer(ps->vmbuffer);
		if (ps->scan != NULL)
			index_endscan(ps->scan);
		if (ps->heap != NULL)
			table_endscan(ps->heap);
		ExecDropSingleTupleTableSlot(ps->slot);
		if (ps->index != NULL)
			index_close(ps->index, NoLock);
		table_close(ps->rel, NoLock);
	}
	if (walk->target != NULL)
	{
		if (BufferIsValid(walk->target_vmbuffer))
			ReleaseBuffer(walk->target_vmbuffer);
		index_endscan(walk->rows);
		ExecDropSingleTupleTableSlot(walk->row);
		index_close(walk->target_index, NoLock);
		table_close(walk->target, NoLock);
	}
	if (walk->through != NULL)
		table_close(walk->through, NoLock);
	pfree(walk->parts);
	pfree(walk);
}

/*
 * walk_link
 *		Look the link from source to target up with both keys: is there
 *		one, visible, whose target row is visible too (with probe)?  False,
 *		having done nothing, when it cannot.
 */
static bool
walk_link(Association *assoc, Datum source, Datum target, bool probe,
		  bool *linked)
{
	LinkWalk   *walk;
	int			first;
	int			n;

	if (!ma_walk_usable(assoc))
		return false;
	walk = open_walk(assoc, 2, probe);
	if (walk == NULL)
		return false;

	*linked = false;
	n = walk_parts(walk, source, &first);
	for (int i = first; i < first + n && !*linked; i++)
	{
		PartScan   *ps = part_scan(walk, i);
		Datum		other;

		rescan_part(walk, ps, source, target);
		while (!*linked && next_link(walk, ps, &other))
			*linked = !probe || probe_target(walk, other, false);
		end_part_scan(walk, ps);
	}
	ma_walk_close(walk);
	return true;
}

/*
 * ma_walk_usable
 *		May the association's links be looked up by both keys with the walk
 *		(as planned; a call may still find it cannot, as the caller)?
 */
bool
ma_walk_usable(Association *assoc)
{
	if (!assoc->walk.checked)
		plan_walk(assoc);
	return assoc->walk.usable && assoc->walk.has_usable;
}

/*
 * ma_walk_has
 *		Is target linked to source, its row visible (has())?
 */
bool
ma_walk_has(Association *assoc, Datum source, Datum target, bool *linked)
{
	return walk_link(assoc, source, target, true, linked);
}

/*
 * ma_walk_linked
 *		Is there a link row from source to target, whatever its target row
 *		(the NOT EXISTS of add()'s INSERT)?
 */
bool
ma_walk_linked(Association *assoc, Datum source, Datum target, bool *linked)
{
	return walk_link(assoc, source, target, false, linked);
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
