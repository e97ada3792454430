# medium_assoc: many-to-many associations for PostgreSQL

EXTENSION = medium_assoc
EXTVERSION = 1.1

MODULE_big = medium_assoc
OBJS = \
	extension/medium_assoc.o \
	extension/registry.o \
	extension/validate.o \
	extension/objects.o \
	extension/sqlgen.o \
	extension/reader.o \
	extension/walk.o \
	extension/mutate.o \
	extension/keyvalue.o \
	extension/register.o \
	extension/ddl.o \
	extension/access.o \
	extension/scope.o \
	extension/statement.o \
	extension/links.o \
	extension/linkview.o \
	extension/create.o \
	extension/chain.o \
	extension/router.o \
	extension/probe.o

DATA = $(wildcard extension/$(EXTENSION)--*.sql)

TESTS = $(wildcard sql/*.sql)
REGRESS = $(patsubst sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

ISOLATION = $(patsubst specs/%.spec,%,$(wildcard specs/*.spec))
ISOLATION_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every module includes the shared header
$(OBJS): extension/medium_assoc.h

# make demo: run examples/medium_clone.sql on a throwaway cluster (after make install)
.PHONY: demo
demo:
	pg_virtualenv -t -v $(MAJORVERSION) -c '--locale=C.UTF-8' \
		psql -X -v ON_ERROR_STOP=1 -f examples/medium_clone.sql
