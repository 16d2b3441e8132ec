#!/usr/bin/env bash
# Starts the server jar on a free port with the bundled sample trials and measures it: start-up time (launch to the
# printed base URL), heap after a full GC, and one wrk run per scenario (requests/s, p50, p99), each beside the
# machine's load average, since a shared machine changes the figures more than anything else.
#
#   scripts/load.sh                          # target/trialfhir.jar, 15 s per scenario, 8 connections
#   JAR=/tmp/old.jar DURATION=30s scripts/load.sh
#
# Needs wrk (apt-get install -y wrk), curl and the JDK's jcmd. Build the jar first: mvn -q -DskipTests package.
set -euo pipefail

JAR=${JAR:-target/trialfhir.jar}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:-}

# name | path under the FHIR base
SCENARIOS=(
  "read ResearchStudy (13 KB)|/ResearchStudy/NCT07066982"
  "read ResearchStudy, XML|/ResearchStudy/NCT07066982?_format=xml"
  "read Practitioner (0.5 KB)|/Practitioner/prac-yu-zhang"
  "search status=active (3 studies)|/ResearchStudy?status=active"
  "search 20 results (ActivityDefinition?status=active)|/ActivityDefinition?status=active"
  "search condition:text + _include|/ResearchStudy?condition:text=leukemia&_include=ResearchStudy:enrollment"
)

for tool in wrk curl jcmd java; do
  command -v "$tool" > /dev/null || { echo "load.sh: $tool is needed" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "load.sh: $JAR not found; build with mvn -q -DskipTests package" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

started=$(date +%s%N)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java $JAVA_OPTS -jar "$JAR" serve --port 0 --data-dir "$work/data" > "$work/out" 2> "$work/err" &
server_pid=$!
base=
while [[ -z $base ]]; do
  kill -0 "$server_pid" 2> /dev/null || { cat "$work/err" >&2; echo "load.sh: the server stopped" >&2; exit 1; }
  base=$(grep -m1 '^http' "$work/out" || true)
  [[ -n $base ]] || sleep 0.05
done
startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))

heap_mb() {
  jcmd "$server_pid" GC.run > /dev/null
  # G1 prints "garbage-first heap total 123456K, used 45678K"; other collectors a similar "used NK".
  jcmd "$server_pid" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9' | awk '{ printf "%d", $1 / 1024 }'
}

echo "server: $base (pid $server_pid), $(grep -m1 'ready in' "$work/err" || true)"
echo "start-up to the printed URL: $startup_ms ms (JVM start included); load average $(load_average)"
# serve warms the validator up in a background thread after start; measure once it is done, as it takes a core.
for _ in $(seq 600); do
  jcmd "$server_pid" Thread.print 2> /dev/null | grep -q '"validator-warm-up"' || break
  sleep 0.5
done
echo "heap after start and validator warm-up, after a full GC: $(heap_mb) MB"
# The JIT compiles the paths the scenarios share while they run: warm every one up before measuring any.
for scenario in "${SCENARIOS[@]}"; do
  url="$base${scenario#*|}"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  [[ $status == 200 ]] || { echo "load.sh: $url answered $status" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" > /dev/null
done
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, after a $WARMUP warm-up of every scenario"
echo
echo "| scenario | bytes | requests/s | p50 | p99 | errors | load average |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for scenario in "${SCENARIOS[@]}"; do
  name=${scenario%%|*}
  url="$base${scenario#*|}"
  curl -s -o "$work/body" "$url"
  before=$(load_average)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" > "$work/wrk"
  rps=$(awk '/^Requests\/sec:/ {
    n = sprintf("%d", $2); s = ""
    while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
    print n s }' "$work/wrk")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk")
  errors=$(awk '/Non-2xx|Socket errors/ { sub(/^ +/, ""); printf "%s ", $0 }' "$work/wrk")
  echo "| $name | $(wc -c < "$work/body") | $rps | $p50 | $p99 | ${errors:-0} | $before → $(load_average) |"
done
echo
echo "heap after the runs, after a full GC: $(heap_mb) MB"
