#!/usr/bin/env bash
# A private Virtuoso (Debian virtuoso-opensource) on loopback, for running the
# analyst queries against an existing SPARQL server through the standard protocol.
#
#   scripts/virtuoso.sh install            apt-get install virtuoso-opensource (root; once)
#   scripts/virtuoso.sh start DIR [PORT]   a fresh database in DIR, HTTP on 127.0.0.1:PORT
#                                          (default 8899; SQL on PORT+1), SPARQL updates
#                                          allowed for loopback clients (loading the graph)
#   scripts/virtuoso.sh user DIR NAME PASSWORD
#                                          a user who may write through the authenticated
#                                          endpoints /sparql-auth and /sparql-graph-crud-auth
#                                          (HTTP digest), as a deployment writes
#   scripts/virtuoso.sh stop DIR           stop it
#
# Then load a store through the Graph Store protocol and compare:
#   PYTHONPATH=src python -m raadsgraf.graph.gsp --store indexes/store http://127.0.0.1:8899
set -euo pipefail

cmd=${1:-}
case "$cmd" in
install)
    if command -v virtuoso-t >/dev/null; then exit 0; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends virtuoso-opensource
    ;;
start)
    dir=${2:?usage: $0 start DIR [PORT]}
    http=${3:-8899}
    sql=$((http + 1))
    command -v virtuoso-t >/dev/null || { echo "virtuoso-t not installed: $0 install" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
Striping           = 0
[Parameters]
ServerPort         = 127.0.0.1:$sql
DirsAllowed        = ., $dir
NumberOfBuffers    = 20000
MaxDirtyBuffers    = 12000
[HTTPServer]
ServerPort         = 127.0.0.1:$http
ServerRoot         = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows   = 100000
MaxQueryExecutionTime = 60
DefaultGraph       = https://raadsgraf.dk/graph/union
INI
    (cd "$dir" && virtuoso-t +configfile "$dir/virtuoso.ini" +wait)
    for _ in $(seq 60); do
        curl -sf "http://127.0.0.1:$http/sparql?query=ASK%7B%7D" >/dev/null && break
        sleep 1
    done
    # loopback only: let the anonymous SPARQL user write, for the Graph Store protocol
    isql-vt "$sql" dba dba exec="GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);" >/dev/null
    echo "Virtuoso on http://127.0.0.1:$http/sparql (data in $dir)"
    ;;
user)
    dir=${2:?usage: $0 user DIR NAME PASSWORD}
    name=${3:?usage: $0 user DIR NAME PASSWORD}
    password=${4:?usage: $0 user DIR NAME PASSWORD}
    sql=$(sed -n 's/^ServerPort *= *127.0.0.1:\([0-9]*\)$/\1/p' "$dir/virtuoso.ini" | head -1)
    # SQL string literals: a quote doubled
    n=${name//\'/\'\'}
    p=${password//\'/\'\'}
    isql-vt "$sql" dba dba exec="DB.DBA.USER_CREATE ('$n', '$p'); GRANT SPARQL_UPDATE TO \"$n\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('$n', 7);" >/dev/null
    ;;
stop)
    dir=${2:?usage: $0 stop DIR}
    sql=$(sed -n 's/^ServerPort *= *127.0.0.1:\([0-9]*\)$/\1/p' "$dir/virtuoso.ini" | head -1)
    isql-vt "$sql" dba dba exec="shutdown;" >/dev/null 2>&1 || true
    ;;
*)
    sed -n '2,18p' "$0" >&2
    exit 2
    ;;
esac
