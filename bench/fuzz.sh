#!/usr/bin/env bash
# Fuzz campaign: every @FuzzTest method of every *FuzzTest class under src/test/java, SECONDS each
# (default 60), with Jazzer (JAZZER_FUZZ=1). Prints, per fuzz test, the executions run and the findings;
# a finding is saved by Jazzer next to the corpus (src/test/resources/<package>/<Class>Inputs/<method>/crash-*),
# where the regression run (./scripts/test.sh) replays it from then on.
# Usage: bench/fuzz.sh [SECONDS] [CLASS_NAME_FILTER]     e.g. bench/fuzz.sh 120 ManifestParser
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
cd "$here"
secs="${1:-60}"; filter="${2:-}"
mvn -B -q ${MVN_OPTS_EXTRA:-} test-compile

total_runs=0; total_findings=0
printf '%-70s %12s %9s\n' "fuzz test" "executions" "findings"
while IFS= read -r src; do
  class="$(sed -e 's|^src/test/java/||' -e 's|\.java$||' -e 's|/|.|g' <<<"$src")"
  [[ -z "$filter" || "$class" == *"$filter"* ]] || continue
  # the method after each @FuzzTest annotation
  for method in $(awk '/@FuzzTest/ {want=1} want && match($0, /void [A-Za-z0-9_]+\(/) {print substr($0, RSTART+5, RLENGTH-6); want=0}' "$src"); do
    log="$(mktemp)"
    before="$(find src/test/resources -name 'crash-*' 2>/dev/null | sort)"
    status=0
    # jazzer.internal.arg.* are libFuzzer flags that come after (so override) the annotation's maxDuration
    JAZZER_FUZZ=1 mvn -B ${MVN_OPTS_EXTRA:-} surefire:test@fuzz-regression -Dtest="$class#$method" \
      -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.internal.arg.0=fake_argv0 \
      -Djazzer.internal.arg.1=-max_total_time="$secs" -Djazzer.internal.arg.2=-print_final_stats=1 \
      >"$log" 2>&1 || status=$?
    out="target/surefire-reports/$class-output.txt"
    # libFuzzer writes its statistics to the forked JVM's stderr, which lands in Maven's output
    runs="$(grep -ohE '(stat::number_of_executed_units: *[0-9]+|Done [0-9]+ runs)' "$log" "$out" 2>/dev/null | grep -oE '[0-9]+' | tail -1 || true)"
    [ -n "$runs" ] || runs="$(grep -ohE '#[0-9]+' "$log" "$out" 2>/dev/null | tr -d '#' | sort -n | tail -1 || true)"
    runs="${runs:-0}"
    new="$(comm -13 <(echo "$before") <(find src/test/resources -name 'crash-*' 2>/dev/null | sort) | grep -c . || true)"
    findings="$new"
    if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
    printf '%-70s %12s %9s\n' "$class#$method" "$runs" "$findings"
    if [ "$status" -ne 0 ]; then
      grep -hE '== Java Exception|Caused by|AssertionError|FAIL' "$out" "$log" 2>/dev/null | head -5 | sed 's/^/    /'
      comm -13 <(echo "$before") <(find src/test/resources -name 'crash-*' 2>/dev/null | sort) | sed 's/^/    saved: /'
    fi
    total_runs=$((total_runs + runs)); total_findings=$((total_findings + findings))
    rm -f "$log"
  done
done < <(find src/test/java -name '*FuzzTest.java' | sort)
printf '%-70s %12s %9s\n' "total" "$total_runs" "$total_findings"
[ "$total_findings" -eq 0 ]
