# Sourced by ./kubeway, .ci/run and the bench scripts: exports JAVA_HOME pointing at a JDK 21+
# (JAVA_HOME if it is one, else the newest under /usr/lib/jvm) and checks that Maven is there.
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  best=""; best_v=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d")"
    if [ -n "$v" ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ "$best_v" -lt 21 ]; then
    echo "kubeway needs a JDK 21 or newer: set JAVA_HOME or install one under /usr/lib/jvm" >&2
    exit 1
  fi
  export JAVA_HOME="$best"
fi
export PATH="$JAVA_HOME/bin:$PATH"
if ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing maven ..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2
  else
    echo "kubeway needs Maven (mvn) to build: install it (Debian: apt-get install maven)" >&2
    exit 1
  fi
fi

# The JVM options Kubeway runs with, in the launcher and the benchmarks alike; KUBEWAY_JAVA_OPTS comes last and wins
# (a collector named there replaces ours).
# - native access: Netty's io_uring and epoll transports load JNI libraries;
# - the Parallel collector: a proxy's garbage is request-scoped and dies young, so young collections are short, and
#   its write barriers are cheaper than G1's on the per-request path (measured: bench/README.md). For the lowest
#   pauses instead, KUBEWAY_JAVA_OPTS="-XX:+UseZGC";
# - compact object headers on JDK 25+ (JEP 519): 8-byte headers, less allocation per request.
kubeway_java_opts() {
  local o="--enable-native-access=ALL-UNNAMED" user="${KUBEWAY_JAVA_OPTS:-}" gc="-XX:+UseParallelGC" w
  for w in $user; do # the JVM refuses two collectors: the user's choice replaces ours
    case "$w" in -XX:+Use*GC) gc="" ;; esac
  done
  [ -n "$gc" ] && o="$o $gc"
  [ "$(java_major "$JAVA_HOME")" -ge 25 ] && o="$o -XX:+UseCompactObjectHeaders"
  echo "$o $user"
}
