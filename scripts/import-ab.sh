#!/usr/bin/env bash
# Bulk import, jar against jar: the measurement behind BENCHMARKS.md's "Bulk import (stop N)" tables, as a script.
# Each jar imports the same corpus into a fresh H2 store in turn, ROUNDS times, alternating (A B A B ...), so that
# the host's drift from hour to hour, which on this shared virtual machine is larger than most changes (BENCHMARKS.md,
# stops 18-24), shows up between the rows instead of inside one of them. One markdown row per run:
#   - the whole command (JVM start and the close's rewrite of the H2 file included), records/s, CPU a record;
#   - CPU per thread (jcmd Thread.print every 10 s; a thread that ended keeps its last reading): the two import
#     workers, the writer ("main"), the read-ahead, the H2 compactor, the close's copy ("pool-1-thread-*"), C2, GC;
#   - the run's phases, from the import's own progress count (sampled every 2 s): the start (JVM, listing the corpus,
#     opening the store) until the first trial is committed, the rate over the next two minutes (the JIT still
#     compiling: the rate climbs from under half of the steady one), the steady rate after that, and the end after
#     the last commit (the close's rewrite of the file);
#   - the H2 file's largest size (sampled every 2 s) and its size once closed; peak RSS;
#   - a probe of the host's speed before and after (user seconds of a fixed awk loop, best of three: 0.75-0.95 on a
#     quiet host, up to 2.7 on a loaded one).
# Needs root for a cold corpus (it drops the page cache before each run, as a registry-sized corpus is not cached):
# COLD=0 to skip that.
#
#   scripts/import-ab.sh CORPUS JAR...
#   ROUNDS=2 scripts/import-ab.sh /tmp/bench/corpus-500000 /tmp/stop20.jar target/trialfhir.jar
#   scripts/import-ab.sh /tmp/bench/corpus-500000 /tmp/main.jar '/tmp/main.jar@-XX:CICompilerCount=3'
#
# A JAR may carry JVM flags of its own after an @ (JAR@FLAGS, flags separated by spaces), so that flags are compared
# as jars are, alternated in the same rounds; JAVA_OPTS applies to every run.
#
# Environment: ROUNDS (1), THREADS (import --threads, 2), HEAP (-Xmx, 3g), JAVA_OPTS (more JVM flags), WORK (where
# the logs go, /tmp/trialfhir-import-ab), COLD (1), KEEP (1 keeps each run's store there; by default it is deleted).
# Run nothing else meanwhile: a build beside an import changes its figures more than most code does.
set -euo pipefail
{  # read whole before it runs, so editing this file during a run does not change the run

CORPUS=${1:?usage: scripts/import-ab.sh CORPUS JAR...}
shift
(($# > 0)) || { echo "import-ab: name at least one jar" >&2; exit 2; }
[[ -d $CORPUS ]] || { echo "import-ab: $CORPUS is not a folder (make one with: generate --count N --seed 1 --out DIR)" >&2; exit 2; }
for spec in "$@"; do
  [[ -f ${spec%%@*} ]] || { echo "import-ab: ${spec%%@*} not found" >&2; exit 2; }
done
for tool in java jcmd awk /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "import-ab: $tool is needed" >&2; exit 1; }
done
ROUNDS=${ROUNDS:-1}
THREADS=${THREADS:-2}
HEAP=${HEAP:-3g}
JAVA_OPTS=${JAVA_OPTS:-}
WORK=${WORK:-/tmp/trialfhir-import-ab}
COLD=${COLD:-1}
KEEP=${KEEP:-0}
mkdir -p "$WORK"

# User seconds of a fixed loop, best of three: how fast the host runs a core right now.
probe() {
  local best=
  for _ in 1 2 3; do
    local t
    t=$( { /usr/bin/time -f %U awk 'BEGIN{for(i=0;i<5e7;i++)s+=i}'; } 2>&1 )
    if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
  done
  echo "$best"
}

# CPU seconds of each thread at its last reading, summed by role: $1/cpu holds "tid<TAB>name<TAB>ticks" lines (every
# 2 s, from /proc: cheap enough to take often, so a thread that ended is counted nearly whole), $1/names "tid name"
# lines (jcmd Thread.print every 30 s), for the names /proc cuts at 15 characters, where the workers and the
# read-ahead look alike.
thread_cpu() {
  touch "$1/names" "$1/cpu"
  awk -v hz="$(getconf CLK_TCK)" '
    FILENAME ~ /names$/ { tid = $1; $1 = ""; sub(/^ /, ""); name[tid] = $0; next }
    { split($0, f, "\t"); ticks[f[1]] = f[3]; comm[f[1]] = f[2] }
    END {
      for (t in ticks) {
        r = (t in name) ? name[t] : comm[t]
        # A thread /proc names "trialfhir-impor" that jcmd never named (a very short run) is taken for a worker.
        if (r == "trialfhir-import" || r == "trialfhir-impor") r = "workers"
        else if (r == "main" || r == "java") r = "writer"
        else if (r == "trialfhir-import-read") r = "reader"
        else if (r == "trialfhir-h2-compactor" || r == "trialfhir-h2-co") r = "compactor"
        else if (r ~ /^pool-[0-9]+-thread-/) r = "close copy"
        else if (r ~ /^C2 /) r = "C2"
        else if (r ~ /^GC |^G1 /) r = "GC"
        else continue
        role[r] += ticks[t] / hz
      }
      n = split("workers,writer,reader,compactor,close copy,C2,GC", order, ",")
      out = ""; sep = ""
      for (i = 1; i <= n; i++) if (order[i] in role) { out = out sep order[i] " " int(role[order[i]] + 0.5); sep = ", " }
      print out
    }' "$1/names" "$1/cpu"
}

# Appends "tid name" for each thread of JVM $1 to file $2 (nid is the thread's id in hex).
thread_names() {
  jcmd "$1" Thread.print 2> /dev/null | sed -nE 's/^"([^"]*)".* nid=(0x[0-9a-f]+).*/\2 \1/p' \
    | while read -r nid name; do echo "$((nid)) $name"; done >> "$2" || true
}

# The phases of run $1 from its "seconds committed" lines: "start S s, first 2 min R/s, then R/s, end S s" (the rates
# only for a run with two minutes after the first two); the import's whole time is $2 s.
phases() {
  awk -v wall="$2" '
    { t[NR] = $1; n[NR] = $2 }
    END {
      first = 0; last = 0
      for (i = 1; i <= NR; i++) {
        if (!first && n[i] > 0) first = i
        if (n[i] > n[last]) last = i
      }
      if (!first || !last) exit
      printf "start %.0f s, ", t[first]
      # The rates only when there are two minutes of steady run to measure.
      for (w = first; w < last && t[w] - t[first] < 120; w++) {}
      if (t[last] - t[w] >= 120) {
        printf "first 2 min %.0f/s, then %.0f/s, ", (n[w] - n[first]) / (t[w] - t[first]), (n[last] - n[w]) / (t[last] - t[w])
      }
      printf "end %.0f s", wall - t[last]
    }' "$1/progress" 2> /dev/null || true
}

echo "| run (UTC) | jar | whole command | phases | CPU a record | per thread (s) | H2 file largest → closed | peak RSS | probe before → after |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for ((round = 1; round <= ROUNDS; round++)); do
  for spec in "$@"; do
    jar=${spec%%@*}
    flags=
    [[ $spec == *@* ]] && flags=${spec#*@}
    label=$(basename "$jar")${flags:+ $flags}
    run=$WORK/run-$(date +%Y%m%d-%H%M%S)
    store=$run/store
    mkdir -p "$run"
    if [[ $COLD == 1 ]]; then
      sync
      echo 3 > /proc/sys/vm/drop_caches
    fi
    before=$(probe)
    start=$(date -u +%H:%M)
    launched=$(date +%s.%N)
    # shellcheck disable=SC2086  # JAVA_OPTS and flags are lists of flags
    /usr/bin/time -o "$run/time" -f '%e %U %S %M' java -Xmx"$HEAP" $JAVA_OPTS $flags -jar "$jar" import --no-validate \
      --progress --threads "$THREADS" --data-dir "$store" "$CORPUS" > "$run/out" 2> "$run/err" &
    timer=$!
    pid=
    largest=0
    tick=0
    while kill -0 "$timer" 2> /dev/null; do
      [[ -n $pid ]] || pid=$(pgrep -f "^java .*--data-dir $store" | head -1 || true)
      size=$(stat -c %s "$store/trialfhir.mv.db" 2> /dev/null || echo 0)
      ((size > largest)) && largest=$size
      if [[ -n $pid ]]; then
        # One awk over every thread's stat: utime + stime, fields 14 and 15, counted after the ") " ending the name.
        awk '{ c = $0; sub(/^[^(]*\(/, "", c); sub(/\) [^)]*$/, "", c); sub(/.*\) /, ""); split(FILENAME, p, "/")
               print p[5] "\t" c "\t" ($12 + $13) }' /proc/"$pid"/task/*/stat >> "$run/cpu" 2> /dev/null || true
        # Early, as the workers start after the corpus is listed, then every 30 s for threads started later.
        ((tick == 2 || tick == 5 || tick % 15 == 0)) && thread_names "$pid" "$run/names"
      fi
      # Trials committed so far: the count on the progress bar's last redraw ("[==>  ] 1200/5000 ...").
      committed=$(tail -c 300 "$run/err" 2> /dev/null | tr '\r' '\n' | sed -nE 's/^\[[^]]*\] ([0-9]+)\/.*/\1/p' | tail -1)
      echo "$(awk -v a="$launched" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') ${committed:-0}" \
        >> "$run/progress"
      tick=$((tick + 1))
      sleep 2
    done
    status=0
    wait "$timer" || status=$?
    after=$(probe)
    end=$(date -u +%H:%M)
    # On a failed run the file may be missing or start with "Command exited with non-zero status N": unused then.
    read -r wall user sys rss < "$run/time" 2> /dev/null || true
    records=$(grep -o '^[0-9]* files' "$run/out" | cut -d' ' -f1 || true)
    closed=$(stat -c %s "$store/trialfhir.mv.db" 2> /dev/null || echo 0)
    # A 500,000-record store is 4-7 GB: one per run would fill the disk over a few rounds.
    [[ $KEEP == 1 ]] || rm -rf "$store"
    if [[ $status != 0 || -z $records ]]; then
      echo "| $start–$end | $label | failed (exit $status; $run/err) | | | | | | |"
      continue
    fi
    awk -v s="$start–$end" -v j="$label" -v w="$wall" -v u="$user" -v y="$sys" -v n="$records" \
        -v p="$(phases "$run" "$wall")" -v t="$(thread_cpu "$run")" -v l="$largest" -v c="$closed" -v r="$rss" \
        -v b="$before" -v a="$after" 'BEGIN {
      printf "| %s | %s | %.1f s = %.1f/s | %s | %.2f ms | %s | %.2f → %.2f GB | %.2f GB | %s → %s |\n",
        s, j, w, n / w, p, (u + y) * 1000 / n, t, l / 1e9, c / 1e9, r / 1e6, b, a
    }'
  done
done
}
