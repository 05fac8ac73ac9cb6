package io.nxs.doctor.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.alert.AlertState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The error rate's EWMA against its 7-day baseline from the hourly history: a rise to several times
 * the usual rate is an alert even while it stays under the absolute threshold.
 */
class ErrorRateBaselineTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Map<String, String> API = Map.of("metric", "api.error_rate");

  private static double ratio(DoctorFixture fx) {
    return fx.doctor.samples().latest("predict.error_rate_ratio", API);
  }

  @Test
  void aRiseToFourTimesTheUsualErrorRateFiresAndASettledOneResolves() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("api.error_rate", 1.0); // the usual 1 %, for two hours of history
      fx.run(Duration.ofHours(2).plus(Duration.ofMinutes(5)), MINUTE);
      assertThat(ratio(fx)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));

      fx.synthetic.set("api.error_rate", 4.0); // 4 %: under high-error-rate's 5 %
      fx.tick(MINUTE);
      // EWMA with alpha 0.3: 0.3 × 4 + 0.7 × 1
      assertThat(ratio(fx)).isCloseTo(1.9, org.assertj.core.data.Offset.offset(0.01));
      fx.run(Duration.ofMinutes(15), MINUTE);

      String key = Alert.key("error-rate-above-baseline", API);
      assertThat(fx.doctor.alerts().openByKey(key)).map(Alert::state).contains(AlertState.FIRING);
      assertThat(fx.doctor.alerts().openByKey(Alert.key("high-error-rate", Map.of()))).isEmpty();

      fx.synthetic.set("api.error_rate", 1.0);
      fx.run(Duration.ofMinutes(10), MINUTE);
      assertThat(fx.doctor.alerts().openByKey(key)).isEmpty();
    }
  }
}
