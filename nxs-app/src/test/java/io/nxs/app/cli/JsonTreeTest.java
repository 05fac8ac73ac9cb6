package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonTreeTest {

  static Stream<String> documents() {
    return Stream.of(
        "{}",
        "[]",
        "{\"ready\":true,\"modules\":{\"gateway\":{\"ready\":false,\"detail\":\"no provider\"}}}",
        "{\"snapshots\":[{\"id\":\"20261207T091424Z-288950f5\",\"verify_ok\":true,"
            + "\"files\":12,\"bytes\":10485760,\"created_at\":\"2026-12-07T09:14:24Z\"}]}",
        "{\"int\":2147483647,\"long\":2147483648,\"negative\":-9223372036854775808,"
            + "\"big\":123456789012345678901234567890,\"zero\":0,\"minus\":-1}",
        "{\"double\":0.9,\"exp\":1e3,\"small\":-2.5E-7,\"whole\":100.0,\"precise\":0.1234567890123456789}",
        "{\"nothing\":null,\"no\":false,\"empty\":\"\",\"nested\":[[],[{}],[1,\"a\",null,true]]}",
        "{\"unicode\":\"caf\\u00e9 \\ud83d\\ude00 \\\"quoted\\\" \\\\ \\n\",\"tab\":\"a\\tb\"}",
        "{\"twice\":1,\"twice\":\"last wins\"}",
        "  [1, 2.0, \"3\"]  ",
        "\"just a string\"",
        "42",
        "");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void readsTheTreeTheSharedMapperReads(String json) throws IOException {
    JsonNode expected = Json.mapper().readTree(json);

    JsonNode tree = JsonTree.read(json);

    assertThat(tree).isEqualTo(expected);
    assertThat(tree.getNodeType()).isEqualTo(expected.getNodeType());
    assertThat(tree.toString()).isEqualTo(expected.toString());
  }

  @Test
  void numbersKeepTheMappersNodeTypes() throws IOException {
    String json = "[1, 3000000000, 123456789012345678901234567890, 1.5]";

    JsonNode tree = JsonTree.read(json);

    for (int i = 0; i < 4; i++) {
      assertThat(tree.get(i).getClass()).isEqualTo(Json.mapper().readTree(json).get(i).getClass());
    }
    assertThat(tree.get(2).bigIntegerValue()).hasToString("123456789012345678901234567890");
  }

  @Test
  void aBodyThatIsNotJsonIsAnError() {
    assertThatThrownBy(() -> JsonTree.read("<html>502 Bad Gateway</html>"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> JsonTree.read("{\"cut\": [1, 2")).isInstanceOf(IOException.class);
  }
}
