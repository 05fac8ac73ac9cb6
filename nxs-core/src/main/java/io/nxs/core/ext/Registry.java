package io.nxs.core.ext;

import io.nxs.core.NxsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * Named extensions of one kind, registered by the modules that provide them and looked up by the
 * modules that use them, so neither knows the other.
 *
 * <p>Names are unique per kind: registering a second, different extension under a taken name is
 * refused with both sides named.
 */
public final class Registry<T> {

  private final String kind;
  private final Function<? super T, String> nameOf;
  private final Map<String, T> byName = new ConcurrentSkipListMap<>();

  public Registry(String kind, Function<? super T, String> nameOf) {
    this.kind = kind;
    this.nameOf = nameOf;
  }

  /**
   * Registers an extension.
   *
   * @return the extension, for chaining
   * @throws NxsException when another extension already holds the name
   */
  public T register(T extension) {
    String name = nameOf.apply(extension);
    T previous = byName.putIfAbsent(name, extension);
    if (previous != null && previous != extension) {
      throw new NxsException(
          kind
              + " '"
              + name
              + "' is registered twice: by "
              + previous.getClass().getName()
              + " and by "
              + extension.getClass().getName());
    }
    return extension;
  }

  /** The extension with that name, if any. */
  public Optional<T> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every extension, ordered by name. */
  public List<T> all() {
    return new ArrayList<>(byName.values());
  }

  /** What this registry holds, e.g. {@code healing action}. */
  public String kind() {
    return kind;
  }
}
