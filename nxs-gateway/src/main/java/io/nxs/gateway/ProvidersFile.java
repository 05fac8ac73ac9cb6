package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.nxs.core.config.ConfigSection;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The optional {@code providers_file:} key: a YAML file holding {@code providers:}, {@code
 * failover:} and optionally {@code routes:}, such as the seed's {@code /etc/nxs/providers.yaml}. A
 * relative path is resolved against the NXS home.
 */
public final class ProvidersFile {

  public static final ConfigSection<ProvidersFile> SECTION =
      ConfigSection.of("providers_file", ProvidersFile.class, ProvidersFile::none);

  private final String path;

  private ProvidersFile(String path) {
    this.path = path;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ProvidersFile of(String path) {
    if (path != null && path.isBlank()) {
      throw new IllegalArgumentException("providers_file must name a file, but is empty");
    }
    return new ProvidersFile(path);
  }

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public static ProvidersFile none() {
    return new ProvidersFile(null);
  }

  /** The file, resolved against {@code home}, if one is set. */
  public Optional<Path> resolve(Path home) {
    return path == null ? Optional.empty() : Optional.of(home.resolve(path));
  }
}
