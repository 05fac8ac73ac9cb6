package io.nxs.cluster.internal;

/** This node's own figures for its report; quick to read. */
public interface HostFigures {

  /** 1 − load average / cores, in [0, 1]. */
  double cpuFree();

  /** 1 − used / total memory, in [0, 1]. */
  double memoryFree();

  /** Share of recent HTTP requests answered with a server error, in [0, 1]. */
  double errorRate();
}
