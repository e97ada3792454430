# testlib.sh: what the script tests in .ci/tests/ share (sourced, not run).
#   pass MSG / fail MSG   report one check; fail counts it
#   sql DB ARGS...        psql on a database, quiet, stopping at the first error
#   finish NAME           the closing line; exits 1 if a check failed

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

sql() {
    local db=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "FAIL: $1: $failures failure(s)"
        exit 1
    fi
    echo "PASS: $1: all checks passed"
}
