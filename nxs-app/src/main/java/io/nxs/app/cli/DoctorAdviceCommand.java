package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.doctor.advice.AdviceRoutes;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nxs doctor advice [-o json]}: right-sizing and scale signals (SPEC DR10). */
@Command(
    name = "advice",
    mixinStandardHelpOptions = true,
    description = {
      "Right-sizing for this instance from the Doctor's figures (seed 000's table),",
      "the instances that take work, the scale bounds and the last scale signal."
    })
final class DoctorAdviceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode advice = DaemonClient.connect(Commands.global(spec)).get(AdviceRoutes.PATH);
    if (Commands.global(spec).json()) {
      Commands.printJson(spec, advice);
      return ExitCode.OK;
    }
    PrintWriter out = Commands.out(spec);
    out.printf(
        Locale.ROOT,
        "%d instance(s) take work; scale signals stay within %d-%d%n",
        advice.path("instances").asInt(),
        advice.path("min_instances").asInt(),
        advice.path("max_instances").asInt());
    JsonNode recs = advice.path("recommendations");
    if (recs.isEmpty()) {
      out.println(
          "no right-sizing advised (nothing under its threshold, or under 30 min of figures)");
    } else {
      Table table = Table.of("RESOURCE", "PATTERN", "CURRENT", "RECOMMENDED", "SAVINGS");
      for (JsonNode r : recs) {
        table.row(
            r.path("resource").asText(),
            r.path("pattern").asText(),
            r.path("current").asText(),
            r.path("recommended").asText(),
            r.path("savings_percent").asInt() + " %");
      }
      table.print(out);
    }
    JsonNode last = advice.path("last_signal");
    if (last.isObject()) {
      out.printf(
          Locale.ROOT,
          "last signal: scale %s %d -> %d at %s (%s)%n",
          last.path("direction").asText().toLowerCase(Locale.ROOT),
          last.path("instances").asInt(),
          last.path("advised").asInt(),
          last.path("at").asText(),
          last.path("reason").asText());
    } else {
      out.println("no scale signal yet");
    }
    return ExitCode.OK;
  }
}
