/*-------------------------------------------------------------------------
 *
 * medium_assoc.c
 *	  Module entry point of medium_assoc: ORM-style many-to-many
 *	  associations (belongsToMany ... through) registered in the database,
 *	  with generated readers and link helpers.
 *
 * The work is divided by concern:
 *	  registry.c  the registry table and the per-backend association cache
 *	  validate.c  validation against the catalogs
 *	  objects.c   the reader functions and their dependencies
 *	  sqlgen.c    the text of the statements, quoted and qualified
 *	  reader.c    the readers
 *	  walk.c      walking links with index scans, the readers' fast path
 *	  mutate.c    add, remove, set, has, count
 *	  keyvalue.c  turning "any" arguments into key values
 *	  scope.c     scope values: resolved once, kept in canonical form
 *	  access.c    privilege checks the statements would make
 *	  statement.c errors raised inside the statements, as users see them
 *	  register.c  belongs_to_many and drop_association
 *	  ddl.c       triggers that follow DDL and restores
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "medium_assoc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * _PG_init
 *		Register the cache invalidation callbacks.
 */
void
_PG_init(void)
{
	ma_register_callbacks();
	ma_register_cast_callbacks();
}
