#!/usr/bin/env bash
# Summarises where the CPU went in a JFR recording (jdk.ExecutionSample events), as markdown:
#   - self: the method on top of the stack (where the CPU was);
#   - by package: the top-most frame outside the JDK, by package (which library the time is spent for);
#   - trialfhir, inclusive: each org.trialfhir method counted once per sample it is anywhere on the stack.
#
#   scripts/jfr-top.sh recording.jfr [N]        # N lines per list, default 15
#
# Record with: java -XX:StartFlightRecording=settings=profile,filename=rec.jfr ..., or on a running JVM
# jcmd PID JFR.start settings=profile filename=rec.jfr, then jcmd PID JFR.stop.
set -euo pipefail
FILE=${1:?usage: scripts/jfr-top.sh recording.jfr [N]}
TOP=${2:-15}

jfr print --events jdk.ExecutionSample --stack-depth 128 "$FILE" | awk -v top="$TOP" '
  function flush(   m, seen) {
    if (depth == 0) return
    samples++
    self[frame[1]]++
    for (i = 1; i <= depth; i++) {
      if (frame[i] !~ /^(java|javax|jdk|sun|com\.sun)\./) {
        m = frame[i]; sub(/\.[^.]*\.[^.]*$/, "", m); library[m]++; break
      }
    }
    split("", seen)
    for (i = 1; i <= depth; i++) {
      if (frame[i] ~ /^org\.trialfhir\./ && !(frame[i] in seen)) { seen[frame[i]] = 1; ours[frame[i]]++ }
    }
    depth = 0
  }
  function list(title, counts,   k, n, sorted, i, j, t) {
    n = 0
    for (k in counts) sorted[++n] = k
    for (i = 2; i <= n; i++) {  # insertion sort by count, descending: the lists are short
      t = sorted[i]
      for (j = i - 1; j >= 1 && counts[sorted[j]] < counts[t]; j--) sorted[j + 1] = sorted[j]
      sorted[j + 1] = t
    }
    print "| " title " | samples | share |"
    print "| --- | --- | --- |"
    for (i = 1; i <= n && i <= top; i++)
      printf "| `%s` | %d | %.1f%% |\n", sorted[i], counts[sorted[i]], 100 * counts[sorted[i]] / samples
    print ""
  }
  /stackTrace = \[/ { inside = 1; depth = 0; next }
  inside && /^[[:space:]]*\]/ { inside = 0; flush(); next }
  inside {
    line = $0; sub(/^[[:space:]]+/, "", line); sub(/\(.*$/, "", line)
    if (line != "" && line != "...") frame[++depth] = line
  }
  END {
    if (samples == 0) { print "no execution samples in the recording"; exit }
    print samples " execution samples."
    print ""
    list("self (top of stack)", self)
    list("by package (top-most frame outside the JDK)", library)
    list("trialfhir method, inclusive", ours)
  }'
