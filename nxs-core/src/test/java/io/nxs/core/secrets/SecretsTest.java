package io.nxs.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.state.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One owner for secrets.yaml: sections, hot reload, rollback, atomic rewrite, no values quoted. */
class SecretsTest {

  /** A module's section. */
  record Demo(String token) {
    static final ConfigSection<Demo> SECTION = ConfigSection.of("demo", Demo.class);

    @JsonCreator
    Demo(@JsonProperty("token") String token) {
      this.token = token;
      if (token != null && token.contains(" ")) {
        throw new IllegalArgumentException("token has spaces");
      }
    }
  }

  /** Another module's section, which the demo's owner never reads. */
  record Other(String password) {
    static final ConfigSection<Other> SECTION = ConfigSection.of("other", Other.class);

    @JsonCreator
    Other(@JsonProperty("password") String password) {
      this.password = password;
    }
  }

  @TempDir Path home;

  private final List<Demo> changes = new ArrayList<>();
  private final List<String> rejections = new ArrayList<>();

  private Path file() {
    return home.resolve("secrets.yaml");
  }

  private Secrets.Listener<Demo> listener() {
    return new Secrets.Listener<>() {
      @Override
      public void changed(Demo value) {
        changes.add(value);
      }

      @Override
      public void rejected(String reason) {
        rejections.add(reason);
      }
    };
  }

  private Secrets bound() {
    Secrets secrets = Secrets.inHome(home);
    secrets.bind(
        Demo.SECTION,
        d -> {
          if ("forbidden-value-1".equals(d.token())) {
            throw new IllegalArgumentException("demo.token: not allowed here");
          }
        },
        listener());
    return secrets;
  }

  @Test
  void eachModuleReadsItsOwnSectionAndNoFileMeansDefaults() throws Exception {
    assertThat(Secrets.inHome(home).bind(Demo.SECTION, d -> {}, listener()).token()).isNull();

    Files.writeString(file(), "demo:\n  token: tok-1111111\nother:\n  password: pw-2222222\n");

    assertThat(Secrets.read(home, Other.SECTION).password()).isEqualTo("pw-2222222");
    assertThat(bound().reloadIfChanged()).isFalse();
  }

  @Test
  void aValidChangeReachesTheOwnerOnReload() throws Exception {
    Files.writeString(file(), "demo:\n  token: tok-1111111\n");
    Secrets secrets = bound();

    Files.writeString(file(), "demo:\n  token: tok-3333333\n");

    assertThat(secrets.reloadIfChanged()).isTrue();
    assertThat(changes).extracting(Demo::token).containsExactly("tok-3333333");
    assertThat(secrets.reloadIfChanged()).isFalse();
  }

  @Test
  void anInvalidChangeIsSetAsideTheLastGoodFileRestoredAndNoValueQuoted() throws Exception {
    String good = "demo:\n  token: tok-1111111\n";
    Files.writeString(file(), good);
    Secrets secrets = bound();

    Files.writeString(file(), "demo:\n  token: \"with space-4444444\"\n");
    secrets.reloadIfChanged();
    Files.writeString(file(), "demo:\n  token: \"unclosed-5555555\n");
    secrets.reloadIfChanged();
    Files.writeString(file(), "demo:\n  token: forbidden-value-1\n");
    secrets.reloadIfChanged();

    assertThat(Files.readString(file())).isEqualTo(good);
    assertThat(file().resolveSibling("secrets.yaml.rejected"))
        .content()
        .contains("forbidden-value-1");
    assertThat(SecureFiles.permissions(file().resolveSibling("secrets.yaml.rejected")))
        .isEqualTo("rw-------");
    assertThat(changes).isEmpty();
    assertThat(rejections).hasSize(3);
    assertThat(rejections.get(0)).contains("secrets.yaml:").contains("token has spaces");
    assertThat(rejections.get(1)).contains("secrets.yaml:").contains("not valid YAML");
    assertThat(rejections.get(2)).contains("demo.token: not allowed here");
    assertThat(String.join("\n", rejections))
        .doesNotContain("4444444")
        .doesNotContain("5555555")
        .doesNotContain("forbidden-value-1");
  }

  @Test
  void anInvalidFileStopsTheOwnerFromStartingWithFileLineAndKey() throws Exception {
    Files.writeString(file(), "demo:\n  token: \"a b-6666666\"\n");

    assertThatThrownBy(() -> Secrets.inHome(home).bind(Demo.SECTION, d -> {}, listener()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("secrets.yaml:")
        .hasMessageContaining("demo")
        .hasMessageNotContaining("6666666")
        .hasNoCause();
  }

  @Test
  void anUpdateRewritesOneSectionAtomicallyAndKeepsTheOthers() throws Exception {
    String before = "demo:\n  token: tok-1111111\nother:\n  password: pw-2222222\n";
    Files.writeString(file(), before);
    Secrets secrets = bound();

    secrets.update(Demo.SECTION, new Demo("tok-7777777"));

    assertThat(Secrets.read(home, Demo.SECTION).token()).isEqualTo("tok-7777777");
    assertThat(Secrets.read(home, Other.SECTION).password()).isEqualTo("pw-2222222");
    assertThat(SecureFiles.permissions(file())).isEqualTo("rw-------");
    assertThat(file().resolveSibling("secrets.yaml.prev")).content().isEqualTo(before);
    assertThat(secrets.reloadIfChanged()).as("its own write is no change").isFalse();
    assertThatThrownBy(() -> secrets.update(Demo.SECTION, new Demo("forbidden-value-1")))
        .isInstanceOf(NxsException.class)
        .hasMessageNotContaining("forbidden-value-1");
    assertThat(Secrets.read(home, Demo.SECTION).token()).isEqualTo("tok-7777777");
  }

  @Test
  void aSectionHasOneOwner() {
    Secrets secrets = bound();

    assertThatThrownBy(() -> secrets.bind(Demo.SECTION, d -> {}, listener()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bound twice");
    assertThatThrownBy(() -> secrets.update(Other.SECTION, new Other("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not bound");
  }
}
