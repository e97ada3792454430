/*-------------------------------------------------------------------------
 *
 * medium_assoc.h
 *	  Shared definitions of the medium_assoc extension: the definition of a
 *	  registered many-to-many association, its cached run-time form, and the
 *	  entry points each module offers the others.
 *
 * An association is stored in medium_assoc.registry by name (the alias).
 * Relations are kept as OIDs (regclass), which survive renames and dumps;
 * key columns are kept both by name (which survives a dump) and by
 * attribute number (which survives a rename).  Each backend caches the
 * run-time form of the associations it uses, with their prepared plans.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEDIUM_ASSOC_H
#define MEDIUM_ASSOC_H

#include "postgres.h"

#include "access/attnum.h"
#include "access/tupdesc.h"
#include "fmgr.h"
#include "executor/spi.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"

#define MA_SCHEMA			"medium_assoc"
#define MA_REGISTRY			"registry"
#define MA_EXTENSION		"medium_assoc"
#define MA_LIBRARY			"$libdir/medium_assoc"
#define MA_READER_SYMBOL	"medium_assoc_reader"
#define MA_BATCH_SYMBOL		"medium_assoc_batch"
#define MA_BATCH_SUFFIX		"_batch"
#define MA_KIND				"belongs_to_many"

/* the typed helpers of an association: <alias><suffix>, running symbol */
#define MA_ADD_SUFFIX		"_add"
#define MA_REMOVE_SUFFIX	"_remove"
#define MA_SET_SUFFIX		"_set"
#define MA_HAS_SUFFIX		"_has"
#define MA_COUNT_SUFFIX		"_count"
#define MA_CREATE_SUFFIX	"_create"
#define MA_TYPED_PREFIX		"medium_assoc_typed_"
/* aliases up to this long get typed helpers (the longest suffix fits) */
#define MA_MAX_HELPER_ALIAS_LEN	(NAMEDATALEN - 1 - (int) strlen(MA_REMOVE_SUFFIX))

/* an alias must leave room for the "_batch" suffix within NAMEDATALEN */
#define MA_MAX_ALIAS_LEN	(NAMEDATALEN - 1 - (int) strlen(MA_BATCH_SUFFIX))

/* the timestamps of a link, in the registry's timestamps object */
#define MA_TS_CREATED	0		/* "createdAt": written when a link is made */
#define MA_TS_UPDATED	1		/* "updatedAt": also when its attributes change */
#define MA_TS_DELETED	2		/* "deletedAt": set instead of deleting a link
								 * (Sequelize's paranoid) */
#define MA_NTIMESTAMPS	3
#define ma_paranoid(def) ((def)->tsname[MA_TS_DELETED] != NULL)

/* positions of the key columns in the registry's attnums array */
#define MA_FK	0				/* through column pointing at source */
#define MA_OK	1				/* through column pointing at target */
#define MA_SK	2				/* source key */
#define MA_TK	3				/* target key */
#define MA_NKEYS 4

/*
 * An association as registered: what medium_assoc.registry holds.
 */
/* the kinds of association */
typedef enum AssocKind
{
	AK_BELONGS_TO_MANY,			/* links in a through table */
	AK_HAS_MANY,				/* the target's foreign key: the target table
								 * is its own "through" table, the other key
								 * its key */
	AK_HAS_ONE,					/* the same, one target at most */
	AK_BELONGS_TO				/* the source's foreign key: the source table
								 * is the "through" table, the foreign key its
								 * key, the other key the foreign key */
} AssocKind;

/* the target's foreign key holds the link (has_many, has_one) */
#define ma_has_many(def) ((def)->kind == AK_HAS_MANY || (def)->kind == AK_HAS_ONE)
/* the source's foreign key holds the link */
#define ma_belongs_to(def) ((def)->kind == AK_BELONGS_TO)
/* no through table of its own */
#define ma_direct(def) (ma_has_many(def) || ma_belongs_to(def))
/* at most one target per source: set() alone writes */
#define ma_single(def) ((def)->kind == AK_HAS_ONE || (def)->kind == AK_BELONGS_TO)


typedef struct AssocDef
{
	char	   *name;
	AssocKind	kind;
	Oid			source;
	Oid			target;
	Oid			through;
	char	   *keyname[MA_NKEYS];
	AttrNumber	keyattnum[MA_NKEYS];
	Jsonb	   *scope;			/* NULL when unscoped */
	int			nscope;
	char	  **scopename;		/* through columns of the scope */
	AttrNumber *scopeattnum;
	char	  **scopevalue;		/* text form; NULL means SQL NULL */
	Jsonb	   *target_scope;	/* NULL when the targets are not scoped */
	int			ntscope;
	char	  **tscopename;		/* target columns of the target scope */
	AttrNumber *tscopeattnum;
	char	  **tscopevalue;
	char	   *tsname[MA_NTIMESTAMPS];	/* timestamp columns, or NULL */
	AttrNumber	tsattnum[MA_NTIMESTAMPS];
	Jsonb	   *timestamps_arg; /* as given to belongs_to_many, or NULL */
} AssocDef;

/* the statements an association runs, each prepared once per backend */
typedef enum AssocQuery
{
	AQ_READ,					/* reader: target rows of one source */
	AQ_BATCH,					/* batch reader: (source, target) pairs */
	AQ_COUNT,					/* number of links of one source */
	AQ_HAS_ONE,					/* is one target linked */
	AQ_HAS_ALL,					/* are all targets of an array linked */
	AQ_CHECK,					/* do the source and all targets exist */
	AQ_INSERT,					/* link targets not yet linked */
	AQ_INSERT_ONE,				/* link one target if not linked yet */
	AQ_INSERT_ONE_WALKED,		/* the same, looked up by _linked() */
	AQ_LINKED,					/* is there a link row to one target */
	AQ_UPDATE,					/* apply through_attrs to existing links */
	AQ_DELETE,					/* unlink the given targets */
	AQ_DELETE_ONE,				/* unlink one target */
	AQ_DELETE_OTHERS,			/* unlink all but the given targets */
	AQ_OTHERS,					/* the targets AQ_DELETE_OTHERS would unlink */
	AQ_REVIVE,					/* paranoid: undelete links to the targets */
	AQ_NUM_QUERIES
} AssocQuery;

/*
 * One table whose links the walk scans: the through table itself, or one
 * of its partitions, with its own column numbers and index.
 */
typedef struct WalkPart
{
	Oid			relid;
	Oid			index;			/* btree index led by the foreign key */
	AttrNumber	fkattnum;		/* the foreign key's column in relid */
	AttrNumber	okattnum;		/* the other key's column in relid */
	AttrNumber *scopeattnum;	/* the scope's columns in relid */
	int			ok_index_att;	/* ok's column in that index, or 0: then the
								 * links are read index-only when unscoped */
	RegProcedure ok_proc;		/* equality of its 2nd column and a target
								 * key, when that column is ok (for has) */
	Oid			ok_subtype;
	Oid			ok_collation;
	RegProcedure fk_proc;		/* equality of index key and source key */
	Oid			fk_subtype;
	Oid			fk_collation;
} WalkPart;

/*
 * How to walk an association's links with index scans, without SPI: a
 * btree index led by the foreign key on the through table (on each of its
 * partitions when it is partitioned) and the target key's unique index.
 * Worked out on first use; usable is false when a suitable index is
 * missing or a table has inheritance children (walk.c tells which).
 */
typedef struct AssocWalk
{
	MemoryContext cxt;			/* holds this plan; retired when replaced */
	bool		checked;
	bool		usable;
	bool		partitioned;	/* parts are the through table's partitions */
	bool		routed;			/* its partition key is the foreign key: a
								 * source's links are in one partition */
	bool		has_usable;		/* every part has ok_proc */
	int			nparts;
	WalkPart   *parts;
	TransactionId checkxmin;	/* newest xmin of a part's index built over
								 * broken HOT chains, or invalid */
	Oid			target_index;
	RegProcedure tk_proc;		/* equality of target key and through.ok */
	Oid			tk_subtype;
	Oid			tk_collation;
	FmgrInfo   *scope_eq;		/* per scope column: equality function */
	Oid		   *scope_collation;
} AssocWalk;

/*
 * The run-time form of an association, cached per backend.
 */
typedef struct Association
{
	NameData	name;			/* the alias */
	bool		valid;			/* false once an invalidation hit it */
	MemoryContext mcxt;			/* holds everything below */
	AssocDef   *def;
	Oid			keytype[MA_NKEYS];	/* column types of the four keys */
	Oid			skarraytype;	/* array type of the source key */
	Oid			tkarraytype;	/* array type of the target key */
	Oid			fk_eq_opr;		/* through.fk = source key */
	Oid			ok_eq_opr;		/* through.ok = target key */
	Oid			sk_eq_opr;		/* source key = source key */
	Oid			tk_eq_opr;		/* target key = target key */
	Oid			sk_collation;	/* collation of the source key column */
	Oid			tk_collation;	/* collation of the target key column */
	bool		fk_enforced;	/* validated immediate foreign keys check both
								 * through columns */
	bool		ok_fk_enforced; /* ... through.ok at least */
	Oid		   *scope_type;		/* per scope column: its type, */
	Datum	   *scope_value;	/* its value, read once (scope.c) */
	bool	   *scope_null;		/* ... or IS NULL */
	Oid		   *tscope_type;	/* the same for the target scope */
	Datum	   *tscope_value;
	bool	   *tscope_null;
	bool		scope_as_literals;	/* SQL with scope values as literals */
	List	   *plans;			/* of AssocPlan */
	AssocWalk	walk;
	Oid			linked_fn;		/* medium_assoc._linked(), once looked up;
								 * InvalidOid in a database not updated
								 * from 1.0 */
	Oid			linked_fn_nsp;	/* its schema */
	bool		linked_fn_checked;
} Association;

/* a prepared statement of an association; variant names the attr columns */
typedef struct AssocPlan
{
	AssocQuery	query;
	char	   *variant;
	SPIPlanPtr	plan;
} AssocPlan;

/* the caller's identity, saved while acting as the registry's owner */
typedef struct RegistryUser
{
	Oid			userid;
	int			sec_context;
	int			guc_nestlevel;
} RegistryUser;

/* privilege checks that differ between major versions */
#if PG_VERSION_NUM >= 160000
#define ma_table_ownercheck(relid, roleid) \
	object_ownercheck(RelationRelationId, (relid), (roleid))
#define ma_schema_aclcheck(nsp, roleid, mode) \
	object_aclcheck(NamespaceRelationId, (nsp), (roleid), (mode))
#define ma_function_aclcheck(funcid, roleid, mode) \
	object_aclcheck(ProcedureRelationId, (funcid), (roleid), (mode))
#define ma_function_ownercheck(funcid, roleid) \
	object_ownercheck(ProcedureRelationId, (funcid), (roleid))
#else
#define ma_table_ownercheck(relid, roleid) pg_class_ownercheck((relid), (roleid))
#define ma_schema_aclcheck(nsp, roleid, mode) \
	pg_namespace_aclcheck((nsp), (roleid), (mode))
#define ma_function_aclcheck(funcid, roleid, mode) \
	pg_proc_aclcheck((funcid), (roleid), (mode))
#define ma_function_ownercheck(funcid, roleid) pg_proc_ownercheck((funcid), (roleid))
#endif

/* access.c */
extern void ma_require_schema_usage(Oid relid);
#define MA_NAMES_TARGET	0x01	/* the statements name the target table */
#define MA_NAMES_SOURCE	0x02	/* ... and the source table */
extern void ma_require_association_usage(const Association *assoc,
										 int names);
extern bool ma_may_execute(Oid funcid);
extern void ma_require_execute(Oid funcid);

/* registry.c */
extern Oid	ma_registry_relid(void);
extern Snapshot ma_registry_snapshot(void);
extern AssocDef *ma_registry_fetch(const char *name, bool missing_ok);
extern AssocDef *ma_def_from_row(HeapTuple tuple, TupleDesc tupdesc);
extern int	ma_attnums_from_row(HeapTuple tuple, TupleDesc tupdesc,
								const char *colname, AttrNumber *out, int max);
extern Datum ma_attnums_datum(const AttrNumber *attnums, int n);
extern List *ma_registry_all(void);
extern void ma_registry_insert(const AssocDef *def);
extern bool ma_registry_inserting(void);
extern bool ma_registry_has_timestamps(void);
extern bool ma_registry_has_column(const char *name);
extern const char *ma_timestamp_key(int i);
extern Jsonb *ma_timestamps_jsonb(const AssocDef *def);
extern void ma_registry_set_scope(const AssocDef *def);
extern void ma_registry_delete(const AssocDef *def);
extern void ma_registry_changed(void);
extern void ma_become_registry_owner(RegistryUser *saved);
extern void ma_restore_user(RegistryUser *saved);
extern Association *ma_lookup(const char *name);
extern Association *ma_lookup_for_function(Oid fn_oid, bool batch);
extern Association *ma_lookup_for_helper(Oid fn_oid, const char *suffix);
extern SPIPlanPtr ma_get_plan(Association *assoc, AssocQuery query,
							  List *attrs);
extern void ma_fill_scope_params(const Association *assoc, Datum *values,
								 char *nulls);
extern void ma_register_callbacks(void);
extern void ma_retire_context(MemoryContext cxt);
extern uint64 ma_cache_generation(void);

/* validate.c */
extern void ma_validate_definition(AssocDef *def);
extern void ma_resolve_attnums(AssocDef *def);
extern void ma_describe(Association *assoc);
extern List *ma_through_attr_columns(const Association *assoc, Jsonb *attrs);
extern bool ma_key_is_unique(Oid relid, AttrNumber attnum, Oid excluding);

/* scope.c */
extern void ma_parse_scope(AssocDef *def);
extern void ma_canonicalize_scope(AssocDef *def);
extern void ma_scope_values(Association *assoc);

/* the parameters of an association's statements: $1 the source key, $2 the
 * target key or keys, $3 through_attrs, then one per scope column, then one
 * per target scope column */
#define MA_FIRST_SCOPE_PARAM 4
#define ma_nparams(assoc) \
	(MA_FIRST_SCOPE_PARAM - 1 + (assoc)->def->nscope + (assoc)->def->ntscope)
/* the parameter of target scope value i: after the scope's */
#define ma_tscope_param(assoc, i) \
	(MA_FIRST_SCOPE_PARAM + (assoc)->def->nscope + (i))

/* objects.c */
extern Oid	ma_find_function(const char *name, const char *symbol);
extern void ma_ensure_objects(const AssocDef *def);
extern char *ma_batch_name(const char *name);
extern void ma_refresh_comments(const AssocDef *def);
extern int	ma_helper_count(const char *alias);
extern char *ma_helper_name(const char *alias, int i);
extern bool ma_helper_applies(const AssocDef *def, int i);
extern Oid	ma_relation_owner(Oid relid);
extern const char *ma_helper_symbol(int i);
extern int	ma_helper_argtypes(int i, Oid sktype, Oid tktype, Oid *argtypes);

/* chain.c */
extern void ma_refresh_chains(void);

/* registry.c: the kinds' names, the chains' table */
extern Oid	ma_chains_relid(void);
extern const char *ma_kind_name(const AssocDef *def);
extern AssocKind ma_kind_from_name(const char *name);

/* links.c: the columns of the link rows, and the SELECT list making them */
typedef struct LinkColumns
{
	int			n;
	char	  **names;
	Oid		   *types;
	StringInfoData select_list;
} LinkColumns;

extern char *ma_links_name(const char *alias);
extern LinkColumns *ma_link_columns(const AssocDef *def);
extern char *ma_link_view_query(const AssocDef *def, const LinkColumns *cols);
extern void ma_ensure_links(const AssocDef *def, Oid reader, Oid owner);
extern void ma_refresh_links(const AssocDef *def);
extern bool ma_has_link_functions(const AssocDef *def);
extern Oid	ma_link_functions_namespace(const AssocDef *def);
extern Oid	ma_reader_part(Oid reader, Oid classid, const char *name);
extern void ma_depend_on_reader(Oid classid, Oid objid, Oid reader);

/* linkview.c */
extern void ma_ensure_link_view(const AssocDef *def, Oid reader, Oid owner);
extern void ma_refresh_link_view(const AssocDef *def);
extern void ma_release_link_views(Oid relid);

/* sqlgen.c */
extern char *ma_build_query(const Association *assoc, AssocQuery query,
							List *attrs);
extern char *ma_build_links_query(const Association *assoc,
								  const char *select_list, bool for_source);
extern char *ma_build_chain_query(Association **steps, int nsteps,
								  const char *select_list);
extern char *ma_relation_name(Oid relid);
extern bool ma_attrs_update_links(const Association *assoc, List *attrs);

/* statement.c */
extern char *ma_function_name(Oid funcid);
extern char *ma_statement_context(const Association *assoc, AssocQuery query,
								  const char *function);
extern void ma_rethrow_in_context(MemoryContext cxt, const char *line,
								  SPIPlanPtr plan) pg_attribute_noreturn();
extern ErrorData *ma_try_in_subtransaction(void (*fn) (void *arg), void *arg);

/* reader.c */
extern void ma_init_result(FunctionCallInfo fcinfo, TupleDesc *desc);

/* walk.c */
struct TupleTableSlot;
typedef void (*LinkVisitor) (struct TupleTableSlot *target, void *arg);
typedef struct LinkWalk LinkWalk;
extern LinkWalk *ma_walk_open(Association *assoc);
extern Snapshot ma_walk_snapshot(const LinkWalk *walk);
extern void ma_walk_run(LinkWalk *walk, Datum source, LinkVisitor visit,
						void *arg, bool need_row);
extern void ma_walk_close(LinkWalk *walk);
extern bool ma_walk_links(Association *assoc, Datum source,
						  LinkVisitor visit, void *arg);
extern bool ma_walk_usable(Association *assoc);
extern bool ma_walk_has(Association *assoc, Datum source, Datum target,
						bool *linked);
extern bool ma_walk_linked(Association *assoc, Datum source, Datum target,
						   bool *linked);
extern bool ma_walk_reads(const Association *assoc, Oid relid);

/* probe.c */
extern bool ma_servers_answer(char *const *conninfos, int n, int timeout_ms);

/* mutate.c */
extern uint64 ma_link_new_target(Association *assoc, Oid helper, Datum source,
								 Datum target, Jsonb *through_attrs);
extern void ma_unlink_all(Association *assoc, Oid helper, Datum source);

/* keyvalue.c */
extern Datum ma_key_from_arg(FunctionCallInfo fcinfo, int argno, Oid keytype);
extern ArrayType *ma_keys_from_arg(FunctionCallInfo fcinfo, int argno,
								   Oid keytype, bool *has_null);
extern ArrayType *ma_single_key_array(Datum value, Oid keytype);
extern char *ma_key_to_text(Datum value, Oid keytype);
extern void ma_register_cast_callbacks(void);

#endif							/* MEDIUM_ASSOC_H */
