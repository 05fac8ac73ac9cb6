# Sourced by the bench/ scripts that run the daemon as `./nxs serve` does, after scripts/java-home.
# nxs_serve_flags [HEAP]: sets flags to ./nxs serve's JVM flags (the `nxs` launcher's serve lines),
# with HEAP as the heap line when given (default the launcher's: -Xms40m -Xmn24m, ADR 0026), and
# exports the launcher's C-heap setting: two malloc arenas, and from JDK 23 the JVM trimming the C
# heap every 10 s.
nxs_serve_flags() {
  local native="--enable-native-access=ALL-UNNAMED"
  if [ "$NXS_JAVA_MAJOR" -ge 23 ]; then native="$native --sun-misc-unsafe-memory-access=allow"; fi
  flags="$native -XX:+UseSerialGC ${1:--Xms40m -Xmn24m} -XX:-ShrinkHeapInSteps -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -Djdk.console=java.base"
  if [ "$NXS_JAVA_MAJOR" -ge 23 ]; then flags="$flags -XX:TrimNativeHeapInterval=10000"; fi
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
}
