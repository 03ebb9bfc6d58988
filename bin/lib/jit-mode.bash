# Sourced by bin/planwatch: how much a planwatch JVM compiles (jit_mode, quick_jvm_options). Tested by LauncherJitTest.

# option_value NAME DEFAULT ARGS...: the value of --NAME among ARGS (--NAME V or --NAME=V), else DEFAULT.
option_value() {
  local name="$1" value="$2"
  shift 2
  while (($#)); do
    case "$1" in
      "--$name") value="${2:-}"; shift ;;
      "--$name="*) value="${1#*=}" ;;
    esac
    shift
  done
  echo "$value"
}

# JIT: a short process on small data (a city's datasets, their warehouse) ends before the optimising
# compiler's work pays off, and on 2 cores that work takes a core from the run: C1 alone makes a cold
# rerun of today's datasets 20-30% faster and halves its CPU (docs/performance.md, twenty-eighth
# session). A server, and a run or query over large data, keep both compilers (C1 alone runs full-size
# Spark tasks about twice as slow). PLANWATCH_JIT=quick|full chooses; auto decides by the size of what
# the command reads (local folders only).
#
# "quick" also turns off Spark's code generation, the other compiler of a run: on a city's data
# every query plan's Java source compiled by Janino (some 600 classes a night) costs more than the
# rows it then processes. Spark evaluates the same expressions interpreted, with the same results
# (every silver and gold table of today's warehouse identical): a run that computes every table about
# 10% faster, a cold `sql` about 1 s (docs/performance.md, thirtieth session). Spark reads spark.*
# system properties into its configuration; --conf on the command line still wins.
QUICK_JIT_MAX_BYTES=$((64 * 1024 * 1024))
jit_mode() {
  local mode="${PLANWATCH_JIT:-auto}" input bytes
  [[ "$mode" != auto ]] && { echo "$mode"; return; }
  case "${1:-}" in
    run) input="$(option_value datasets "${PLANWATCH_DATASETS:-datasets}" "$@")" ;;
    sql | report) input="$(option_value warehouse "${PLANWATCH_WAREHOUSE:-warehouse}" "$@")" ;;
    *) echo full; return ;;
  esac
  # A URI (hdfs://, s3a://) is not measured here; a missing folder is empty (the command reports it).
  [[ "$input" == *://* ]] && { echo full; return; }
  bytes="$(du -sb "$input" 2>/dev/null | cut -f1)"
  if ((${bytes:-0} < QUICK_JIT_MAX_BYTES)); then echo quick; else echo full; fi
}

# The JVM options of the quick mode. With C1 alone HotSpot reserves 48 MB for compiled code (both tiers:
# 240 MB); a cold night that computes tables filled it (max_used 47-49 MB), the sweeper freeing code
# for the compiler as it went, until one night it could not: compiler disabled, then the run died of
# "Out of space in CodeCache for adapters" (docs/performance.md, thirty-second session).
quick_jvm_options() {
  echo "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m -Dspark.sql.codegen.wholeStage=false -Dspark.sql.codegen.factoryMode=NO_CODEGEN"
}

# The JVM options of the full mode for ARGS. HotSpot leaves a method of more than 8,000 bytes of
# bytecode interpreted; Spark's whole-stage code for a wide plan is larger (silver's checks: 10-15 KB),
# so Spark's limit was set to the JVM's and such a stage ran operator by operator, each copying its
# whole row. For a run over large data HotSpot compiles methods of any size, and SessionFactory lets
# Spark keep stages of up to 16 KB whole: the observations' checks 49 -> 28 s at the bench's full size
# (docs/performance.md, thirty-third session). Not for the server yet: its end-to-end test used more
# CPU with it (one sample each), and its served nights were not measured with it.
full_jvm_options() {
  if [[ "${1:-}" == run ]]; then echo "-XX:-DontCompileHugeMethods"; fi
}
