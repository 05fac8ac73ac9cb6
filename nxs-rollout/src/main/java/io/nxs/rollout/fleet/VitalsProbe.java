package io.nxs.rollout.fleet;

/** Measures this instance's own figures, one window per call (SPEC RO4). */
@FunctionalInterface
public interface VitalsProbe {

  /** The figures since the previous call (the first call: since the process started). */
  Vitals sample();
}
