#!/usr/bin/env bash
# Measures trialfhir at one corpus size, end to end, for BENCHMARKS.md:
#   1. the synthetic corpus (generate --count SIZE --seed 1), reused when it is already there;
#   2. bulk import into a fresh H2 store (import --no-validate): wall time, records/s, CPU time, peak RSS; and into
#      PostgreSQL as well when TRIALFHIR_BENCH_PG_URL names a database (a fresh schema is made for the run);
#   3. serve on that store: start-up (launch to the printed URL), resident memory (VmRSS, VmHWM) and heap after a
#      full GC, after start and after the load;
#   4. wrk against the server, each scenario at 8 and 64 connections: read by id (ids rotating over the corpus),
#      search by status, by condition text, by phase + status + site country, with _include, page 10 of a _count=50
#      search, a client paging from page 1 to 10, and $match of one patient. requests/s, p50, p99, and every non-2xx
#      answer and socket error, each run beside the machine's load average;
#   5. the server stopped (it saves its search index snapshot) and started again: start-up and memory from the snapshot.
# A markdown report goes to stdout and to $WORK/results-SIZE-<time>.md.
#
#   scripts/scale-bench.sh 1000
#   DURATION=30s CONNECTIONS="8 64" scripts/scale-bench.sh 100000
#   STORE=/tmp/s10k CORPUS=/tmp/c10k scripts/scale-bench.sh 10000     # serve an imported store, skip the import
#   TRIALFHIR_BENCH_PG_URL='jdbc:postgresql://127.0.0.1:55432/bench?user=u&password=p' scripts/scale-bench.sh 10000
#   PROFILE=1 scripts/scale-bench.sh 10000     # also JFR profiles: the import, the start-up, and each scenario at
#                                              # the last connection count (summaries by scripts/jfr-top.sh)
#
# Environment: WORK (default /tmp/trialfhir-bench), JAR (target/trialfhir.jar), CORPUS (default $WORK/corpus-SIZE),
# STORE (an existing H2 store to serve; no import then; it is written to, as serve stores the conformance
# resources), IMPORT=0 (no import: serve $WORK/h2-SIZE as left by an earlier run), SERVE=0 (import only),
# IMPORT_H2=0 (import into PostgreSQL only, keeping $WORK/h2-SIZE as it is),
# IMPORT_THREADS, JAVA_OPTS (for serve), IMPORT_JAVA_OPTS, DURATION (15s per run), WARMUP (5s per scenario),
# CONNECTIONS ("8 64"), THREADS (wrk threads, 2), TIMEOUT (wrk's, 60s: a slow answer is a latency, not an error),
# SCENARIOS (names to run, default all: read status condition filtered include page10 paging match),
# PATIENT (the $match patient Bundle), PROFILE=1, RESTART=0 (no second start, from the saved index snapshot),
# COLD=0 (import from the corpus as the page cache holds it, not dropped from it first).
# Needs java, jcmd, curl, jq and wrk (apt-get install -y wrk; CI does not run this). Build first:
# mvn -q -DskipTests package.
set -euo pipefail -f  # no globbing: URLs with '?' pass through unquoted expansions
{  # read whole before it runs, so editing this file during a run does not change the run

SIZE=${1:?usage: scripts/scale-bench.sh SIZE   (see the comments at the top for the environment variables)}
[[ $SIZE =~ ^[1-9][0-9]*$ ]] || { echo "scale-bench: SIZE must be a positive number, not '$SIZE'" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/target/trialfhir.jar}
WORK=${WORK:-/tmp/trialfhir-bench}
CORPUS=${CORPUS:-$WORK/corpus-$SIZE}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-8 64}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-60s}
SCENARIOS=${SCENARIOS:-read status condition filtered include page10 paging match}
PATIENT=${PATIENT:-$ROOT/src/test/resources/patients/mcode-aml-patient.json}
JAVA_OPTS=${JAVA_OPTS:-}
IMPORT_JAVA_OPTS=${IMPORT_JAVA_OPTS:-}
IMPORT_THREADS=${IMPORT_THREADS:-$(nproc)}

for tool in java jcmd curl jq wrk /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "scale-bench: $tool is needed" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "scale-bench: $JAR not found; build with mvn -q -DskipTests package" >&2; exit 1; }
mkdir -p "$WORK"
RUN=$WORK/run-$SIZE-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN"
RESULTS=${RESULTS:-$WORK/results-$SIZE-$(date +%Y%m%d-%H%M%S).md}

server_pid=
pg_cleanup=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
  fi
  if [[ -n $pg_cleanup ]]; then eval "$pg_cleanup" || true; fi
}
trap cleanup EXIT

say() { echo "$*" | tee -a "$RESULTS"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# Appends the summary of a JFR recording (scripts/jfr-top.sh) to a markdown file.
jfr_summary() {
  {
    echo "### $(basename "$1" .jfr)"
    echo
    "$ROOT/scripts/jfr-top.sh" "$1" 15
    echo
  } >> "$2"
}
thousands() {
  awk -v x="$1" 'BEGIN { n = sprintf("%.0f", x); s = ""
    while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
    print n s }'
}
duration() { awk -v t="$1" 'BEGIN { if (t < 1) printf "%.0f ms", t * 1000; else printf "%.1f s", t }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a + b }'; }

say "# trialfhir at $(thousands "$SIZE") records — $(date -u '+%Y-%m-%d %H:%M UTC')"
say ""
say "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), \
$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM; \
$(java -version 2>&1 | head -1); trialfhir $(git -C "$ROOT" describe --always --dirty 2> /dev/null || echo '?'); \
load average at start $(load_average)."
say ""

# --- 1. corpus ------------------------------------------------------------------------------------------------------
count_files() { find "$1" -type f ! -name '.*' | wc -l; }
if [[ -d $CORPUS ]] && [[ $(count_files "$CORPUS") -gt 0 ]]; then
  have=$(count_files "$CORPUS")
  [[ $have -eq $SIZE ]] || { echo "scale-bench: $CORPUS holds $have files, not $SIZE" >&2; exit 1; }
  say "Corpus: $CORPUS ($(thousands "$have") files, reused; $(du -sh "$CORPUS" | cut -f1))."
else
  before=$(load_average)
  /usr/bin/time -f '%e %U %S %M' -o "$RUN/generate.time" \
    java -jar "$JAR" generate --count "$SIZE" --seed 1 --out "$CORPUS" > "$RUN/generate.out" 2> "$RUN/generate.err" \
    || { cat "$RUN/generate.err" >&2; exit 1; }
  read -r wall user sys _ < "$RUN/generate.time"
  say "Corpus: generate --count $SIZE --seed 1 into $CORPUS in $wall s wall, $(add "$user" "$sys") s CPU \
($(du -sh "$CORPUS" | cut -f1)); load average $before → $(load_average)."
fi
say ""

# --- 2. bulk import -------------------------------------------------------------------------------------------------
# One import: prints a table row (store, wall, records/s, CPU, peak RSS, load) and checks that nothing failed.
import_into() {
  local label=$1 log=$2
  shift 2
  local before
  before=$(load_average)
  local profile=
  [[ ${PROFILE:-0} == 1 ]] && profile="-XX:StartFlightRecording=settings=profile,filename=$log.jfr"
  # A registry-sized corpus is read from disk: imports from a corpus partly left in the page cache by the run before
  # spread by 15% of CPU (stop 16), from a cold one by 0.5% (stop 17).
  if [[ ${COLD:-1} == 1 ]] && command -v python3 > /dev/null; then
    python3 "$ROOT/scripts/evict-page-cache.py" "$CORPUS"
  fi
  # shellcheck disable=SC2086 # IMPORT_JAVA_OPTS is a list of options
  if ! /usr/bin/time -f '%e %U %S %M' -o "$log.time" java $IMPORT_JAVA_OPTS $profile -jar "$JAR" import --no-validate \
      --threads "$IMPORT_THREADS" "$@" "$CORPUS" > "$log.out" 2> "$log.err"; then
    say "| $label | import failed: $(tail -3 "$log.err" | tr '\n' ' ') | | | | | |"
    return 1
  fi
  local wall user sys rss
  read -r wall user sys rss < "$log.time"
  say "| $label | $wall s | $(thousands "$(awk -v n="$SIZE" -v t="$wall" 'BEGIN { print n / t }')") | $(add "$user" "$sys") s \
| $(awk -v n="$SIZE" -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f ms", (u + s) * 1000 / n }') \
| $((rss / 1024)) MB | $before → $(load_average) |"
  grep -q ', 0 failed' "$log.out" || say "  (failures: $(grep -o '[0-9]* failed' "$log.out"); see $log.err)"
  [[ -z $profile ]] || jfr_summary "$log.jfr" "$RUN/profiles.md"
}

STORE_DIR=${STORE:-$WORK/h2-$SIZE}
if [[ -z ${STORE:-} && ${IMPORT:-1} != 0 ]]; then
  say "## Bulk import (\`import --no-validate --threads $IMPORT_THREADS\`, whole command, JVM start included)"
  say ""
  say "| store | wall | records/s | CPU (user + sys) | CPU per record | peak RSS | load average |"
  say "| --- | --- | --- | --- | --- | --- | --- |"
  if [[ ${IMPORT_H2:-1} != 0 ]]; then
    rm -rf "$STORE_DIR"
    import_into "H2 (\`--data-dir\`)" "$RUN/import-h2" --data-dir "$STORE_DIR"
    say "  H2 files after the import: $(du -sh "$STORE_DIR" | cut -f1)."
  fi
  if [[ -n ${TRIALFHIR_BENCH_PG_URL:-} ]]; then
    # A fresh schema per run, dropped afterwards: the URL's database is kept as it was.
    pg_url=$TRIALFHIR_BENCH_PG_URL
    hostpart=${pg_url#jdbc:postgresql://}
    hostport=${hostpart%%/*}
    dbname=${hostpart#*/}
    dbname=${dbname%%\?*}
    query=${pg_url#*\?}
    [[ $query == "$pg_url" ]] && query=
    pg_user=${TRIALFHIR_DB_USER:-$(sed -n 's/.*\(^\|&\)user=\([^&]*\).*/\2/p' <<< "$query")}
    pg_password=${TRIALFHIR_DB_PASSWORD:-$(sed -n 's/.*\(^\|&\)password=\([^&]*\).*/\2/p' <<< "$query")}
    schema="bench_${SIZE}_$(date +%s)"
    psql_run() {
      PGPASSWORD=$pg_password PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -h "${hostport%%:*}" -p "${hostport#*:}" -U "$pg_user" \
        -d "$dbname" -c "$1"
    }
    psql_run "CREATE SCHEMA $schema"
    pg_cleanup="psql_run 'DROP SCHEMA IF EXISTS $schema CASCADE'"
    sep='?'
    [[ $pg_url == *\?* ]] && sep='&'
    import_into "PostgreSQL (\`--db\`)" "$RUN/import-pg" --db "$pg_url${sep}currentSchema=$schema" || true
    say "  PostgreSQL schema size after the import: $(PGPASSWORD=$pg_password psql -tA -h "${hostport%%:*}" \
      -p "${hostport#*:}" -U "$pg_user" -d "$dbname" -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid)))
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind = 'r'")."
    eval "$pg_cleanup"
    pg_cleanup=
  fi
  say ""
fi
[[ ${SERVE:-1} == 0 ]] && { echo "results: $RESULTS"; exit 0; }
[[ -d $STORE_DIR ]] || { echo "scale-bench: no store in $STORE_DIR" >&2; exit 1; }

# --- 3. serve: start-up and memory ----------------------------------------------------------------------------------
# CPU time the server has used so far (user + system), in clock ticks: divided by the requests of a run, a cost per
# request that the other processes of a shared machine disturb far less than the wall clock.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# Waits (up to IDLE_WAIT seconds, default 900) until the server uses less than a tenth of a core: wrk stops sending
# when its time is up, but requests already sent are still being answered (slow $match ones for minutes). Prints
# how long that took.
wait_idle() {
  local hz waited=0 t0
  hz=$(getconf CLK_TCK)
  while (( waited < ${IDLE_WAIT:-900} )); do
    t0=$(server_ticks)
    sleep 2
    waited=$((waited + 2))
    (( $(server_ticks) - t0 < hz / 5 )) && break
  done
  echo "$waited"
}
memory() {
  local rss hwm heap
  rss=$(awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$server_pid/status")
  hwm=$(awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$server_pid/status")
  jcmd "$server_pid" GC.run > /dev/null
  # G1 prints "garbage-first heap total 123456K, used 45678K"; other collectors a similar "used NK".
  heap=$(jcmd "$server_pid" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9' \
    | awk '{ printf "%d", $1 / 1024 }')
  echo "RSS $(thousands "$rss") MB (peak $(thousands "$hwm") MB), heap after a full GC $(thousands "$heap") MB"
}

# Starts serve on the store (JFR-profiling its start when PROFILE=1, as profile-NAME.jfr) and waits for its URL: sets
# server_pid, base, startup_ms and cpu_ms, and says the start-up line under the heading given.
start_server() {
  local name=$1 heading=$2 before started profile=
  before=$(load_average)
  started=$(date +%s%N)
  [[ ${PROFILE:-0} == 1 ]] \
    && profile="-XX:StartFlightRecording=settings=profile,name=$name,filename=$RUN/profile-$name.jfr"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS $profile -jar "$JAR" serve --port 0 --data-dir "$STORE_DIR" > "$RUN/$name.out" 2> "$RUN/$name.err" &
  server_pid=$!
  base=
  while [[ -z $base ]]; do
    kill -0 "$server_pid" 2> /dev/null || { cat "$RUN/$name.err" >&2; echo "scale-bench: the server stopped" >&2; exit 1; }
    base=$(grep -m1 '^http' "$RUN/$name.out" 2> /dev/null || true)  # the file may not be there yet
    [[ -n $base ]] || sleep 0.1
  done
  startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  if [[ -n $profile ]]; then
    jcmd "$server_pid" JFR.stop name="$name" > /dev/null
    jfr_summary "$RUN/profile-$name.jfr" "$RUN/profiles.md"
  fi
  cpu_ms=$(awk '{ printf "%d", ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$server_pid/stat")
  say "$heading"
  say ""
  say "\`serve --port 0 --data-dir STORE\`${JAVA_OPTS:+ with JAVA_OPTS=\"$JAVA_OPTS\"}: start-up $(thousands "$startup_ms") ms \
from launch to the printed URL ($(thousands "$cpu_ms") ms of CPU), load average $before → $(load_average); \
server: \"$(grep -m1 'ready in' "$RUN/$name.err" || true)\"."
}

start_server startup "## Server on the H2 store ($STORE_DIR)"
# After start, serve warms the validator up and builds the $match matcher, each on a background thread; measure once
# both are done (they take a core, and the matcher is part of the heap), and say how long that took.
settled() {
  local waited=0
  while (( waited < 3600 )) \
      && jcmd "$server_pid" Thread.print 2> /dev/null | grep -qE '"(validator-warm-up|trialfhir-matcher)"'; do
    sleep 1
    waited=$(( waited + 1 ))
  done
  echo "$waited s after the URL"
}
say ""
say "- after start, the validator warm-up and the matcher build ($(settled)): $(memory)."

# --- 4. load --------------------------------------------------------------------------------------------------------
fhir_path=/${base#http*://*/}
cp "$ROOT/scripts/wrk/read.lua" "$RUN/read.lua"
cat > "$RUN/post.lua" << 'LUA'
-- POST the body file as FHIR JSON to the URL given on the command line.
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/fhir+json"
  f:close()
end
LUA
cat > "$RUN/paging.lua" << 'LUA'
-- A client paging through a search: page 1, then each answer's "next" link, up to page args[1]; then again.
-- Connections share the thread's queue of next links, so at any time some clients are on page 1, some deeper.
local pages, queue, depth = 10, {}, {}
function init(args) pages = tonumber(args[1]) end
function request()
  local next = table.remove(queue)
  if next then
    return wrk.format("GET", next)
  end
  return wrk.format("GET", nil)
end
function response(status, headers, body)
  local link = body:match('"relation"%s*:%s*"next"%s*,%s*"url"%s*:%s*"([^"]+)"')
  local offset = link and tonumber(link:match("_getpagesoffset=(%d+)"))
  local count = link and tonumber(link:match("_count=(%d+)")) or 1
  if link and offset and offset / count < pages then
    queue[#queue + 1] = link:gsub("^https?://[^/]+", "")
  end
end
LUA

# Ids of stored studies: the corpus's file names (every record is stored under its registry id), a spread of 1,000.
find "$CORPUS" -type f ! -name '.*' -printf '%f\n' | sed 's/\.[a-z]*$//' | sort \
  | awk -v n="$(count_files "$CORPUS")" 'n <= 1000 || NR % int(n / 1000) == 0' | head -1000 > "$RUN/ids"
# $match: the patient as CodeX clients send it, a Parameters with trialMatchClinicalData; a fixed day, so every run
# evaluates the same limits.
jq '{resourceType: "Parameters", parameter: [{name: "trialMatchClinicalData", resource: .}]}' "$PATIENT" \
  > "$RUN/match.json"
# page 10 of a _count=50 search, reached by following the next links, as a client would.
page10() {
  local url="$base/ResearchStudy?_count=50" page
  for page in $(seq 2 10); do
    url=$(curl -sf "$url" | jq -r '.link[] | select(.relation == "next") | .url') || return 1
    [[ -n $url && $url != null ]] || return 1
  done
  echo "$url"
}

# key | title | method | path or script (see run_scenario)
declare -A TITLE PATHQ
TITLE[read]="read ResearchStudy by id (1,000 ids in turn)"
TITLE[status]="search status=active"
TITLE[condition]="search condition:text=myeloma"
TITLE[filtered]="search phase=phase-1 & status=active & site.address-country=China"
TITLE[include]="search condition:text=myeloma & _include enrollment + protocol"
TITLE[page10]="page 10 of ResearchStudy?_count=50 (its next link)"
TITLE[paging]="paging ResearchStudy?_count=50 from page 1 to 10"
TITLE[match]="\$match, AML patient (date=2025-06-01)"
PATHQ[status]="/ResearchStudy?status=active"
PATHQ[condition]="/ResearchStudy?condition:text=myeloma"
PATHQ[filtered]="/ResearchStudy?phase=phase-1&status=active&site.address-country=China"
PATHQ[include]="/ResearchStudy?condition:text=myeloma&_include=ResearchStudy:enrollment&_include=ResearchStudy:protocol"
PATHQ[paging]="/ResearchStudy?_count=50"
PATHQ[match]="/ResearchStudy/\$match?date=2025-06-01"

# wrk arguments for a scenario: URL and script options.
wrk_target() {
  case $1 in
    read) echo "-s $RUN/read.lua $base -- $RUN/ids $fhir_path/ResearchStudy/" ;;
    page10) echo "$PAGE10_URL" ;;
    paging) echo "-s $RUN/paging.lua $base${PATHQ[paging]} -- 10" ;;
    match) echo "-s $RUN/post.lua $base${PATHQ[match]} -- $RUN/match.json" ;;
    *) echo "$base${PATHQ[$1]}" ;;
  esac
}

# What one request of the scenario answers: status, bytes, and for a search its total (matches).
probe() {
  local body=$RUN/probe.body status written='%{http_code} %{time_total}'
  case $1 in
    read) status=$(curl -s -o "$body" -w "$written" "$base/ResearchStudy/$(head -1 "$RUN/ids")") ;;
    page10) status=$(curl -s -o "$body" -w "$written" "$PAGE10_URL") ;;
    match) status=$(curl -s -o "$body" -w "$written" -X POST -H 'Content-Type: application/fhir+json' \
      --data-binary @"$RUN/match.json" "$base${PATHQ[match]}") ;;
    *) status=$(curl -s -o "$body" -w "$written" "$base${PATHQ[$1]}") ;;
  esac
  local total entries
  total=$(jq -r 'if .resourceType == "Bundle" then (.total // "-") else "-" end' "$body" 2> /dev/null || echo -)
  entries=$(jq -r 'if .resourceType == "Bundle" then (.entry // [] | length) else "-" end' "$body" 2> /dev/null || echo -)
  echo "$status $(wc -c < "$body") $total $entries"  # status is "code seconds"
}

PAGE10_URL=
say ""
say "## Load (wrk -t$THREADS -d$DURATION --latency --timeout $TIMEOUT, after a $WARMUP warm-up of each scenario)"
say ""
say "Server CPU per request: the server process's CPU time (user + system) during the run over the requests answered."
say ""
say "| scenario | answer | conn. | requests/s (requests) | p50 | p99 | server CPU per request | non-2xx / socket errors \
| load average |"
say "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
last_connections=${CONNECTIONS##* }
for key in $SCENARIOS; do
  [[ -n ${TITLE[$key]:-} ]] || { echo "scale-bench: unknown scenario $key" >&2; exit 2; }
  if [[ $key == page10 ]]; then
    PAGE10_URL=$(page10) || { say "| ${TITLE[$key]} | no page 10 (fewer than 500 studies?) | | | | | | | |"; continue; }
  fi
  # Twice: the first answer after start may build what later ones reuse (the matcher reads every study's criteria).
  read -r _ first _ <<< "$(probe "$key")"
  read -r status seconds bytes total entries <<< "$(probe "$key")"
  answer="$status, $(thousands "$bytes") B"
  [[ $total != - ]] && answer="$answer, total $(thousands "$total")"
  [[ $entries != - ]] && answer="$answer, $entries entries"
  answer="$answer; alone: first $(duration "$first"), then $(duration "$seconds")"
  # shellcheck disable=SC2046 # wrk_target is a list of arguments
  wrk -t"$THREADS" -c"${CONNECTIONS%% *}" -d"$WARMUP" --timeout "$TIMEOUT" $(wrk_target "$key") > /dev/null
  wait_idle > /dev/null
  for connections in $CONNECTIONS; do
    # A fresh search for each run (stored searches are kept a while only); the last one if that fails.
    [[ $key == page10 ]] && { fresh=$(page10) && PAGE10_URL=$fresh || true; }
    profiling=
    if [[ ${PROFILE:-0} == 1 && $connections == "$last_connections" ]]; then
      profiling=$RUN/profile-$key-c$connections.jfr
      jcmd "$server_pid" JFR.start name=bench settings=profile filename="$profiling" > /dev/null
    fi
    before=$(load_average)
    ticks=$(server_ticks)
    # shellcheck disable=SC2046
    wrk -t"$THREADS" -c"$connections" -d"$DURATION" --timeout "$TIMEOUT" --latency $(wrk_target "$key") \
      > "$RUN/wrk-$key-c$connections" 2>&1
    after=$(load_average)
    ticks=$(( $(server_ticks) - ticks ))
    drained=$(wait_idle)
    if [[ -n $profiling ]]; then
      jcmd "$server_pid" JFR.stop name=bench > /dev/null
      jfr_summary "$profiling" "$RUN/profiles.md"
    fi
    w=$RUN/wrk-$key-c$connections
    requests=$(awk '/ requests in / { print $1 }' "$w")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$w")
    cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="${requests:-0}" \
      'BEGIN { if (n == 0) print "-"; else { ms = t * 1000 / hz / n; printf (ms < 10 ? "%.2f ms" : "%.0f ms"), ms } }')
    p50=$(awk '$1 == "50%" { print $2 }' "$w")
    p99=$(awk '$1 == "99%" { print $2 }' "$w")
    [[ ${requests:-0} == 0 ]] && p50=- p99=-  # wrk prints 0.00us when nothing was answered
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$w")
    sockets=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$w")
    errors="${non2xx:-0} non-2xx"
    [[ -n $sockets ]] && errors="$errors; socket $sockets"
    (( drained > 4 )) && errors="$errors; busy ${drained} s after wrk stopped"
    [[ $(awk -v r="${rps:-0}" 'BEGIN { print (r < 10) }') == 1 ]] && rps=$(printf '%.2f' "${rps:-0}") || rps=$(thousands "$rps")
    say "| ${TITLE[$key]} | $answer | $connections | $rps ($(thousands "${requests:-0}")) \
| ${p50:-?} | ${p99:-?} | $cpu | $errors \
| $before → $after |"
  done
done
say ""
say "- after the load (and the answers still due): $(memory)."
jcmd "$server_pid" GC.class_histogram | head -25 > "$RUN/histogram.txt"
say ""
say "Raw wrk output, the server's stderr and the heap histogram after the load: $RUN"

# --- 5. restart: the search index from the snapshot the server saved when it stopped -------------------------------
if [[ ${RESTART:-1} == 1 ]]; then
  kill -TERM "$server_pid"
  wait "$server_pid" 2> /dev/null || true
  server_pid=
  say ""
  start_server restart "## Restart on the same store (the search index from its snapshot)"
  say ""
  say "- after the restart, the validator warm-up and the matcher build ($(settled)): $(memory)."
fi
if [[ -f $RUN/profiles.md ]]; then
  say ""
  say "Profiles (JFR execution samples, summarised by scripts/jfr-top.sh): $RUN/profiles.md"
fi
echo
echo "results: $RESULTS"
exit
}
