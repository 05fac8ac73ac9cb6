package io.nxs.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

@EnabledOnOs(OS.LINUX)
class SqliteLibraryTest {

  private static final String PATH = "org.sqlite.lib.path";
  private static final String NAME = "org.sqlite.lib.name";

  @TempDir Path root;
  private String path;
  private String name;

  @BeforeEach
  void clearTheDriversSettings() {
    path = System.clearProperty(PATH);
    name = System.clearProperty(NAME);
  }

  @AfterEach
  void restoreTheDriversSettings() {
    restore(PATH, path);
    restore(NAME, name);
  }

  @Test
  void extractsTheDriversOwnLibraryOnceAndPointsTheDriverAtIt() throws Exception {
    assertThat(SqliteLibrary.useCache(root)).isTrue();

    Path library = Path.of(System.getProperty(PATH), System.getProperty(NAME));
    assertThat(library.getParent().getParent()).isEqualTo(root);
    assertThat(library.getParent().getFileName().toString())
        .isEqualTo(
            "sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + System.getProperty("os.arch"));
    assertThat(Files.readAllBytes(library)).isEqualTo(driversLibrary());
    assertThat(SecureFiles.permissions(library)).isEqualTo("rw-------");
    assertThat(SecureFiles.permissions(library.getParent())).isEqualTo("rwx------");
  }

  @Test
  void aLaterStartUsesTheCopyWithoutWritingIt() throws Exception {
    SqliteLibrary.useCache(root);
    Path library = Path.of(System.getProperty(PATH), System.getProperty(NAME));
    FileTime written = FileTime.fromMillis(0);
    Files.setLastModifiedTime(library, written);
    System.clearProperty(PATH);
    System.clearProperty(NAME);

    assertThat(SqliteLibrary.useCache(root)).isTrue();

    assertThat(Path.of(System.getProperty(PATH), System.getProperty(NAME))).isEqualTo(library);
    assertThat(Files.getLastModifiedTime(library)).isEqualTo(written);
    try (var files = Files.list(library.getParent())) {
      assertThat(files).containsExactly(library);
    }
  }

  @Test
  void aDamagedCopyIsReplacedNotLoaded() throws Exception {
    SqliteLibrary.useCache(root);
    Path library = Path.of(System.getProperty(PATH), System.getProperty(NAME));
    byte[] damaged = Files.readAllBytes(library);
    damaged[damaged.length / 2] ^= 1;
    Files.write(library, damaged);
    System.clearProperty(PATH);
    System.clearProperty(NAME);

    assertThat(SqliteLibrary.useCache(root)).isTrue();

    assertThat(Path.of(System.getProperty(PATH), System.getProperty(NAME))).isEqualTo(library);
    assertThat(Files.readAllBytes(library)).isEqualTo(driversLibrary());
  }

  @Test
  void copiesOfOtherVersionsGoWhenThisOneIsExtracted() throws Exception {
    Path old = root.resolve("sqlite-jdbc-3.0.0.0-amd64");
    Files.createDirectories(old);
    Files.write(old.resolve("libsqlitejdbc-00000000.so"), new byte[] {1});

    SqliteLibrary.useCache(root);

    assertThat(old).doesNotExist();
  }

  @Test
  void aLibraryTheOperatorChoseIsLeftAlone() {
    System.setProperty(PATH, "/opt/sqlite");

    assertThat(SqliteLibrary.useCache(root)).isFalse();

    assertThat(System.getProperty(PATH)).isEqualTo("/opt/sqlite");
    assertThat(System.getProperty(NAME)).isNull();
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void anUnwritableCacheLeavesTheDriverToExtractItself() throws Exception {
    Path file = root.resolve("not-a-directory");
    Files.writeString(file, "x");

    assertThat(SqliteLibrary.useCache(file)).isFalse();

    assertThat(System.getProperty(PATH)).isNull();
    assertThat(System.getProperty(NAME)).isNull();
  }

  private static byte[] driversLibrary() throws Exception {
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
